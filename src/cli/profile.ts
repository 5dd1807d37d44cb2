// Per-dispatch profile of one training step (npm run profile), to find which kernels dominate
// a step (see dispatch-profile.ts).
import { parseArgs } from 'node:util';
import { acquireDevice, createKernelContext, MODEL_SIZES, TARGET_GROUPS, TrainingRun } from '../engine/index';
import { profileDispatches } from './dispatch-profile';

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
  const times = await profileDispatches(ctx, run);
  const t0 = performance.now();
  await ctx.device.queue.onSubmittedWorkDone();
  console.log(`empty wait: ${(performance.now() - t0).toFixed(2)} ms`);
  for (const v of times) console.log(`${v.label.padEnd(28)} n=${v.n} total ${v.ms.toFixed(1)} ms`);
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
