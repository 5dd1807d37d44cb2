// Per-dispatch profile of one training step (npm run profile), to find which kernels dominate
// a step (see dispatch-profile.ts). Usage: ... profile.ts [--size base] [--mode lora] [--rank 8] [--dropout 0] [--B 8] [--T 64]
import { acquireDevice, createKernelContext, MODEL_SIZES, TARGET_GROUPS, TrainingRun } from '../engine/index';
import { cliArgs, headerUsage } from './args';
import { profileDispatches } from './dispatch-profile';

const { values: args } = cliArgs(headerUsage(import.meta.url), {
  options: {
    size: { type: 'string', default: 'tiny' }, mode: { type: 'string', default: 'full' }, B: { type: 'string', default: '4' },
    T: { type: 'string', default: '32' }, rank: { type: 'string', default: '8' },
    // LoRA dropout > 0 profiles the unmerged schedule (adapters beside the base matmuls).
    dropout: { type: 'string', default: '0' },
  },
});

async function main() {
  const gpu = await acquireDevice();
  const ctx = createKernelContext(gpu.device);
  const config = MODEL_SIZES[args.size as keyof typeof MODEL_SIZES];
  const B = Number(args.B), T = Number(args.T);
  const run = await TrainingRun.create(ctx, {
    config, batchSize: B, seqLen: T, mode: args.mode as 'full' | 'lora', seed: 1,
    lora: { rank: Number(args.rank), alpha: 2 * Number(args.rank), targets: TARGET_GROUPS.all, scaling: 'standard', dropout: Number(args.dropout) },
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
