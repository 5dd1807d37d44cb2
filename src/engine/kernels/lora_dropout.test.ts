// LoRA dropout vs the float64 reference: the keep mask must agree exactly (same hash, same
// seed derivation), the kept values within f32 rounding of x/(1 − p), and the backward must
// add onto an existing dx.
import { describe, expect, it } from 'vitest';
import { lora_dropout_backward as ref_backward, lora_dropout_forward as ref_forward } from '../reference/ops';
import { hash_u32, u01 } from '../reference/rng';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { run } from './kernel';
import { lora_dropout_backward, lora_dropout_forward } from './lora_dropout';

const SHAPES: Array<[number, number]> = [[1, 1], [1, 7], [5, 3], [17, 33], [64, 65]];
const SEEDS = [0, 1, 0xdeadbeef, 4294967295];
const SALT = 0x9e3779b9;

describe('lora_dropout', () => {
  for (const [N, K] of SHAPES) {
    for (const p of [0, 0.1, 0.5]) {
      it(`forward mask and backward at N=${N} K=${K} p=${p}`, async () => {
        const { ctx } = await testContext();
        const x = randomArray(N * K, 7 + N * K, 1);
        const dxd = randomArray(N * K, 8 + N, 1);
        const dx0 = randomArray(N * K, 9 + K, 1);
        const tx = upload(ctx, x, [N, K], 'x');
        const tdxd = upload(ctx, dxd, [N, K], 'dxd');
        const seeds = upload(ctx, SEEDS, [SEEDS.length], 'seeds', 'u32');
        let worstF = 0;
        let worstB = 0;
        for (let seedIndex = 0; seedIndex < SEEDS.length; seedIndex++) {
          const salt = SALT + seedIndex;
          const seed = hash_u32(SEEDS[seedIndex], salt);
          const txd = empty(ctx, [N, K], 'xd');
          const tdx = upload(ctx, dx0, [N, K], 'dx');
          run(ctx, [
            await lora_dropout_forward(ctx, { x: tx, xd: txd, N, K, p, seeds, seedIndex, salt }),
            await lora_dropout_backward(ctx, { dxd: tdxd, dx: tdx, N, K, p, seeds, seedIndex, salt }),
          ]);
          const xd = await download(ctx, txd);
          const ref = ref_forward(x, N, K, p, seed);
          // Exact mask: dropped exactly where the reference drops (x is never 0 here).
          for (let i = 0; i < N * K; i++) {
            if ((xd[i] === 0) !== (ref[i] === 0)) throw new Error(`mask differs at ${i}: got ${xd[i]}, expected ${ref[i]}`);
          }
          const tol = { rtol: 1e-5, atol: 1e-6 };
          worstF = Math.max(worstF, allclose(xd, ref, { ...tol, label: 'xd' }).worstRel);
          const dref = ref_backward(dxd, N, K, p, seed).map((d, i) => dx0[i] + d);
          worstB = Math.max(worstB, allclose(await download(ctx, tdx), dref, { ...tol, label: 'dx' }).worstRel);
        }
        console.log(`lora_dropout N=${N} K=${K} p=${p}: worst rel xd ${worstF.toExponential(1)} dx ${worstB.toExponential(1)}`);
      });
    }
  }

  it('cuts exactly at p even where p has no f32 representation', async () => {
    const { ctx } = await testContext();
    const [N, K, salt] = [4, 8, 77];
    const seeds = upload(ctx, [2024], [1], 'seeds', 'u32');
    const seed = hash_u32(2024, salt);
    const x = new Float64Array(N * K).fill(1);
    const tx = upload(ctx, x, [N, K], 'x');
    // An element whose u01 is in [0.5, 1): there f32 spacing is 2^-24, so p = u + 2^-26 rounds
    // to u in f32 and a float compare would keep the element the reference drops.
    const i0 = x.findIndex((_, i) => u01(hash_u32(seed, i)) >= 0.5);
    const u = u01(hash_u32(seed, i0));
    for (const p of [u, u + 2 ** -26, u - 2 ** -26]) {
      const xd = empty(ctx, [N, K], 'xd');
      run(ctx, [await lora_dropout_forward(ctx, { x: tx, xd, N, K, p, seeds, seedIndex: 0, salt })]);
      const got = Array.from(await download(ctx, xd), (v) => v !== 0);
      expect(got, `p=${p}`).toEqual(Array.from(ref_forward(x, N, K, p, seed), (v) => v !== 0));
      expect(got[i0], `p=${p}`).toBe(p <= u);
    }
  });

  it('keeps about 1 − p, changes with the step seed, and is bit-identical run to run', async () => {
    const { ctx } = await testContext();
    const [N, K, p] = [50, 41, 0.3];
    const tx = upload(ctx, new Float32Array(N * K).fill(1), [N, K], 'x');
    const seeds = upload(ctx, [11, 12], [2], 'seeds', 'u32');
    const once = async (seedIndex: number) => {
      const xd = empty(ctx, [N, K], 'xd');
      run(ctx, [await lora_dropout_forward(ctx, { x: tx, xd, N, K, p, seeds, seedIndex, salt: 5 })]);
      return download(ctx, xd);
    };
    const [a, b, c] = [await once(0), await once(0), await once(1)];
    expect(new Uint32Array(b.buffer)).toEqual(new Uint32Array(a.buffer));
    const kept = a.filter((v) => v !== 0).length / (N * K);
    expect(Math.abs(kept - (1 - p))).toBeLessThan(0.03);
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it('rejects bad shapes and arguments', async () => {
    const { ctx } = await testContext();
    const x = upload(ctx, randomArray(6, 1), [2, 3]);
    const seeds = upload(ctx, [1, 2], [2], 'seeds', 'u32');
    const ok = { x, xd: empty(ctx, [2, 3]), N: 2, K: 3, p: 0.1, seeds, seedIndex: 1, salt: 3 };
    await expect(lora_dropout_forward(ctx, { ...ok, xd: empty(ctx, [3, 3]) })).rejects.toThrow(
      /lora_dropout_forward: xd has 9 elements \[3,3\], expected 6/,
    );
    await expect(lora_dropout_forward(ctx, { ...ok, p: 1 })).rejects.toThrow(/dropout p 1 must be in \[0, 1\)/);
    await expect(lora_dropout_forward(ctx, { ...ok, seedIndex: 2 })).rejects.toThrow(/seedIndex 2 out of range/);
    await expect(lora_dropout_forward(ctx, { ...ok, seeds: empty(ctx, [2]) })).rejects.toThrow(/seeds must be a u32 tensor/);
    await expect(
      lora_dropout_backward(ctx, { dxd: x, dx: empty(ctx, [6, 1]), N: 2, K: 4, p: 0, seeds, seedIndex: 0, salt: 0 }),
    ).rejects.toThrow(/lora_dropout_backward: dxd has 6 elements \[2,3\], expected 8/);
  });
});
