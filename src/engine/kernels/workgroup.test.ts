// Every kernel module except matmul and lora, run with a workgroup size other than its
// default (set through ctx.overrides, which reaches both the pipeline constants and the
// dispatch counts) at a size just above one workgroup, against the float64 reference. A host
// that divided by one size while the shader ran another would leave elements unwritten (NaN
// from `empty`) or index past the grid.
import { describe, expect, it } from 'vitest';
import * as ref from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { adamw_step, writeAdamwHyper } from './adamw';
import { attention_forward, attention_forward_only } from './attention';
import { cross_entropy_forward } from './cross_entropy';
import { embedding_backward, embedding_forward } from './embedding';
import { run, type KernelContext } from './kernel';
import { grad_norm_clip, gradNormPartials } from './reduce';
import { residual_forward } from './residual';
import { rmsnorm_backward, rmsnorm_forward, rmsnorm_forward_only } from './rmsnorm';
import { rope_forward } from './rope';
import { swiglu_forward } from './swiglu';

const WG = 32; // every default is 64 or 256
const N = WG + 1;
const TOL = { rtol: 1e-4, atol: 1e-5 };

async function withOverrides(overrides: KernelContext['overrides']): Promise<KernelContext> {
  const { ctx } = await testContext();
  return { ...ctx, overrides };
}

describe(`kernels at a non-default workgroup size (WG = ${WG}, ${N} items)`, () => {
  it('residual', async () => {
    const ctx = await withOverrides({ residual: { WG } });
    const x = randomArray(N, 1), y = randomArray(N, 2), out = empty(ctx, [N]);
    run(ctx, [await residual_forward(ctx, { x: upload(ctx, x, [N]), y: upload(ctx, y, [N]), out })]);
    allclose(await download(ctx, out), x.map((v, i) => v + y[i]!), TOL);
  });

  it('swiglu', async () => {
    const ctx = await withOverrides({ swiglu: { WG } });
    const gate = randomArray(N, 3, 2), up = randomArray(N, 4), out = empty(ctx, [1, N]);
    run(ctx, [await swiglu_forward(ctx, { gate: upload(ctx, gate, [1, N]), up: upload(ctx, up, [1, N]), out, N: 1, F: N })]);
    allclose(await download(ctx, out), ref.swiglu_forward(gate, up, 1, N), TOL);
  });

  it('rmsnorm (rows and weight-gradient columns)', async () => {
    const ctx = await withOverrides({ rmsnorm: { WG } });
    const C = N;
    const x = randomArray(N * C, 5, 2), w = randomArray(C, 6), dout = randomArray(N * C, 7);
    const tx = upload(ctx, x, [N, C]), tw = upload(ctx, w, [C]);
    const out = empty(ctx, [N, C]), rstd = empty(ctx, [N]), dx = empty(ctx, [N, C]), dw = empty(ctx, [C]);
    run(ctx, [
      await rmsnorm_forward(ctx, { x: tx, w: tw, out, rstd, N, C, eps: 1e-5 }),
      ...(await rmsnorm_backward(ctx, { dout: upload(ctx, dout, [N, C]), x: tx, w: tw, rstd, dx, dw, N, C })),
    ]);
    const f = ref.rmsnorm_forward(x, w, N, C, 1e-5);
    const b = ref.rmsnorm_backward(dout, x, w, f.rstd, N, C);
    allclose(await download(ctx, out), f.out, TOL);
    allclose(await download(ctx, dx), b.dx, TOL);
    allclose(await download(ctx, dw), b.dw, TOL);
  });

  it('embedding (elements and dwte rows)', async () => {
    const ctx = await withOverrides({ embedding: { WG } });
    const V = N, C = 3, T = 11;
    const tokens = Int32Array.from({ length: T }, (_, i) => (i * 7) % V);
    const wte = randomArray(V * C, 8), dout = randomArray(T * C, 9);
    const tt = upload(ctx, tokens, [T], 'tokens', 'i32');
    const out = empty(ctx, [T, C]), dwte = empty(ctx, [V, C]);
    run(ctx, [
      await embedding_forward(ctx, { tokens: tt, wte: upload(ctx, wte, [V, C]), out, N: T, V, C }),
      await embedding_backward(ctx, { tokens: tt, dout: upload(ctx, dout, [T, C]), dwte, N: T, V, C }),
    ]);
    allclose(await download(ctx, out), ref.embedding_forward(tokens, wte, T, V, C), TOL);
    allclose(await download(ctx, dwte), ref.embedding_backward(dout, tokens, T, V, C), TOL);
  });

  it('cross_entropy', async () => {
    const ctx = await withOverrides({ cross_entropy: { WG } });
    const V = 5;
    const logits = randomArray(N * V, 10, 3);
    const targets = Int32Array.from({ length: N }, (_, i) => (i % 6 === 5 ? -1 : i % V));
    const losses = empty(ctx, [N]), stats = empty(ctx, [4]);
    run(ctx, await cross_entropy_forward(ctx, {
      logits: upload(ctx, logits, [N, V]), targets: upload(ctx, targets, [N], 'targets', 'i32'), losses, stats, N, V,
    }));
    allclose(await download(ctx, losses), ref.cross_entropy_forward(logits, targets, N, V).losses, TOL);
  });

  it('rope', async () => {
    const ctx = await withOverrides({ rope: { WG } });
    const [B, T, H, D] = [1, 11, 3, 2]; // 33 rotated pairs
    const x = randomArray(B * T * H * D, 11);
    const tx = upload(ctx, x, [B, T, H, D]);
    run(ctx, [await rope_forward(ctx, { x: tx, B, T, H, D, theta: 10000 })]);
    allclose(await download(ctx, tx), ref.rope_forward(x, B, T, H, D), TOL);
  });

  it('attention', async () => {
    const ctx = await withOverrides({ attention: { WG: 16 } });
    const [B, T, H, Hkv, D] = [1, 11, 3, 1, 4]; // 33 query rows
    const q = randomArray(B * T * H * D, 12), k = randomArray(B * T * Hkv * D, 13), v = randomArray(B * T * Hkv * D, 14);
    const out = empty(ctx, [B, T, H, D]), att = empty(ctx, [B, H, T, T]);
    run(ctx, await attention_forward(ctx, {
      q: upload(ctx, q, [B, T, H, D]), k: upload(ctx, k, [B, T, Hkv, D]), v: upload(ctx, v, [B, T, Hkv, D]),
      out, att, B, T, H, Hkv, D,
    }));
    const r = ref.attention_forward(q, k, v, B, T, H, Hkv, D);
    allclose(await download(ctx, out), r.out, TOL);
    allclose(await download(ctx, att), r.att, TOL);
  });

  it('attention_forward_only and rmsnorm_forward_only (evaluation forwards)', async () => {
    const ctx = await withOverrides({ attention: { WG: 16 }, rmsnorm: { WG } });
    const [B, T, H, Hkv, D] = [1, 11, 3, 1, 5]; // 33 query rows, D not a multiple of 4
    const q = randomArray(B * T * H * D, 15), k = randomArray(B * T * Hkv * D, 16), v = randomArray(B * T * Hkv * D, 17);
    const out = empty(ctx, [B, T, H, D]);
    const C = 7, x = randomArray(N * C, 18, 2), w = randomArray(C, 19), nout = empty(ctx, [N, C]);
    run(ctx, [
      ...(await attention_forward_only(ctx, {
        q: upload(ctx, q, [B, T, H, D]), k: upload(ctx, k, [B, T, Hkv, D]), v: upload(ctx, v, [B, T, Hkv, D]),
        out, B, T, H, Hkv, D,
      })),
      await rmsnorm_forward_only(ctx, { x: upload(ctx, x, [N, C]), w: upload(ctx, w, [C]), out: nout, N, C, eps: 1e-5 }),
    ]);
    allclose(await download(ctx, out), ref.attention_forward(q, k, v, B, T, H, Hkv, D).out, TOL);
    allclose(await download(ctx, nout), ref.rmsnorm_forward(x, w, N, C, 1e-5).out, TOL);
  });

  it('adamw', async () => {
    const ctx = await withOverrides({ adamw: { WG } });
    const h = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, step: 1 };
    const p = Float64Array.from(Float32Array.from(randomArray(N, 15)));
    const g = Float32Array.from(randomArray(N, 16));
    const params = upload(ctx, p, [N]), hyper = empty(ctx, [8]);
    writeAdamwHyper(ctx.device, hyper, h);
    run(ctx, [await adamw_step(ctx, {
      params, grads: upload(ctx, g, [N]), m: upload(ctx, new Float64Array(N), [N]), v: upload(ctx, new Float64Array(N), [N]),
      n: N, hyper, stats: upload(ctx, [0, 1, 0, 0], [4]),
    })]);
    const m = new Float64Array(N), v = new Float64Array(N);
    ref.adamw_step(p, g, m, v, { ...h, gradScale: 1 });
    allclose(await download(ctx, params), p, TOL);
  });

  it('reduce (chunks and the finishing workgroup)', async () => {
    // 4 threads × 3 items: 61 elements make 6 partials, more than the finishing workgroup's 4 threads.
    const ctx = await withOverrides({ reduce: { WG: 4, ITEMS: 3 } });
    const n = 61;
    expect(gradNormPartials(n, ctx)).toBe(6);
    const g = Float32Array.from(randomArray(n, 17));
    const stats = empty(ctx, [4]);
    run(ctx, await grad_norm_clip(ctx, {
      grads: upload(ctx, g, [n]), n, partials: empty(ctx, [6]), stats, maxNorm: 0,
    }));
    allclose(await download(ctx, stats), [ref.grad_norm([g]), 1, 0, 0], TOL);
  });

  it('rejects sizes the host cannot honour', async () => {
    await expect(withOverrides({ reduce: { WG: 12 } }).then((ctx) => gradNormPartials(100, ctx))).rejects.toThrow(/power of two/);
    const ctx = await withOverrides({ residual: { WG: 100_000 } });
    const t = empty(ctx, [4]);
    await expect(residual_forward(ctx, { x: t, y: t, out: t })).rejects.toThrow(/workgroup size/);
    const bad = await withOverrides({ residual: { TILE: 4 } });
    await expect(residual_forward(bad, { x: t, y: t, out: t })).rejects.toThrow(/unknown override constant TILE/);
  });
});
