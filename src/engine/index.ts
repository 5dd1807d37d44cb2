// The engine's only public surface: device acquisition, model configs and layouts, LoRA
// options, training runs, sampling and generation, optimizer settings and LR schedules.
// experiment/ imports from here.

export { acquireDevice, GpuUnavailableError, LimitExceededError, type GpuContext } from './gpu/device';
export { GpuAllocationError } from './gpu/buffers';
export { ShaderCompileError } from './gpu/pipelines';
export { createKernelContext, type KernelContext } from './kernels/kernel';
export type { KernelVariants } from './kernels/kernel';
export {
  MATMUL_VARIANTS, MATMUL_CONSTANTS, matmulShapeClass, resolveMatmulVariant, type MatmulVariant, type MatmulVariantSetting,
} from './kernels/matmul';
export {
  Autotuner, MemoryAutotuneCache, JsonFileAutotuneCache, adapterKey, pickFastest,
  type AutotuneCache, type AutotunerOptions, type Candidate, type JsonFileIo, type TuneResult,
} from './kernels/autotune';
export { MODEL_SIZES, validateConfig, headDim, type LlamaConfig } from './model/config';
export { modelLayout, loraLayout, pack, unpack, PROJECTIONS, type Layout, type Projection } from './model/layout';
export { TARGET_GROUPS, loraScale, validateLora, type LoraOptions, type LoraScaling } from './model/lora';
// The typed tensor names: nothing outside the engine builds one by hand (src/tensor-names.test.ts).
export {
  layerParamName, loraParamName, weightName, PROJECTION_WEIGHT,
  type GlobalParam, type LayerParam, type LayerParamName, type LoraMatrix, type LoraParamName, type ParamName,
} from './model/names';
export { initModelParams } from './model/init';
export { TrainingRun, type RunOptions, type StepInput, type StepResult, type MemoryReport, type PendingStep } from './model/run';
export { submitLockstep, StepTimer } from './model/lockstep';
export { loraDelta, mergeLora, fullDelta } from './model/delta';
export {
  estimateRunMemory, estimateReadbacks, runBuffers, summarizeBuffers,
  type BufferEstimate, type MemoryCategory, type RunMemoryEstimate,
} from './model/memory-estimate';
export {
  generate, sampleFromLogits, softmaxEntropy, type GenerateOptions, type Generation, type SamplingOptions,
} from './model/generate';
export { DEFAULT_ADAMW, type AdamWOptions } from './optim/adamw';
export { learningRate, lrFactor, type LrSchedule } from './optim/schedule';
export {
  prepareBenchTarget, MATMUL_BENCH_VARIANTS, FMA_FLOPS_PER_ITER,
  type BenchSpec, type BenchTarget, type MatmulForm,
} from './kernels/bench_peak';
// One product with the engine's own kernels and buffers, read back: the benchmark checks its
// peers (TensorFlow.js, onnxruntime-web) against it before timing them.
export { matmul_forward, matmul_backward_input, matmul_backward_weight } from './kernels/matmul';
// Evaluation-only forwards (no saved activations for a backward); issue 10, H3.
export { attention_forward_only, type AttentionForwardOnlyArgs } from './kernels/attention';
// Attention variants per device (issue 10): the choice, and the training kernels the benchmark times per variant.
export {
  ATTENTION_VARIANTS, resolveAttentionVariant, attention_forward, attention_backward,
  type AttentionVariant, type AttentionShape,
} from './kernels/attention';
export { rmsnorm_forward_only } from './kernels/rmsnorm';
export { allocTensor, writeTensor, readF32, type GpuTensor } from './gpu/buffers';
export { run as runDispatches, releaseDispatches } from './kernels/kernel';
// Row-reduction variants per device (issue 10): RMSNorm and cross-entropy, 'thread' or 'workgroup' per row.
export {
  ROW_VARIANTS, ROWS_VARIANT_ENV, ROWS_AUTOTUNE_MIN_WORK, rowsShapeClass, type RowVariant, type RowVariantSetting,
} from './kernels/rows';
export { RMSNORM_WG_CONSTANTS, resolveRmsnormVariant, type RmsnormRowEntry } from './kernels/rmsnorm';
export { CROSS_ENTROPY_WG_CONSTANTS, resolveCrossEntropyVariant, type CrossEntropyRowEntry } from './kernels/cross_entropy';
export {
  prepareRowBenchTarget, ROW_BENCH_KERNELS, ROW_BENCH_VARIANTS, type RowBenchKernel, type RowBenchSpec,
} from './kernels/rows_bench';
