// Attention and RMSNorm kernel variants side by side (issue 10): today's training forwards
// (attention_forward with its (B, H, T, T) probabilities, rmsnorm_forward with rstd) against
// the evaluation forwards that keep nothing for a backward (attention_forward_only with an
// online softmax, rmsnorm_forward_only), at the base and small model shapes, on whatever
// adapter Dawn offers. Variants alternate within each repetition; the first run of each
// (pipeline compilation) is discarded and the median is reported.
// Usage: node scripts/node-gpu.js src/cli/bench-kernel-variants.ts [--reps 5] [--batch 8]

import { parseArgs } from 'node:util';
import { acquireDevice, createKernelContext, type KernelContext } from '../engine/index';
import { allocTensor } from '../engine/gpu/buffers';
import { attention_forward, attention_forward_only } from '../engine/kernels/attention';
import { record, type Dispatch } from '../engine/kernels/kernel';
import { rmsnorm_forward, rmsnorm_forward_only } from '../engine/kernels/rmsnorm';
import { MODEL_SIZES } from '../engine/model/config';

const { values: args } = parseArgs({
  options: { reps: { type: 'string', default: '5' }, batch: { type: 'string', default: '8' } },
});

/** ms for `n` back-to-back runs of `ds` in one submit, divided by n. */
async function timeOnce(ctx: KernelContext, ds: Dispatch[], n: number): Promise<number> {
  const enc = ctx.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (let i = 0; i < n; i++) record(pass, ds);
  pass.end();
  const t0 = performance.now();
  ctx.device.queue.submit([enc.finish()]);
  await ctx.device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Times the named dispatch lists alternately and prints the medians and the ratio to the first. */
async function compare(ctx: KernelContext, label: string, variants: [string, Dispatch[]][], reps: number): Promise<void> {
  for (const [, ds] of variants) await timeOnce(ctx, ds, 1); // pipeline compilation
  const samples = variants.map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < variants.length; i++) samples[i]!.push(await timeOnce(ctx, variants[i]![1], 3));
  }
  const ms = samples.map(median);
  const parts = variants.map(([name], i) => `${name} ${ms[i]!.toFixed(3)} ms (x${(ms[0]! / ms[i]!).toFixed(2)})`);
  console.log(`${label}: ${parts.join(', ')}`);
}

async function main(): Promise<void> {
  const gpu = await acquireDevice();
  const ctx = createKernelContext(gpu.device);
  const info = gpu.adapterInfo;
  console.log(`adapter: ${info.vendor} / ${info.architecture} / ${info.description}${gpu.isSoftware ? ' (software)' : ''}`);
  const reps = Number(args.reps);
  const B = Number(args.batch);
  for (const size of ['base', 'small'] as const) {
    const m = MODEL_SIZES[size];
    const [T, H, Hkv, C] = [m.seqLen, m.nHeads, m.nKvHeads, m.dModel];
    const D = C / H;
    const t = (shape: number[], name: string) => allocTensor(ctx.pool, shape, name);
    const q = t([B, T, H, D], 'q'), k = t([B, T, Hkv, D], 'k'), v = t([B, T, Hkv, D], 'v'), out = t([B, T, H, D], 'out');
    const shape = { B, T, H, Hkv, D };
    await compare(ctx, `${size} attention B=${B} T=${T} H=${H} Hkv=${Hkv} D=${D}`, [
      ['attention_forward', await attention_forward(ctx, { ...shape, q, k, v, out, att: t([B, H, T, T], 'att') })],
      ['attention_forward_only', await attention_forward_only(ctx, { ...shape, q, k, v, out })],
    ], reps);
    const N = B * T;
    const x = t([N, C], 'x'), w = t([C], 'w'), y = t([N, C], 'y');
    await compare(ctx, `${size} rmsnorm N=${N} C=${C}`, [
      ['rmsnorm_forward', [await rmsnorm_forward(ctx, { x, w, out: y, rstd: t([N], 'rstd'), N, C, eps: 1e-5 })]],
      ['rmsnorm_forward_only', [await rmsnorm_forward_only(ctx, { x, w, out: y, N, C, eps: 1e-5 })]],
    ], reps);
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
