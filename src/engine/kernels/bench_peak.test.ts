// The device-peak probes compute what they claim: fma_peak's chains against a float64
// replay of the same recurrence (so the work cannot have been dropped), copy_peak copies
// every element and nothing past n, at sizes that are not multiples of the workgroup.
import { describe, expect, it } from 'vitest';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { copy_peak, fma_peak, prepareBenchTarget } from './bench_peak';
import { run } from './kernel';

/** Thread i's output: four vec4 chains started as in the shader, each a ← a·mul + add, summed. */
function fmaReference(n: number, iters: number, mul: number, add: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = (i % 1024) / 1024;
    const a0 = [s, s + 0.125, s + 0.25, s + 0.375];
    const starts = [...a0, ...a0.map((v) => v + 0.5), ...a0.map((v) => v - 0.5), ...a0.map((v) => v * 0.5)];
    // Closed form of the recurrence: a_k = mul^k·a_0 + add·(1 − mul^k)/(1 − mul).
    const mk = mul ** iters;
    out[i] = starts.reduce((acc, v) => acc + mk * v + (add * (1 - mk)) / (1 - mul), 0);
  }
  return out;
}

describe('bench_peak', () => {
  for (const [n, iters] of [[1, 1], [300, 37], [1100, 200]] as const) {
    it(`fma_peak matches the recurrence at n=${n}, iters=${iters}`, async () => {
      const { ctx } = await testContext();
      const out = empty(ctx, [n + 4], 'out', 7); // 4 guard values past n
      run(ctx, [await fma_peak(ctx, { out, n, iters, mul: 0.97, add: 0.02 })]);
      const got = await download(ctx, out);
      const r = allclose(got.subarray(0, n), fmaReference(n, iters, 0.97, 0.02), { rtol: 1e-4, atol: 1e-5, label: 'fma' });
      expect(r.ok).toBe(true);
      expect(Array.from(got.subarray(n))).toEqual([7, 7, 7, 7]);
    });
  }

  it('copy_peak copies n values and leaves the rest', async () => {
    const { ctx } = await testContext();
    const n = 1028;
    const src = randomArray(n + 8, 3);
    const tsrc = upload(ctx, src, [n + 8], 'src');
    const dst = empty(ctx, [n + 8], 'dst', -1);
    run(ctx, [await copy_peak(ctx, { src: tsrc, dst, n })]);
    const got = await download(ctx, dst);
    expect(Array.from(got.subarray(0, n))).toEqual(Array.from(Float32Array.from(src).subarray(0, n)));
    expect(Array.from(got.subarray(n))).toEqual(new Array(8).fill(-1));
  });

  it('a prepared target counts its work and runs repeatedly', async () => {
    const { ctx } = await testContext();
    const t = await prepareBenchTarget(ctx, { kind: 'matmul', form: 'backward_weight', variant: 'register', rows: 5, inDim: 3, outDim: 7 });
    expect(t.flops).toBe(2 * 5 * 3 * 7);
    await t.submit(3);
    t.destroy();
    const f = await prepareBenchTarget(ctx, { kind: 'fma', threads: 10, iters: 4 });
    expect(f.flops).toBe(10 * 4 * 32);
    await f.submit(2);
    f.destroy();
  });
});
