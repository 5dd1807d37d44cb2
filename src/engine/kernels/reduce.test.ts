// grad_norm_clip vs the float64 reference (grad_norm, clip_scale) at lengths around the
// 256-thread workgroup and the 4096-element chunk, clipping on and off, non-finite
// gradients flagged as bad steps, and bit-identical repeat runs.
import { describe, expect, it } from 'vitest';
import { clip_scale, grad_norm } from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { run } from './kernel';
import { grad_norm_clip, gradNormPartials } from './reduce';

async function normClip(g: ArrayLike<number>, maxNorm: number): Promise<Float32Array> {
  const { ctx } = await testContext();
  const n = g.length;
  const grads = upload(ctx, g, [n], 'grads');
  const partials = empty(ctx, [gradNormPartials(n)], 'partials');
  const stats = empty(ctx, [4], 'stats');
  run(ctx, await grad_norm_clip(ctx, { grads, n, partials, stats, maxNorm }));
  return download(ctx, stats);
}

describe('grad_norm_clip', () => {
  for (const n of [1, 255, 257, 4096, 4097, 100_003]) {
    it(`norm and clip scale at n=${n}`, async () => {
      // The reference sums the same f32 values the GPU sees, so only accumulation error remains.
      const g = Float32Array.from(randomArray(n, 11 + n, 0.5));
      const norm = grad_norm([g]);
      const tol = { rtol: 1e-5, atol: 0 };
      let worst = 0;
      for (const maxNorm of [0, -1, Infinity, norm * 2, norm * 0.25]) {
        const s = await normClip(g, maxNorm);
        const r1 = allclose([s[0]], [norm], { ...tol, label: `norm n=${n}` });
        const r2 = allclose([s[1]], [clip_scale(norm, maxNorm)], { ...tol, label: `scale n=${n} maxNorm=${maxNorm}` });
        expect([s[2], s[3]]).toEqual([0, 0]);
        worst = Math.max(worst, r1.worstRel, r2.worstRel);
      }
      console.log(`grad_norm_clip n=${n}: norm ${norm.toPrecision(6)}, worst rel norm/scale ${worst.toExponential(1)}`);
    });
  }

  it('flags NaN, Inf and overflowing gradients as a bad step', async () => {
    const n = 9000;
    for (const [what, i, value] of [['NaN', 8999, NaN], ['Inf', 0, Infinity], ['-Inf', 4500, -Infinity], ['overflow', 17, 1e30]] as const) {
      const g = Float32Array.from(randomArray(n, 5));
      g[i] = value;
      if (what === 'overflow') g[18] = 1e30;
      const s = await normClip(g, 1);
      expect(Number.isFinite(s[0]), `${what}: norm ${s[0]}`).toBe(false);
      expect([s[1], s[2], s[3]], what).toEqual([0, 1, 0]);
    }
  });

  it('is bit-identical run to run', async () => {
    const g = Float32Array.from(randomArray(50_001, 3, 2));
    const a = await normClip(g, 1);
    const b = await normClip(g, 1);
    expect(new Uint32Array(b.buffer)).toEqual(new Uint32Array(a.buffer));
  });

  it('rejects mismatched shapes', async () => {
    const { ctx } = await testContext();
    const grads = upload(ctx, randomArray(10, 1), [10]);
    const stats = empty(ctx, [4]);
    await expect(
      grad_norm_clip(ctx, { grads, n: 10, partials: empty(ctx, [2]), stats, maxNorm: 1 }),
    ).rejects.toThrow(/grad_norm_clip: partials has 2 elements \[2\], expected 1/);
    await expect(
      grad_norm_clip(ctx, { grads, n: 11, partials: empty(ctx, [1]), stats, maxNorm: 1 }),
    ).rejects.toThrow(/grad_norm_clip: grads has 10 elements \[10\], expected 11/);
    await expect(
      grad_norm_clip(ctx, { grads, n: 10, partials: empty(ctx, [1]), stats: empty(ctx, [3]), maxNorm: 1 }),
    ).rejects.toThrow(/grad_norm_clip: stats has 3 elements \[3\], expected 4/);
  });
});
