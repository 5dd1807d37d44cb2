// The engine demo: pretrains a tiny model from scratch on an English passage, then
// fine-tunes copies of it on a code snippet side by side, with full fine-tuning and with
// LoRA (rank 8), on identical batches, reporting each step's loss. It proves the engine
// trains in the browser; the real experiments live in the runner.

import { MODEL_SIZES, TARGET_GROUPS, TrainingRun, type KernelContext, type LlamaConfig } from '../engine/index';
import type { DemoMethod, WorkerEvent } from './protocol';

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

export async function runDemo(
  ctx: KernelContext,
  opts: { pretrainSteps: number; steps: number; seed: number },
  emit: (e: WorkerEvent) => void,
): Promise<void> {
  const [baseMethod, ...tuners] = DEMO_METHODS;
  const base = await createRun(ctx, baseMethod, opts.seed);
  const info = (m: DemoMethod, r: TrainingRun) => ({ ...m, trainableParams: r.memory().trainableParams, dispatchesPerStep: r.dispatchesPerStep });
  let runs: TrainingRun[] = [];
  try {
    emit({ type: 'demo-start', methods: [info(baseMethod, base)] });
    for (let s = 0; s < opts.pretrainSteps; s++) {
      const t0 = performance.now();
      const r = await base.step({ ...demoBatch(ENGLISH, s), lr: baseMethod.lr });
      emit({ type: 'demo-step', method: baseMethod.id, step: r.step, loss: r.loss, ms: performance.now() - t0 });
    }
    const weights = await base.readBaseFlat();
    runs = await Promise.all(tuners.map((m) => createRun(ctx, m, opts.seed, weights)));
    emit({ type: 'demo-start', methods: [info(baseMethod, base), ...tuners.map((m, i) => info(m, runs[i]))] });
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
    base.destroy();
    for (const r of runs) r.destroy();
  }
}
