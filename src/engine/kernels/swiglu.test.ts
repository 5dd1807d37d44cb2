// swiglu kernels vs the float64 reference, at sizes that are 1, odd and not multiples of the
// 256-thread workgroup; plus saturation at |z| = 100, bit-identical reruns and the folded grid.
import { describe, expect, it } from 'vitest';
import { swiglu_backward as ref_backward, swiglu_forward as ref_forward } from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { grid1d, run } from './kernel';
import { swiglu_backward, swiglu_forward } from './swiglu';

const SHAPES: Array<[number, number]> = [
  [1, 1],
  [1, 7],
  [3, 5],
  [17, 33],
  [2, 256],
  [5, 301],
];

const TOL = { rtol: 1e-4, atol: 1e-5 };

async function runBoth(N: number, F: number, gate: ArrayLike<number>, up: ArrayLike<number>, dout: ArrayLike<number>) {
  const { ctx } = await testContext();
  const tg = upload(ctx, gate, [N, F], 'gate');
  const tu = upload(ctx, up, [N, F], 'up');
  const td = upload(ctx, dout, [N, F], 'dout');
  const tout = empty(ctx, [N, F], 'out');
  const tdg = empty(ctx, [N, F], 'dgate');
  const tdu = empty(ctx, [N, F], 'dup');
  run(ctx, [
    await swiglu_forward(ctx, { gate: tg, up: tu, out: tout, N, F }),
    await swiglu_backward(ctx, { dout: td, gate: tg, up: tu, dgate: tdg, dup: tdu, N, F }),
  ]);
  return { out: await download(ctx, tout), dgate: await download(ctx, tdg), dup: await download(ctx, tdu) };
}

function check(N: number, F: number, gate: Float64Array, up: Float64Array, dout: Float64Array, got: Awaited<ReturnType<typeof runBoth>>) {
  // The reference gets the f32-rounded inputs the kernel saw.
  const [g, u, d] = [gate, up, dout].map((a) => Float64Array.from(Float32Array.from(a)));
  const ref = ref_backward(d, g, u, N, F);
  const r1 = allclose(got.out, ref_forward(g, u, N, F), { ...TOL, label: 'out' });
  const r2 = allclose(got.dgate, ref.dgate, { ...TOL, label: 'dgate' });
  const r3 = allclose(got.dup, ref.dup, { ...TOL, label: 'dup' });
  return `worst rel out ${r1.worstRel.toExponential(1)} dgate ${r2.worstRel.toExponential(1)} dup ${r3.worstRel.toExponential(1)}`;
}

describe('swiglu', () => {
  for (const [N, F] of SHAPES) {
    it(`forward and backward at N=${N} F=${F}`, async () => {
      const gate = randomArray(N * F, 11 + N, 4);
      const up = randomArray(N * F, 12 + F, 1);
      const dout = randomArray(N * F, 13 + N * F, 1);
      const got = await runBoth(N, F, gate, up, dout);
      console.log(`swiglu N=${N} F=${F}: ${check(N, F, gate, up, dout, got)}`);
    });
  }

  it('is finite and correct for saturated gates (|z| up to 1e4)', async () => {
    const gate = Float64Array.from([-100, 100, -1e4, 1e4, -88.7, 88.7, -20, 20, 0, -0, 1e-30, -1e-30]);
    const F = gate.length;
    const up = randomArray(F, 21, 2);
    const dout = randomArray(F, 22, 2);
    const got = await runBoth(1, F, gate, up, dout);
    for (const [name, a] of Object.entries(got)) {
      expect(a.every(Number.isFinite), `${name} finite: ${Array.from(a)}`).toBe(true);
    }
    console.log(`swiglu saturated: ${check(1, F, gate, up, dout, got)}`);
  });

  it('is bit-identical across runs', async () => {
    const [N, F] = [7, 129];
    const gate = randomArray(N * F, 31, 6);
    const up = randomArray(N * F, 32);
    const dout = randomArray(N * F, 33);
    const a = await runBoth(N, F, gate, up, dout);
    const b = await runBoth(N, F, gate, up, dout);
    for (const k of ['out', 'dgate', 'dup'] as const) {
      expect(new Uint32Array(b[k].buffer)).toEqual(new Uint32Array(a[k].buffer));
    }
  });

  it('covers grids folded into two dimensions', async () => {
    // Past 65535 workgroups grid1d folds the launch into (x, y) and the shader rebuilds the
    // linear index from num_workgroups. The same dispatches are re-launched with the grid
    // grid1d gives for a per-dimension limit of 7: 16 workgroups become 6 × 3 (2 spare).
    const { ctx } = await testContext();
    const [N, F] = [20, 200];
    const gate = randomArray(N * F, 41, 4);
    const up = randomArray(N * F, 42);
    const dout = randomArray(N * F, 43);
    const tg = upload(ctx, gate, [N, F]);
    const tu = upload(ctx, up, [N, F]);
    const got = { out: empty(ctx, [N, F]), dgate: empty(ctx, [N, F]), dup: empty(ctx, [N, F]) };
    const fwd = await swiglu_forward(ctx, { gate: tg, up: tu, out: got.out, N, F });
    const bwd = await swiglu_backward(ctx, { dout: upload(ctx, dout, [N, F]), gate: tg, up: tu, dgate: got.dgate, dup: got.dup, N, F });
    const fold = grid1d(N * F, 256, 7);
    expect(fold).toEqual([6, 3, 1]);
    run(ctx, [{ ...fwd, workgroups: fold }, { ...bwd, workgroups: fold }]);
    check(N, F, gate, up, dout, { out: await download(ctx, got.out), dgate: await download(ctx, got.dgate), dup: await download(ctx, got.dup) });
  });

  it('rejects mismatched shapes before dispatch', async () => {
    const { ctx } = await testContext();
    const t = (n: number) => upload(ctx, new Float32Array(n), [n]);
    await expect(swiglu_forward(ctx, { gate: t(6), up: t(5), out: t(6), N: 2, F: 3 })).rejects.toThrow(
      /swiglu_forward: up has 5 elements \[5\], expected 6/,
    );
    await expect(
      swiglu_backward(ctx, { dout: t(6), gate: t(6), up: t(6), dgate: t(6), dup: t(7), N: 2, F: 3 }),
    ).rejects.toThrow(/swiglu_backward: dup has 7 elements \[7\], expected 6/);
    await expect(swiglu_forward(ctx, { gate: t(0), up: t(0), out: t(0), N: 0, F: 3 })).rejects.toThrow(
      /swiglu_forward: N and F must be positive integers/,
    );
  });
});
