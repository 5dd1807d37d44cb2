// Matmul variants side by side (issue 10, "kernels chosen per device"): GFLOP/s of every
// engine matmul variant in MATMUL_VARIANTS at the model's shapes (tokens × d × d and
// tokens × d × ffn for the base and small sizes, all three forms) and at 256³ / 512³, on
// whatever adapter Dawn offers. Variants alternate within each repetition; the first run of
// each (pipeline compilation) is discarded and the median is reported.
// With --autotune it also prints what 'auto' picks per shape, with the choices cached in
// bench-results/autotune.json (on a software adapter 'auto' takes 'register' untimed).
// Usage: node scripts/node-gpu.js src/cli/bench-matmul-variants.ts [--reps 3] [--quick]
//        [--autotune] [--out bench-results/matmul-variants.json]

import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  acquireDevice, adapterKey, Autotuner, createKernelContext, JsonFileAutotuneCache, MATMUL_VARIANTS, resolveMatmulVariant,
  type KernelContext, type MatmulVariant,
} from '../engine/index';
import { allocTensor, type GpuTensor } from '../engine/gpu/buffers';
import { record, type Dispatch } from '../engine/kernels/kernel';
import { matmul_backward_input, matmul_backward_weight, matmul_forward } from '../engine/kernels/matmul';
import { cliArgs, headerUsage } from './args';

const { values: args } = cliArgs(headerUsage(import.meta.url), {
  options: {
    reps: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    autotune: { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results/matmul-variants.json' },
  },
});

type Form = 'forward' | 'backward_input' | 'backward_weight';
interface Case { name: string; rows: number; inDim: number; outDim: number; forms: Form[] }

const ALL: Form[] = ['forward', 'backward_input', 'backward_weight'];
const CASES: Case[] = [
  { name: 'base x·Wqᵀ', rows: 512, inDim: 64, outDim: 64, forms: ALL },
  { name: 'base x·W1ᵀ', rows: 512, inDim: 64, outDim: 192, forms: ALL },
  { name: 'small x·Wqᵀ', rows: 1024, inDim: 128, outDim: 128, forms: ALL },
  { name: 'small x·W1ᵀ', rows: 1024, inDim: 128, outDim: 384, forms: ALL },
  { name: '256³', rows: 256, inDim: 256, outDim: 256, forms: ['forward'] },
  { name: '512³', rows: 512, inDim: 512, outDim: 512, forms: ['forward'] },
];

async function prepareForm(ctx: KernelContext, form: Form, c: Case, t: Record<'x' | 'w' | 'y', GpuTensor>): Promise<Dispatch> {
  const o = { rows: c.rows, inDim: c.inDim, outDim: c.outDim };
  // The same three buffers serve every form: x (rows, in), w (out, in), y (rows, out).
  if (form === 'forward') return matmul_forward(ctx, { ...o, x: t.x, w: t.w, y: t.y });
  if (form === 'backward_input') return matmul_backward_input(ctx, { ...o, dy: t.y, w: t.w, dx: t.x });
  return matmul_backward_weight(ctx, { ...o, dy: t.y, x: t.x, dw: t.w });
}

/** ms for `n` back-to-back dispatches in one submit, divided by n. */
async function timeOnce(ctx: KernelContext, d: Dispatch, n: number): Promise<number> {
  const enc = ctx.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (let i = 0; i < n; i++) record(pass, [d]);
  pass.end();
  const t0 = performance.now();
  ctx.device.queue.submit([enc.finish()]);
  await ctx.device.queue.onSubmittedWorkDone();
  return (performance.now() - t0) / n;
}

const FORM_ENTRY: Record<Form, string> = { forward: 'matmul_forward', backward_input: 'matmul_backward_input', backward_weight: 'matmul_backward_weight' };

/** What 'auto' picks per shape, with choices persisted in bench-results/autotune.json. */
async function printAutoChoices(base: KernelContext, key: string, cases: Case[]): Promise<void> {
  const cache = new JsonFileAutotuneCache('bench-results/autotune.json', { readFile, writeFile });
  const ctx: KernelContext = { ...base, variants: { matmul: 'auto' }, autotune: new Autotuner({ adapterKey: key, cache }) };
  for (const c of cases) {
    for (const form of c.forms) {
      // (M, N, K) of each form, as kernels/matmul.ts maps them.
      const [M, N, K] = form === 'forward' ? [c.rows, c.outDim, c.inDim] : form === 'backward_input' ? [c.rows, c.inDim, c.outDim] : [c.outDim, c.inDim, c.rows];
      console.log(`auto ${c.name} ${form}: ${await resolveMatmulVariant(ctx, FORM_ENTRY[form], M, N, K)}`);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

interface Row { case: string; form: Form; shape: string; variant: MatmulVariant; ms: number; gflops: number; samples: number[] }

async function main(): Promise<void> {
  const gpu = await acquireDevice();
  const base = createKernelContext(gpu.device);
  const info = gpu.adapterInfo;
  console.log(`adapter: ${info.vendor} / ${info.architecture} / ${info.description}${gpu.isSoftware ? ' (software)' : ''}`);
  const reps = Number(args.reps);
  const cases = args.quick ? CASES.filter((c) => c.rows * c.inDim * c.outDim <= 2 ** 24) : CASES;
  const rows: Row[] = [];
  for (const c of cases) {
    const t = { x: allocTensor(base.pool, [c.rows, c.inDim], 'x'), w: allocTensor(base.pool, [c.outDim, c.inDim], 'w'), y: allocTensor(base.pool, [c.rows, c.outDim], 'y') };
    for (const form of c.forms) {
      const ds = await Promise.all(MATMUL_VARIANTS.map((v) => prepareForm({ ...base, variants: { matmul: v } }, form, c, t)));
      const flops = 2 * c.rows * c.inDim * c.outDim;
      // Enough dispatches per submit for ~2 ms of work at 1 GFLOP/s, so launch cost is amortized.
      const n = Math.max(1, Math.min(20, Math.round(2e6 / flops)));
      const samples = ds.map(() => [] as number[]);
      for (const d of ds) await timeOnce(base, d, 1); // warm-up
      for (let r = 0; r < reps; r++) for (let i = 0; i < ds.length; i++) samples[i].push(await timeOnce(base, ds[i], n));
      const line: string[] = [];
      MATMUL_VARIANTS.forEach((variant, i) => {
        const ms = median(samples[i]);
        const gflops = flops / (ms * 1e6);
        rows.push({ case: c.name, form, shape: `${c.rows}x${c.inDim}x${c.outDim}`, variant, ms, gflops, samples: samples[i] });
        line.push(`${variant} ${ms.toFixed(2)} ms ${gflops.toFixed(2)} GFLOP/s`);
      });
      const [r0, r1] = rows.slice(-2);
      console.log(`${c.name.padEnd(12)} ${form.padEnd(15)} ${`${c.rows}×${c.inDim}×${c.outDim}`.padEnd(14)} ${line.join(' | ')} | tiled/register ${(r1.gflops / r0.gflops).toFixed(2)}×`);
      for (const d of ds) for (const b of d.owned) b.destroy();
    }
    for (const x of Object.values(t)) base.pool.release(x.buffer);
  }
  mkdirSync(dirname(args.out), { recursive: true });
  if (args.autotune) await printAutoChoices(base, adapterKey(info), cases);
  writeFileSync(args.out, JSON.stringify({ date: new Date().toISOString(), adapter: info, isSoftware: gpu.isSoftware, reps, rows }, null, 2));
  console.log(`wrote ${args.out}`);
}

await main();
process.exit(0);
