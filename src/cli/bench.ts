// Benchmarks (npm run bench): milliseconds per training step and dispatches per step for
// full fine-tuning and LoRA r=8 at the tiny and small model sizes, plus matmul throughput,
// measured side by side in one process on whatever adapter Dawn offers (SwiftShader on a
// machine without a GPU). Results are printed and written to bench-results/bench.json.
// Usage: npm run bench [-- --sizes tiny,small --steps 5 --out bench-results/bench.json]

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { acquireDevice, createKernelContext, MODEL_SIZES, TARGET_GROUPS, TrainingRun, type KernelContext } from '../engine/index';
import { benchMatmul } from './bench-kernels';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'tiny,small' },
    steps: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    out: { type: 'string', default: 'bench-results/bench.json' },
    'skip-kernels': { type: 'boolean', default: false },
  },
});

const BATCH: Record<string, [number, number]> = { tiny: [4, 32], base: [8, 64], small: [8, 128] };

interface StepBench { size: string; method: string; B: number; T: number; params: number; trainable: number; dispatches: number; msPerStep: number; tokensPerSecond: number }

async function benchStep(ctx: KernelContext, size: keyof typeof MODEL_SIZES, mode: 'full' | 'lora'): Promise<StepBench> {
  const config = MODEL_SIZES[size];
  const [B, T] = BATCH[size];
  const run = await TrainingRun.create(ctx, {
    config, batchSize: B, seqLen: T, mode, seed: 1,
    lora: mode === 'lora' ? { rank: 8, alpha: 16, targets: TARGET_GROUPS.all, scaling: 'standard', dropout: 0 } : undefined,
  });
  const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 31 + 7) % config.vocabSize);
  const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 17 + 3) % config.vocabSize);
  for (let i = 0; i < Number(args.warmup); i++) await run.step({ tokens, targets, lr: 1e-3 });
  const steps = Number(args.steps);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await run.step({ tokens, targets, lr: 1e-3 });
  const ms = (performance.now() - t0) / steps;
  const mem = run.memory();
  run.destroy();
  return {
    size, method: mode === 'full' ? 'full' : 'lora r=8 (all)', B, T, params: mem.totalParams - (mode === 'lora' ? mem.trainableParams : 0),
    trainable: mem.trainableParams, dispatches: run.dispatchesPerStep, msPerStep: ms, tokensPerSecond: (B * T * 1000) / ms,
  };
}

async function main() {
  const gpu = await acquireDevice();
  const ctx = createKernelContext(gpu.device);
  const a = gpu.adapterInfo;
  const device = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ');
  console.log(`adapter: ${device}`);
  const results: StepBench[] = [];
  for (const size of args.sizes!.split(',') as Array<keyof typeof MODEL_SIZES>) {
    for (const mode of ['full', 'lora'] as const) {
      const r = await benchStep(ctx, size, mode);
      results.push(r);
      console.log(
        `${r.size.padEnd(6)} ${r.method.padEnd(15)} B=${r.B} T=${r.T} params=${r.params} trainable=${r.trainable} ` +
        `dispatches/step=${r.dispatches} ms/step=${r.msPerStep.toFixed(1)} tokens/s=${r.tokensPerSecond.toFixed(0)}`,
      );
    }
  }
  const kernels = args['skip-kernels'] ? [] : await benchMatmul(ctx, (line) => console.log(line));
  mkdirSync(dirname(args.out!), { recursive: true });
  writeFileSync(args.out!, JSON.stringify({ date: new Date().toISOString(), device, steps: results, kernels }, null, 2));
  console.log(`wrote ${args.out}`);
  gpu.device.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
