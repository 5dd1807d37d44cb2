// matmul kernels vs the float64 reference, at shapes that are 1, odd, and not multiples of
// the 4×4 block per thread or the 32×32 block per workgroup.
import { describe, expect, it } from 'vitest';
import { matmul_backward, matmul_forward as ref_forward } from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { run } from './kernel';
import { matmul_backward_input, matmul_backward_weight, matmul_forward } from './matmul';

const SHAPES: Array<[number, number, number]> = [
  [3, 2, 5],
  [33, 31, 35],
  [1, 1, 1],
  [1, 7, 3],
  [5, 1, 9],
  [17, 33, 65],
  [64, 64, 16],
  [70, 129, 31],
  [130, 20, 67],
];

describe('matmul', () => {
  for (const [N, K, M] of SHAPES) {
    it(`forward and backward at N=${N} K=${K} M=${M}`, async () => {
      const { ctx } = await testContext();
      const x = randomArray(N * K, 1 + N, 1);
      const w = randomArray(M * K, 2 + M, 1);
      const dy = randomArray(N * M, 3 + K, 1);
      const tx = upload(ctx, x, [N, K], 'x');
      const tw = upload(ctx, w, [M, K], 'w');
      const tdy = upload(ctx, dy, [N, M], 'dy');
      const ty = empty(ctx, [N, M], 'y');
      const tdx = empty(ctx, [N, K], 'dx');
      const tdw = empty(ctx, [M, K], 'dw');
      run(ctx, [
        await matmul_forward(ctx, { x: tx, w: tw, y: ty, rows: N, inDim: K, outDim: M }),
        await matmul_backward_input(ctx, { dy: tdy, w: tw, dx: tdx, rows: N, inDim: K, outDim: M }),
        await matmul_backward_weight(ctx, { dy: tdy, x: tx, dw: tdw, rows: N, inDim: K, outDim: M }),
      ]);
      const ref = matmul_backward(dy, x, w, N, K, M);
      const tol = { rtol: 1e-4, atol: 1e-5 };
      const r1 = allclose(await download(ctx, ty), ref_forward(x, w, N, K, M), { ...tol, label: 'y' });
      const r2 = allclose(await download(ctx, tdx), ref.dx, { ...tol, label: 'dx' });
      const r3 = allclose(await download(ctx, tdw), ref.dw, { ...tol, label: 'dw' });
      console.log(`matmul N=${N} K=${K} M=${M}: worst rel y ${r1.worstRel.toExponential(1)} dx ${r2.worstRel.toExponential(1)} dw ${r3.worstRel.toExponential(1)}`);
    });
  }

  it('accumulates with alpha when asked', async () => {
    const { ctx } = await testContext();
    const [N, K, M] = [9, 13, 11];
    const x = randomArray(N * K, 5);
    const w = randomArray(M * K, 6);
    const y0 = randomArray(N * M, 7);
    const ty = upload(ctx, y0, [N, M], 'y');
    run(ctx, [
      await matmul_forward(ctx, {
        x: upload(ctx, x, [N, K]), w: upload(ctx, w, [M, K]), y: ty, rows: N, inDim: K, outDim: M, alpha: 0.5, accumulate: true,
      }),
    ]);
    const ref = ref_forward(x, w, N, K, M).map((v, i) => y0[i] + 0.5 * v);
    allclose(await download(ctx, ty), ref, { rtol: 1e-4, atol: 1e-5, label: 'y+=' });
  });

  it('rejects mismatched shapes before dispatch', async () => {
    const { ctx } = await testContext();
    const x = upload(ctx, randomArray(6, 1), [2, 3]);
    const w = upload(ctx, randomArray(8, 1), [2, 4]);
    await expect(
      matmul_forward(ctx, { x, w, y: empty(ctx, [2, 2]), rows: 2, inDim: 3, outDim: 2 }),
    ).rejects.toThrow(/matmul_forward: w has 8 elements \[2,4\], expected 6/);
  });
});
