// rmsnorm_forward_only (evaluation forward without rstd) vs the float64 reference and, bitwise,
// vs rmsnorm_forward (same sum order), at rows fewer and more than a 64-thread workgroup and C
// odd / below 4 / not a multiple of 4.
import { describe, expect, it } from 'vitest';
import { rmsnorm_forward as ref_forward } from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { run } from './kernel';
import { rmsnorm_forward, rmsnorm_forward_only } from './rmsnorm';

const EPS = 1e-5;
const SHAPES: [number, number][] = [[1, 1], [3, 7], [5, 3], [70, 13], [130, 64]];

describe('rmsnorm_forward_only', () => {
  for (const [N, C] of SHAPES) {
    it(`matches the reference and rmsnorm_forward at N=${N} C=${C}`, async () => {
      const { ctx } = await testContext();
      const x = randomArray(N * C, 5 + N, 2);
      const w = randomArray(C, 6 + C, 0.5).map((v) => 1 + v);
      const tx = upload(ctx, x, [N, C], 'x');
      const tw = upload(ctx, w, [C], 'w');
      const a = empty(ctx, [N, C], 'a');
      const b = empty(ctx, [N, C], 'b');
      run(ctx, [
        await rmsnorm_forward_only(ctx, { x: tx, w: tw, out: a, N, C, eps: EPS }),
        await rmsnorm_forward(ctx, { x: tx, w: tw, out: b, rstd: empty(ctx, [N], 'rstd'), N, C, eps: EPS }),
      ]);
      const f = (v: Float64Array) => Float64Array.from(Float32Array.from(v));
      const got = await download(ctx, a);
      allclose(got, ref_forward(f(x), f(w), N, C, EPS).out, { rtol: 1e-5, atol: 1e-6, label: 'out' });
      expect(Array.from(got)).toEqual(Array.from(await download(ctx, b)));
    });
  }

  it('rejects bad shapes before dispatch', async () => {
    const { ctx } = await testContext();
    const t = (n: number) => empty(ctx, [n], 't');
    await expect(rmsnorm_forward_only(ctx, { x: t(6), w: t(2), out: t(6), N: 2, C: 3, eps: EPS })).rejects.toThrow(
      /rmsnorm_forward_only: w has 2 elements \[2\], expected 3/,
    );
  });
});
