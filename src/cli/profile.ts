// Per-dispatch profile of one training step (npm run profile): submits each prepared
// dispatch on its own and waits for it, to find which kernels dominate a step. Slower than
// a real step (no overlap), but the ranking is what matters.
import { parseArgs } from 'node:util';
import { acquireDevice, createKernelContext, MODEL_SIZES, TARGET_GROUPS, TrainingRun } from '../engine/index';
import { record } from '../engine/kernels/kernel';

const { values: args } = parseArgs({ options: { size: { type: 'string', default: 'tiny' }, mode: { type: 'string', default: 'full' }, B: { type: 'string', default: '4' }, T: { type: 'string', default: '32' } } });

async function main() {
  const gpu = await acquireDevice();
  const ctx = createKernelContext(gpu.device);
  const config = MODEL_SIZES[args.size as keyof typeof MODEL_SIZES];
  const B = Number(args.B), T = Number(args.T);
  const run = await TrainingRun.create(ctx, {
    config, batchSize: B, seqLen: T, mode: args.mode as 'full' | 'lora', seed: 1,
    lora: { rank: 8, alpha: 16, targets: TARGET_GROUPS.all, scaling: 'standard', dropout: 0 },
  });
  const tokens = Int32Array.from({ length: B * T }, (_, i) => i % 256);
  await run.step({ tokens, targets: tokens, lr: 1e-3 });
  const dispatches = (run as unknown as { trainDispatches: import('../engine/kernels/kernel').Dispatch[] }).trainDispatches;
  const byLabel = new Map<string, { n: number; ms: number }>();
  for (const d of dispatches) {
    const enc = ctx.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    record(pass, [d]);
    pass.end();
    const t0 = performance.now();
    ctx.device.queue.submit([enc.finish()]);
    await ctx.device.queue.onSubmittedWorkDone();
    const ms = performance.now() - t0;
    const e = byLabel.get(d.label) ?? { n: 0, ms: 0 };
    byLabel.set(d.label, { n: e.n + 1, ms: e.ms + ms });
  }
  const t0 = performance.now();
  await ctx.device.queue.onSubmittedWorkDone();
  console.log(`empty wait: ${(performance.now() - t0).toFixed(2)} ms`);
  for (const [k, v] of [...byLabel].sort((a, b) => b[1].ms - a[1].ms)) console.log(`${k.padEnd(28)} n=${v.n} total ${v.ms.toFixed(1)} ms`);
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
