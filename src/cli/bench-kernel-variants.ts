// Attention and RMSNorm kernel variants side by side (issue 10): today's training forwards
// (attention_forward with its (B, H, T, T) probabilities, rmsnorm_forward with rstd) against
// the evaluation forwards that keep nothing for a backward (attention_forward_only with an
// online softmax, rmsnorm_forward_only), at the base and small model shapes, on whatever
// adapter Dawn offers; and attention's, RMSNorm's and cross-entropy's 'thread' and 'workgroup'
// variants at the same shapes.
// Variants alternate within each repetition; the first run of each (pipeline compilation) is
// discarded and the median is reported.
// Usage: node scripts/node-gpu.js src/cli/bench-kernel-variants.ts [--reps 5] [--batch 8]

import { acquireDevice, createKernelContext, type KernelContext } from '../engine/index';
import { allocTensor, writeTensor } from '../engine/gpu/buffers';
import { cross_entropy_backward, cross_entropy_forward } from '../engine/kernels/cross_entropy';
import { ROW_VARIANTS, type RowVariant } from '../engine/kernels/rows';
import {
  ATTENTION_VARIANTS, attention_backward, attention_forward, attention_forward_only, type AttentionShape, type AttentionVariant,
} from '../engine/kernels/attention';
import { record, type Dispatch } from '../engine/kernels/kernel';
import { rmsnorm_backward, rmsnorm_forward, rmsnorm_forward_only } from '../engine/kernels/rmsnorm';
import { MODEL_SIZES } from '../engine/model/config';
import { cliArgs, headerUsage } from './args';

const { values: args } = cliArgs(headerUsage(import.meta.url), {
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

/** The 'thread' and 'workgroup' attention variants alternated: training forward, forward-only, backward (dS + dq, then dk/dv). */
async function attentionVariants(ctx: KernelContext, size: string, shape: AttentionShape, reps: number): Promise<void> {
  const { B, T, H, Hkv, D } = shape;
  const t = (s: number[], name: string) => allocTensor(ctx.pool, s, name);
  const x = {
    q: t([B, T, H, D], 'q'), k: t([B, T, Hkv, D], 'k'), v: t([B, T, Hkv, D], 'v'), out: t([B, T, H, D], 'out'), att: t([B, H, T, T], 'att'),
    dout: t([B, T, H, D], 'dout'), datt: t([B, H, T, T], 'datt'), dq: t([B, T, H, D], 'dq'), dk: t([B, T, Hkv, D], 'dk'), dv: t([B, T, Hkv, D], 'dv'),
  };
  const as = (attention: AttentionVariant): KernelContext => ({ ...ctx, variants: { ...ctx.variants, attention } });
  const each = async (f: (c: KernelContext) => Promise<Dispatch[]>) =>
    Promise.all(ATTENTION_VARIANTS.map(async (v): Promise<[string, Dispatch[]]> => [v, await f(as(v))]));
  const label = `${size} attention variants B=${B} T=${T} H=${H} Hkv=${Hkv} D=${D}`;
  await compare(ctx, `${label} forward`, await each((c) => attention_forward(c, { ...shape, ...x })), reps);
  await compare(ctx, `${label} forward_only`, await each((c) => attention_forward_only(c, { ...shape, ...x })), reps);
  await compare(ctx, `${label} backward`, await each((c) => attention_backward(c, { ...shape, ...x })), reps);
}

/** RMSNorm's and cross-entropy's 'thread' and 'workgroup' row kernels alternated (rmsnorm_backward: dx only, frozen weight). */
async function rowVariants(ctx: KernelContext, size: string, N: number, C: number, V: number, reps: number): Promise<void> {
  const t = (s: number[], name: string) => allocTensor(ctx.pool, s, name);
  const r = { x: t([N, C], 'x'), w: t([C], 'w'), out: t([N, C], 'out'), rstd: t([N], 'rstd'), dout: t([N, C], 'dout'), dx: t([N, C], 'dx') };
  const targets = allocTensor(ctx.pool, [N], 'targets', 'i32'); // (N)
  writeTensor(ctx.device, targets, Int32Array.from({ length: N }, (_, i) => (i * 17 + 3) % V));
  const stats = t([4], 'stats'); // (4): nValid = N, so the backward walks every row
  writeTensor(ctx.device, stats, [0, N, 0, 0]);
  const ce = { logits: t([N, V], 'logits'), targets, stats, losses: t([N], 'losses'), dlogits: t([N, V], 'dlogits'), N, V };
  const as = (rows: RowVariant): KernelContext => ({ ...ctx, variants: { ...ctx.variants, rows } });
  const each = async (f: (c: KernelContext) => Promise<Dispatch | Dispatch[]>) =>
    Promise.all(ROW_VARIANTS.map(async (v): Promise<[string, Dispatch[]]> => [v, [await f(as(v))].flat()]));
  const rn = { ...r, N, C, eps: 1e-5 };
  await compare(ctx, `${size} rmsnorm variants N=${N} C=${C} forward`, await each((c) => rmsnorm_forward(c, rn)), reps);
  await compare(ctx, `${size} rmsnorm variants N=${N} C=${C} forward_only`, await each((c) => rmsnorm_forward_only(c, rn)), reps);
  await compare(ctx, `${size} rmsnorm variants N=${N} C=${C} backward (dx)`, await each((c) => rmsnorm_backward(c, { ...rn, dw: null })), reps);
  await compare(ctx, `${size} cross_entropy variants N=${N} V=${V} forward (+stats)`, await each((c) => cross_entropy_forward(c, ce)), reps);
  await compare(ctx, `${size} cross_entropy variants N=${N} V=${V} backward`, await each((c) => cross_entropy_backward(c, ce)), reps);
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
    await attentionVariants(ctx, size, shape, reps);
    const N = B * T;
    const x = t([N, C], 'x'), w = t([C], 'w'), y = t([N, C], 'y');
    await compare(ctx, `${size} rmsnorm N=${N} C=${C}`, [
      ['rmsnorm_forward', [await rmsnorm_forward(ctx, { x, w, out: y, rstd: t([N], 'rstd'), N, C, eps: 1e-5 })]],
      ['rmsnorm_forward_only', [await rmsnorm_forward_only(ctx, { x, w, out: y, N, C, eps: 1e-5 })]],
    ], reps);
    await rowVariants(ctx, size, N, C, m.vocabSize, reps);
  }
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
