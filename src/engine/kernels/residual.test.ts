// residual_forward vs plain addition, including sizes that are not multiples of 256.
import { describe, expect, it } from 'vitest';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { run } from './kernel';
import { residual_forward } from './residual';

describe('residual', () => {
  for (const n of [1, 7, 256, 257, 70_001]) {
    it(`adds n=${n}`, async () => {
      const { ctx } = await testContext();
      const x = randomArray(n, 1);
      const y = randomArray(n, 2);
      const out = empty(ctx, [n]);
      run(ctx, [await residual_forward(ctx, { x: upload(ctx, x, [n]), y: upload(ctx, y, [n]), out })]);
      const r = allclose(await download(ctx, out), x.map((v, i) => Math.fround(Math.fround(v) + Math.fround(y[i]))), { rtol: 0, atol: 0, label: 'out' });
      console.log(`residual n=${n}: worst rel ${r.worstRel.toExponential(1)}`);
    });
  }
  it('rejects mismatched sizes', async () => {
    const { ctx } = await testContext();
    await expect(
      residual_forward(ctx, { x: upload(ctx, [1, 2], [2]), y: upload(ctx, [1], [1]), out: empty(ctx, [2]) }),
    ).rejects.toThrow(/y has 1 elements/);
  });
});
