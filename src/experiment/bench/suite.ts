// The benchmark suite, shared by `npm run bench` (Node + Dawn) and the benchmark page (the
// training Worker): device peak (FMA, copy), the engine's matmul variants at the model's real
// shapes and at 1024³, and training steps (full fine-tuning and LoRA r = 1, 8, 64 on all
// projections), every figure also as a fraction of the measured FMA peak. It runs on any
// KernelContext; the caller says which adapter and runtime it is.
// Peers (peers/): tf.matMul on TensorFlow.js's WebGPU backend and onnxruntime-web's WebGPU
// execution provider at the same matmul shapes, alternated with the engine's variants, and the
// same model trained with TF.js in the training-step rotation, after a loss check.

import {
  MATMUL_BENCH_VARIANTS, MODEL_SIZES, prepareBenchTarget, TARGET_GROUPS, TrainingRun,
  type BenchSpec, type KernelContext, type MatmulForm,
} from '../../engine/index';
import { measureAttentionVariants } from './attention-variants';
import { measureRowVariants } from './row-variants';
import { stepFlops } from './flops';
import { checkPeers, loadPeers, type LoadedPeers, type PeerOptions } from './peers/load';
import { engineOverPeer, fastestEngineRow } from './peers/ratios';
import { tfGradientsMissing } from './peers/tfjs-load';
import { prepareTfStep, type TfStepPeer } from './peers/tfjs-step';
import type { PeerMatmulBench, PeerResults, PeerStepBench } from './peers/types';
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
  /** Time the attention variants at the matmul sizes' shapes (default: true). */
  attention?: boolean;
  /** Time the row-reduction variants (RMSNorm, cross-entropy) at the matmul sizes' shapes (default: true). */
  rows?: boolean;
  stepRepeats?: number;
  stepWarmups?: number;
  /** Times the whole default experiment when given (Node: needs the data assets). */
  experiment?: () => Promise<ExperimentBench>;
  onProgress?: (p: BenchProgress) => void;
  /** Which peers run (default: all); false: none. */
  peers?: PeerOptions | false;
}

const FORMS: MatmulForm[] = ['forward', 'backward_input', 'backward_weight'];

/** What the issue asks for that this suite does not measure (peers that could not start are listed in peers.errors). */
export const NOT_MEASURED: string[] = [
  'LoRA training steps are not measured in TensorFlow.js: its peer row is full fine-tuning only.',
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

/**
 * A peer's sample ends with one readback of its product (how its API waits for the GPU; the
 * engine's ends with onSubmittedWorkDone), so its samples last 5× longer: the readback's
 * fixed cost is then a small share of each sample.
 */
const peerTiming = (t: TimingOptions): TimingOptions => ({ ...t, minSampleMs: 5 * t.minSampleMs });

async function measureMatmuls(
  ctx: KernelContext, shapes: MatmulShape[], peak: number, timing: TimingOptions, log: (m: string) => void, peers: LoadedPeers,
): Promise<{ engine: MatmulBench[]; peers: PeerMatmulBench[] }> {
  const out: MatmulBench[] = [];
  const peerRows: PeerMatmulBench[] = [];
  for (const s of shapes) {
    for (const form of FORMS) {
      // Variants and peers alternate within a shape, so a drift in the device's speed hits them alike.
      for (const variant of MATMUL_BENCH_VARIANTS) {
        log(`matmul ${form} [${variant}] ${s.rows}×${s.inDim}×${s.outDim}`);
        const { target, ms } = await measure(ctx, { kind: 'matmul', form, variant, rows: s.rows, inDim: s.inDim, outDim: s.outDim }, timing);
        const gflops = invertSummary(ms, target.flops / 1e6);
        out.push({ group: s.group, form, variant, rows: s.rows, inDim: s.inDim, outDim: s.outDim, ms, gflops, fractionOfPeak: gflops.median / peak });
      }
      for (const peer of peers.matmul) {
        log(`matmul ${form} [${peer.info.peer}] ${s.rows}×${s.inDim}×${s.outDim}`);
        const spec = { form, rows: s.rows, inDim: s.inDim, outDim: s.outDim };
        const target = await peer.prepare(spec);
        let ms;
        try {
          ms = await timeTarget(target, peerTiming(timing));
        } finally {
          target.destroy();
        }
        const gflops = invertSummary(ms, target.flops / 1e6);
        const best = fastestEngineRow(out, { group: s.group, ...spec })!;
        peerRows.push({
          peer: peer.info.peer, group: s.group, ...spec, ms, gflops, fractionOfPeak: gflops.median / peak,
          engineVariant: best.variant, engineOverPeer: engineOverPeer(best.ms.median, ms.median),
        });
      }
    }
  }
  return { engine: out, peers: peerRows };
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
/** The batch of the training-step benchmark at a size (the same for the engine and the TF.js peer). */
function stepBatch(size: SizeName) {
  const cfg = MODEL_SIZES[size];
  const [B, T] = STEP_BATCH[size];
  const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 31 + 7) % cfg.vocabSize); // (B, T)
  const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 17 + 3) % cfg.vocabSize); // (B, T)
  return { cfg, B, T, tokens, targets, seed: 1 };
}

/** Every method of one size, created up front; repetitions alternate the methods and the peer (rotating who goes first). */
async function measureSteps(
  ctx: KernelContext, size: SizeName, o: { repeats: number; warmups: number; peak: number }, log: (m: string) => void,
  peer: TfStepPeer | null,
): Promise<{ engine: StepBench[]; peerMs: number[] }> {
  const { cfg, B, T, tokens, targets } = stepBatch(size);
  const runs: TrainingRun[] = [];
  try {
    for (const m of STEP_METHODS) runs.push(await createStepRun(ctx, size, m));
    const steppers = runs.map((run) => () => run.step({ tokens, targets, lr: 1e-4 }) as Promise<unknown>);
    if (peer) steppers.push(peer.step);
    log(`${size}: ${o.warmups} warm-up steps per method`);
    for (const step of steppers) for (let i = 0; i < o.warmups; i++) await step();
    const ms: number[][] = steppers.map(() => []);
    const submits: number[] = steppers.map(() => 0);
    for (let rep = 0; rep < o.repeats; rep++) {
      log(`${size}: timed step ${rep + 1}/${o.repeats} of each method${peer ? ' and TF.js' : ''}`);
      for (let j = 0; j < steppers.length; j++) {
        const k = (j + rep) % steppers.length;
        const t0 = performance.now();
        const { submits: n } = await countSubmits(ctx.device, steppers[k]);
        ms[k].push(performance.now() - t0);
        submits[k] += n;
      }
    }
    const fullMedian = summarize(ms[0]).median;
    const engine = STEP_METHODS.map((m, k): StepBench => {
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
    return { engine, peerMs: peer ? ms[ms.length - 1] : [] };
  } finally {
    for (const r of runs) r.destroy();
  }
}

/** The TF.js peer's row at a size: its step time only when its losses matched the engine's. */
function peerStepRow(size: SizeName, peer: TfStepPeer, peerMs: number[], engineFullMs: number): PeerStepBench {
  const [B, T] = STEP_BATCH[size];
  const ms = peer.check.ok && peerMs.length ? summarize(peerMs) : null;
  return {
    peer: 'tfjs', size, B, T, lossCheck: peer.check, ms,
    tokensPerSecond: ms ? (B * T * 1000) / ms.median : null, engineOverPeer: ms ? engineOverPeer(engineFullMs, ms.median) : null,
  };
}

/** The engine's methods at one size, and the TF.js model in the same rotation when it passed its loss check. */
async function stepsAt(
  ctx: KernelContext, size: SizeName, o: { repeats: number; warmups: number; peak: number }, log: (m: string) => void,
  peers: LoadedPeers | null, out: PeerResults,
): Promise<StepBench[]> {
  let peer: TfStepPeer | null = null;
  const noGradients = peers?.tf ? await tfGradientsMissing() : null;
  if (noGradients) out.errors.push(`TF.js training step at ${size} not run: ${noGradients}; npm run bench:page runs it in Chromium.`);
  else if (peers?.tf) {
    log(`${size}: TF.js model, first steps' losses against the engine's`);
    try {
      peer = await prepareTfStep(ctx, peers.tf, stepBatch(size));
    } catch (e) {
      out.errors.push(`TF.js training step at ${size} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  try {
    const timed = peer?.check.ok ? peer : null;
    const { engine, peerMs } = await measureSteps(ctx, size, o, log, timed);
    if (peer) out.steps.push(peerStepRow(size, peer, peerMs, engine[0].ms.median));
    return engine;
  } finally {
    peer?.dispose();
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
  const matmulSizes: SizeName[] = o.matmulSizes ?? (o.quick ? ['tiny'] : ['base', 'small']);
  const shapes = matmulSizes.flatMap((s) => modelMatmulShapes(s));
  if (o.cube ?? !o.quick) shapes.push(CUBE_1024);
  let peers: LoadedPeers | null = null;
  const peerResults: PeerResults = { info: [], matmul: [], checks: [], steps: [], errors: [] };
  if (o.peers !== false) {
    say('matmul')('starting the peers (TensorFlow.js, onnxruntime-web)');
    const po = o.peers ?? {};
    peers = await checked(ctx.device, 'peer start', () => loadPeers(ctx, po));
    if (po.tfStep === false) peers.tf = null;
    if (shapes.length) peerResults.checks = await checked(ctx.device, 'peer check', () => checkPeers(ctx, peers!, shapes[0]));
    peerResults.info = peers.info;
    peerResults.errors = peers.errors;
  }
  const mm = await checked(ctx.device, 'matmul', () => measureMatmuls(ctx, shapes, peakGflops, timing, say('matmul'), peers ?? { matmul: [], tf: null, info: [], errors: [] }));
  peerResults.matmul = mm.peers;
  const attention = o.attention === false ? [] : await checked(ctx.device, 'attention', () => measureAttentionVariants(ctx, matmulSizes, peakGflops, timing, say('matmul')));
  // Row-reduction variants: memory-bound kernels, stated against the copy peak.
  const rows = o.rows === false ? [] : await checked(ctx.device, 'row-reduction', () => measureRowVariants(ctx, matmulSizes, peak.copyGBps.median, timing, say('matmul')));
  const repeats = o.stepRepeats ?? (o.quick ? 3 : 5);
  const warmups = o.stepWarmups ?? (o.quick ? 1 : 2);
  const steps: StepBench[] = [];
  for (const size of o.stepSizes ?? (o.quick ? ['tiny'] : ['tiny', 'base'])) {
    const so = { repeats, warmups, peak: peakGflops };
    steps.push(...(await checked(ctx.device, 'training-step', () => stepsAt(ctx, size, so, say('step'), peers, peerResults))));
  }
  let experiment: ExperimentBench | null = null;
  if (o.experiment) {
    say('experiment')('whole experiment (default preset)');
    experiment = await checked(ctx.device, 'experiment', o.experiment);
  }
  for (const m of peers?.matmul ?? []) m.dispose();
  return {
    version: 1, date, runtime: o.runtime, adapter: o.adapter, software: o.software,
    host: hostAtStart === undefined ? null : `start: ${hostAtStart}; end: ${o.host!()}`, quick: o.quick,
    stepRepeats: repeats, stepWarmups: warmups, peak, matmul: mm.engine, attention, rows, steps, experiment,
    ...(o.peers === false ? {} : { peers: peerResults }),
    notes: o.peers === false ? ['Peers (TensorFlow.js, onnxruntime-web) were switched off for this run.', ...NOT_MEASURED] : NOT_MEASURED,
    totalMs: performance.now() - t0,
  };
}
