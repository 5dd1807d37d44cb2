// attention kernels vs the float64 reference: T = 1, odd T, T above the 64-thread workgroup,
// MHA (H = Hkv), MQA (Hkv = 1) and GQA, D in {2, 3, 8, 16, 21} (the shader blocks columns by
// 4 and 16 and keys by 4), one D above the workgroup size, and the largest T and D (256, 128).
import { describe, expect, it } from 'vitest';
import { attention_backward as ref_backward, attention_forward as ref_forward } from '../reference/ops';
import type { GpuTensor } from '../gpu/buffers';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { attention_backward, attention_forward, type AttentionShape } from './attention';
import { run, type KernelContext } from './kernel';

const SHAPES: AttentionShape[] = [
  { B: 1, T: 1, H: 1, Hkv: 1, D: 2 },
  { B: 2, T: 7, H: 2, Hkv: 2, D: 8 }, // MHA
  { B: 1, T: 33, H: 3, Hkv: 1, D: 16 }, // MQA
  { B: 2, T: 9, H: 4, Hkv: 2, D: 8 }, // GQA
  { B: 1, T: 70, H: 2, Hkv: 1, D: 2 }, // T > workgroup size
  { B: 1, T: 5, H: 4, Hkv: 1, D: 66 }, // D > workgroup size
  { B: 2, T: 6, H: 2, Hkv: 1, D: 3 }, // D < 4: only the scalar tail of the dot products
  { B: 1, T: 11, H: 2, Hkv: 2, D: 21 }, // D = 16 + 4 + 1: partial 16- and 4-column blocks
  { B: 1, T: 256, H: 2, Hkv: 1, D: 128 }, // the largest supported T and D
];

interface Buffers {
  q: GpuTensor; k: GpuTensor; v: GpuTensor; dout: GpuTensor;
  out: GpuTensor; att: GpuTensor; datt: GpuTensor; dq: GpuTensor; dk: GpuTensor; dv: GpuTensor;
}

function inputs(s: AttentionShape) {
  const { B, T, H, Hkv, D } = s;
  // Scale 2 gives scores of a few units, so the softmax is far from uniform.
  return {
    q: randomArray(B * T * H * D, 11 + T, 2),
    k: randomArray(B * T * Hkv * D, 12 + D, 2),
    v: randomArray(B * T * Hkv * D, 13 + H, 1),
    dout: randomArray(B * T * H * D, 14 + B, 1),
  };
}

function allocate(ctx: KernelContext, s: AttentionShape, x: ReturnType<typeof inputs>): Buffers {
  const { B, T, H, Hkv, D } = s;
  return {
    q: upload(ctx, x.q, [B, T, H, D], 'q'),
    k: upload(ctx, x.k, [B, T, Hkv, D], 'k'),
    v: upload(ctx, x.v, [B, T, Hkv, D], 'v'),
    dout: upload(ctx, x.dout, [B, T, H, D], 'dout'),
    out: empty(ctx, [B, T, H, D], 'out'),
    att: empty(ctx, [B, H, T, T], 'att'),
    datt: empty(ctx, [B, H, T, T], 'datt'),
    dq: empty(ctx, [B, T, H, D], 'dq'),
    dk: empty(ctx, [B, T, Hkv, D], 'dk'),
    dv: empty(ctx, [B, T, Hkv, D], 'dv'),
  };
}

async function forwardBackward(ctx: KernelContext, s: AttentionShape, t: Buffers): Promise<void> {
  run(ctx, [
    ...(await attention_forward(ctx, { ...s, q: t.q, k: t.k, v: t.v, out: t.out, att: t.att })),
    ...(await attention_backward(ctx, {
      ...s, dout: t.dout, q: t.q, k: t.k, v: t.v, att: t.att, datt: t.datt, dq: t.dq, dk: t.dk, dv: t.dv,
    })),
  ]);
}

describe('attention', () => {
  for (const s of SHAPES) {
    const name = `B=${s.B} T=${s.T} H=${s.H} Hkv=${s.Hkv} D=${s.D}`;
    it(`forward and backward at ${name}`, async () => {
      const { ctx } = await testContext();
      const x = inputs(s);
      const t = allocate(ctx, s, x);
      await forwardBackward(ctx, s, t);
      const f = ref_forward(x.q, x.k, x.v, s.B, s.T, s.H, s.Hkv, s.D);
      const g = ref_backward(x.dout, x.q, x.k, x.v, f.att, s.B, s.T, s.H, s.Hkv, s.D);
      const tol = { rtol: 1e-4, atol: 1e-5 };
      const att = await download(ctx, t.att);
      const rs = [
        allclose(await download(ctx, t.out), f.out, { ...tol, label: 'out' }),
        allclose(att, f.att, { ...tol, label: 'att' }),
        allclose(await download(ctx, t.dq), g.dq, { ...tol, label: 'dq' }),
        allclose(await download(ctx, t.dk), g.dk, { ...tol, label: 'dk' }),
        allclose(await download(ctx, t.dv), g.dv, { ...tol, label: 'dv' }),
      ];
      // Above the diagonal the probabilities are exactly zero, not merely small.
      for (let r = 0; r < s.B * s.H * s.T; r++) {
        for (let c = (r % s.T) + 1; c < s.T; c++) expect(att[r * s.T + c]).toBe(0);
      }
      const e = rs.map((r) => r.worstRel.toExponential(1));
      console.log(`attention ${name}: worst rel out ${e[0]} att ${e[1]} dq ${e[2]} dk ${e[3]} dv ${e[4]}`);
    });
  }

  it('is bit-identical run to run', async () => {
    const { ctx } = await testContext();
    const s = { B: 1, T: 33, H: 4, Hkv: 2, D: 8 };
    const x = inputs(s);
    const a = allocate(ctx, s, x);
    const b = allocate(ctx, s, x);
    await forwardBackward(ctx, s, a);
    await forwardBackward(ctx, s, b);
    for (const key of ['out', 'att', 'datt', 'dq', 'dk', 'dv'] as const) {
      const ua = new Uint32Array((await download(ctx, a[key])).buffer);
      const ub = new Uint32Array((await download(ctx, b[key])).buffer);
      expect(ua, key).toEqual(ub);
    }
  });

  it('rejects bad shapes before dispatch', async () => {
    const { ctx } = await testContext();
    const s = { B: 1, T: 3, H: 2, Hkv: 1, D: 4 };
    const t = allocate(ctx, s, inputs(s));
    const fw = { ...s, q: t.q, k: t.k, v: t.v, out: t.out, att: t.att };
    await expect(attention_forward(ctx, { ...fw, Hkv: 3 })).rejects.toThrow(
      /attention_forward: H \(2\) must be a multiple of Hkv \(3\)/,
    );
    await expect(attention_forward(ctx, { ...fw, att: t.dq })).rejects.toThrow(
      /attention_forward: att has 24 elements \[1,3,2,4\], expected 18/,
    );
    await expect(attention_forward(ctx, { ...fw, T: 0 })).rejects.toThrow(/attention_forward: T must be a positive integer/);
    await expect(
      attention_backward(ctx, {
        ...s, dout: t.dout, q: t.q, k: t.k, v: t.v, att: t.att, datt: t.datt, dq: t.dq, dk: t.dq, dv: t.dv,
      }),
    ).rejects.toThrow(/attention_backward: dk has 24 elements \[1,3,2,4\], expected 12/);
  });
});
