// The engine check (the Diagnostics tab): pretrains a tiny model from scratch on an English
// passage with the one pretraining loop (pretrain/loop.ts, the recipe of every pretraining), then
// fine-tunes copies of it on a code snippet side by side, with full fine-tuning and with LoRA
// (rank 8), on identical batches, reporting each step's loss. It proves the engine trains in the
// browser; the real experiments live in the runner.

import { MODEL_SIZES, TARGET_GROUPS, TrainingRun, type KernelContext, type LlamaConfig } from '../../engine/index';
import { pretrainLoop } from '../pretrain/loop';
import type { DemoMethod, WorkerEvent } from '../protocol';

const ENGLISH =
  'The quick brown fox jumps over the lazy dog. A small model learns the shape of this sentence, ' +
  'one byte at a time, and its loss falls as it remembers what comes next. ';
const CODE = 'function add(a, b) {\n  return a + b;\n}\nconst total = add(1, 2);\nconsole.log(total);\n';

export const DEMO_METHODS: DemoMethod[] = [
  { id: 'base', label: 'Pretraining (English)', mode: 'full', lr: 1e-2 },
  { id: 'full', label: 'Full fine-tuning (code)', mode: 'full', lr: 3e-3 },
  { id: 'lora8', label: 'LoRA r=8 (code)', mode: 'lora', lr: 1e-2, rank: 8 },
];

export const DEMO_CONFIG: LlamaConfig = MODEL_SIZES.tiny;
const B = 2;
const T = 32;

/** Byte batches (B, T) of a text at shifting offsets; targets are the next bytes. */
function demoBatch(text: string, step: number): { tokens: Int32Array; targets: Int32Array } {
  const bytes = new TextEncoder().encode(text.repeat(Math.ceil((4 * T) / text.length) + 1));
  const tokens = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const start = (step * 7 + b * 53) % (bytes.length - T - 1);
    for (let t = 0; t < T; t++) {
      tokens[b * T + t] = bytes[start + t];
      targets[b * T + t] = bytes[start + t + 1];
    }
  }
  return { tokens, targets };
}

function createRun(ctx: KernelContext, m: DemoMethod, seed: number, baseParams?: Float32Array): Promise<TrainingRun> {
  return TrainingRun.create(ctx, {
    config: DEMO_CONFIG, batchSize: B, seqLen: T, mode: m.mode, seed, label: m.id, baseParams,
    lora: m.mode === 'lora' ? { rank: m.rank!, alpha: 2 * m.rank!, targets: TARGET_GROUPS.all, scaling: 'standard', dropout: 0 } : undefined,
    optimizer: { maxGradNorm: 1, weightDecay: 0 },
  });
}

type Info = DemoMethod & { trainableParams: number; dispatchesPerStep: number };
const info = (m: DemoMethod, r: TrainingRun): Info => ({ ...m, trainableParams: r.memory().trainableParams, dispatchesPerStep: r.dispatchesPerStep });

/** The tiny base: pretrained on the English passage by the pretraining loop; its weights and how the page describes it. */
async function pretrainTiny(ctx: KernelContext, m: DemoMethod, opts: { pretrainSteps: number; seed: number }, emit: (e: WorkerEvent) => void) {
  // The recipe at a constant rate (its cosine's floor at 1): 15 steps are too few to decay over.
  const recipe = { model: DEMO_CONFIG, steps: opts.pretrainSteps, batch: B, seq: T, lr: m.lr, warmup: 0, minRatio: 1, seed: opts.seed, evalEvery: opts.pretrainSteps };
  let batch = 0;
  let last = 0;
  let described: Info | null = null;
  const weights = await pretrainLoop<Float32Array>(ctx, null, recipe, {
    async evaluate(run, step) {
      if (step > 0) return;
      described = info(m, run);
      emit({ type: 'demo-start', methods: [described] });
    },
    step({ step, loss, seconds }) {
      emit({ type: 'demo-step', method: m.id, step, loss, ms: seconds * 1000 - last });
      last = seconds * 1000;
    },
    finish: (run) => run.readBaseFlat(),
  }, { batches: () => demoBatch(ENGLISH, batch++) });
  return { weights, described: described! };
}

export async function runDemo(
  ctx: KernelContext,
  opts: { pretrainSteps: number; steps: number; seed: number },
  emit: (e: WorkerEvent) => void,
): Promise<void> {
  const [baseMethod, ...tuners] = DEMO_METHODS;
  const base = await pretrainTiny(ctx, baseMethod, opts, emit);
  let runs: TrainingRun[] = [];
  try {
    runs = await Promise.all(tuners.map((m) => createRun(ctx, m, opts.seed, base.weights)));
    emit({ type: 'demo-start', methods: [base.described, ...tuners.map((m, i) => info(m, runs[i]))] });
    for (let s = 0; s < opts.steps; s++) {
      const batch = demoBatch(CODE, s);
      for (let i = 0; i < runs.length; i++) {
        const t0 = performance.now();
        const r = await runs[i].step({ ...batch, lr: tuners[i].lr });
        emit({ type: 'demo-step', method: tuners[i].id, step: opts.pretrainSteps + r.step, loss: r.loss, ms: performance.now() - t0 });
      }
    }
    emit({ type: 'demo-done' });
  } finally {
    for (const r of runs) r.destroy();
  }
}
