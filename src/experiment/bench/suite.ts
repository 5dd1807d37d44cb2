// The benchmark suite, shared by `npm run bench` (Node + Dawn) and the benchmark page (the
// training Worker): device peak (FMA, copy), the engine's matmul variants at the model's real
// shapes and at 1024³, and training steps (full fine-tuning and LoRA r = 1, 8, 64 on all
// projections), every figure also as a fraction of the measured FMA peak. It runs on any
// KernelContext; the caller says which adapter and runtime it is.

import {
  MATMUL_BENCH_VARIANTS, MODEL_SIZES, prepareBenchTarget, TARGET_GROUPS, TrainingRun,
  type BenchSpec, type KernelContext, type MatmulForm,
} from '../../engine/index';
import { stepFlops } from './flops';
import type { BenchProgress, BenchReport, BenchRuntime, ExperimentBench, MatmulBench, PeakResults, StepBench } from './report';
import { CUBE_1024, modelMatmulShapes, STEP_BATCH, STEP_RANKS, type MatmulShape, type SizeName } from './shapes';
import { invertSummary, summarize } from './stats';
import { checked, countSubmits, timeTarget, type TimingOptions } from './timing';

export interface SuiteOptions {
  adapter: string;
  software: boolean;
  runtime: BenchRuntime;
  /** Host conditions at the start and end (the load average tells whether other work shared the CPUs). */
  host?: () => string;
  /** Small probes, tiny shapes only, no 1024³, fewer repetitions: seconds on SwiftShader. */
  quick: boolean;
  /** Sizes of the training-step benchmark (default: tiny and base; quick: tiny). */
  stepSizes?: SizeName[];
  /** Sizes of the model-shape matmuls (default: base and small; quick: tiny). */
  matmulSizes?: SizeName[];
  /** Measure 1024³ (default: not in quick mode). */
  cube?: boolean;
  stepRepeats?: number;
  stepWarmups?: number;
  /** Times the whole default experiment when given (Node: needs the data assets). */
  experiment?: () => Promise<ExperimentBench>;
  onProgress?: (p: BenchProgress) => void;
}

const FORMS: MatmulForm[] = ['forward', 'backward_input', 'backward_weight'];

/** Peers named by the issue that this suite does not run yet. */
export const NOT_MEASURED = [
  'TensorFlow.js (tf.matMul and the same model trained with its autodiff and Adam) is not measured: the package is not installed.',
  'onnxruntime-web\'s WebGPU execution provider (one-node MatMul) is not measured yet.',
];

async function measure(ctx: KernelContext, spec: BenchSpec, timing: TimingOptions) {
  const t = await prepareBenchTarget(ctx, spec);
  try {
    return { target: t, ms: await timeTarget(t, timing) };
  } finally {
    t.destroy();
  }
}

async function measurePeak(ctx: KernelContext, quick: boolean, timing: TimingOptions, log: (m: string) => void): Promise<PeakResults> {
  const threads = quick ? 16_384 : 262_144;
  const iters = quick ? 64 : 128;
  log(`FMA peak: ${threads} threads × ${iters} loop trips`);
  const fma = await measure(ctx, { kind: 'fma', threads, iters }, timing);
  // Large enough to leave the caches of real GPUs, within the default 128 MiB binding limit.
  const limit = Math.floor(ctx.device.limits.maxStorageBufferBindingSize / 4 / 4) * 4;
  const elements = Math.min(quick ? 1 << 20 : 1 << 24, limit);
  log(`copy peak: ${(elements * 4) / 2 ** 20} MiB`);
  const copy = await measure(ctx, { kind: 'copy', elements }, timing);
  return {
    fmaGflops: invertSummary(fma.ms, fma.target.flops / 1e6),
    copyGBps: invertSummary(copy.ms, copy.target.bytes / 1e6),
    fmaWork: `${threads}×${iters}`,
    copyBytes: elements * 4,
  };
}

async function measureMatmuls(
  ctx: KernelContext, shapes: MatmulShape[], peak: number, timing: TimingOptions, log: (m: string) => void,
): Promise<MatmulBench[]> {
  const out: MatmulBench[] = [];
  for (const s of shapes) {
    for (const form of FORMS) {
      // Variants alternate within a shape, so a drift in the device's speed hits them alike.
      for (const variant of MATMUL_BENCH_VARIANTS) {
        log(`matmul ${form} [${variant}] ${s.rows}×${s.inDim}×${s.outDim}`);
        const { target, ms } = await measure(ctx, { kind: 'matmul', form, variant, rows: s.rows, inDim: s.inDim, outDim: s.outDim }, timing);
        const gflops = invertSummary(ms, target.flops / 1e6);
        out.push({ group: s.group, form, variant, rows: s.rows, inDim: s.inDim, outDim: s.outDim, ms, gflops, fractionOfPeak: gflops.median / peak });
      }
    }
  }
  return out;
}

type StepMethod = { label: string; mode: 'full' | 'lora'; rank: number | null };

const STEP_METHODS: StepMethod[] = [
  { label: 'full', mode: 'full', rank: null },
  ...STEP_RANKS.map((r): StepMethod => ({ label: `lora r=${r} (all)`, mode: 'lora', rank: r })),
];

function createStepRun(ctx: KernelContext, size: SizeName, m: StepMethod): Promise<TrainingRun> {
  const [B, T] = STEP_BATCH[size];
  return TrainingRun.create(ctx, {
    config: MODEL_SIZES[size], batchSize: B, seqLen: T, mode: m.mode, seed: 1,
    lora: m.rank === null ? undefined : { rank: m.rank, alpha: 2 * m.rank, targets: TARGET_GROUPS.all, scaling: 'standard', dropout: 0 },
  });
}

/** Every method of one size, created up front; repetitions alternate the methods (rotating who goes first). */
async function measureSteps(
  ctx: KernelContext, size: SizeName, o: { repeats: number; warmups: number; peak: number }, log: (m: string) => void,
): Promise<StepBench[]> {
  const cfg = MODEL_SIZES[size];
  const [B, T] = STEP_BATCH[size];
  const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 31 + 7) % cfg.vocabSize); // (B, T)
  const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 17 + 3) % cfg.vocabSize); // (B, T)
  const runs: TrainingRun[] = [];
  try {
    for (const m of STEP_METHODS) runs.push(await createStepRun(ctx, size, m));
    log(`${size}: ${o.warmups} warm-up steps per method`);
    for (const run of runs) for (let i = 0; i < o.warmups; i++) await run.step({ tokens, targets, lr: 1e-4 });
    const ms: number[][] = runs.map(() => []);
    const submits: number[] = runs.map(() => 0);
    for (let rep = 0; rep < o.repeats; rep++) {
      log(`${size}: timed step ${rep + 1}/${o.repeats} of each method`);
      for (let j = 0; j < runs.length; j++) {
        const k = (j + rep) % runs.length;
        const t0 = performance.now();
        const { submits: n } = await countSubmits(ctx.device, () => runs[k].step({ tokens, targets, lr: 1e-4 }));
        ms[k].push(performance.now() - t0);
        submits[k] += n;
      }
    }
    const fullMedian = summarize(ms[0]).median;
    return STEP_METHODS.map((m, k) => {
      const s = summarize(ms[k]);
      const flops = stepFlops(cfg, B, T, m.mode === 'full' ? { mode: 'full' } : { mode: 'lora', rank: m.rank!, targets: TARGET_GROUPS.all }).total;
      const gflops = flops / (s.median * 1e6);
      return {
        size, method: m.label, mode: m.mode, rank: m.rank, B, T, trainableParams: runs[k].memory().trainableParams,
        ms: s, tokensPerSecond: (B * T * 1000) / s.median,
        // Read while the run lives: destroy() empties its dispatch list.
        dispatchesPerStep: runs[k].dispatchesPerStep, submitsPerStep: submits[k] / o.repeats,
        flopsPerStep: flops, gflops, fractionOfPeak: gflops / o.peak, vsFull: m.mode === 'full' ? null : s.median / fullMedian,
      };
    });
  } finally {
    for (const r of runs) r.destroy();
  }
}

export async function runBenchSuite(ctx: KernelContext, o: SuiteOptions): Promise<BenchReport> {
  const t0 = performance.now();
  const date = new Date().toISOString(); // when the run started
  const hostAtStart = o.host?.();
  const say = (phase: BenchProgress['phase']) => (message: string) => o.onProgress?.({ phase, message });
  const timing: TimingOptions = o.quick ? { minSampleMs: 30, samples: 3 } : { minSampleMs: 200, samples: 5 };
  const peak = await checked(ctx.device, 'peak', () => measurePeak(ctx, o.quick, timing, say('peak')));
  const peakGflops = peak.fmaGflops.median;
  const shapes = (o.matmulSizes ?? (o.quick ? ['tiny'] : ['base', 'small'])).flatMap((s) => modelMatmulShapes(s));
  if (o.cube ?? !o.quick) shapes.push(CUBE_1024);
  const matmul = await checked(ctx.device, 'matmul', () => measureMatmuls(ctx, shapes, peakGflops, timing, say('matmul')));
  const repeats = o.stepRepeats ?? (o.quick ? 3 : 5);
  const warmups = o.stepWarmups ?? (o.quick ? 1 : 2);
  const steps: StepBench[] = [];
  for (const size of o.stepSizes ?? (o.quick ? ['tiny'] : ['tiny', 'base'])) {
    steps.push(...(await checked(ctx.device, 'training-step', () => measureSteps(ctx, size, { repeats, warmups, peak: peakGflops }, say('step')))));
  }
  let experiment: ExperimentBench | null = null;
  if (o.experiment) {
    say('experiment')('whole experiment (default preset)');
    experiment = await checked(ctx.device, 'experiment', o.experiment);
  }
  return {
    version: 1, date, runtime: o.runtime, adapter: o.adapter, software: o.software,
    host: hostAtStart === undefined ? null : `start: ${hostAtStart}; end: ${o.host!()}`, quick: o.quick,
    stepRepeats: repeats, stepWarmups: warmups, peak, matmul, steps, experiment, notes: NOT_MEASURED, totalMs: performance.now() - t0,
  };
}
