// adamw_step vs the float64 reference over 5 consecutive steps (state carried on the GPU and
// in the reference), with clipping (gradScale < 1), weight decay, the bad-step skip, and
// bit-identical repeats.
import { describe, expect, it } from 'vitest';
import { adamw_step as ref_step } from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { IO_ACTS } from '../model/names';
import { ADAMW_HYPER, ADAMW_HYPER_WORDS, adamw_step, writeAdamwHyper } from './adamw';
import { run } from './kernel';

// Real betas on purpose: f32(0.999) makes the GPU's 1 − β2 1.3e-5 off in relative terms, which
// is the v error printed below and most of the params error (with f32-exact betas the params
// agree to ~1e-6).
const BASE = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

interface Case {
  n: number;
  gradScale: number;
  weightDecay: number;
}

async function runSteps({ n, gradScale, weightDecay }: Case, steps: number) {
  const { ctx } = await testContext();
  const h = { ...BASE, weightDecay };
  // Reference state starts from the same f32 values the GPU holds.
  const p = Float64Array.from(Float32Array.from(randomArray(n, 1 + n)));
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  const tp = upload(ctx, p, [n], 'params');
  const tm = upload(ctx, m, [n], 'm');
  const tv = upload(ctx, v, [n], 'v');
  const tg = empty(ctx, [n], 'grads');
  const hyper = empty(ctx, [8], 'hyper');
  const stats = upload(ctx, [123, gradScale, 0, 0], [4], 'stats');
  const step = await adamw_step(ctx, { params: tp, grads: tg, m: tm, v: tv, n, hyper, stats });
  for (let t = 1; t <= steps; t++) {
    // Gradients of mixed magnitudes, some tiny, so v spans several decades.
    const g = Float32Array.from(randomArray(n, 100 * t + n), (x, i) => x * (i % 3 === 0 ? 1e-3 : 1));
    ctx.device.queue.writeBuffer(tg.buffer, tg.offset, g);
    writeAdamwHyper(ctx.device, hyper, { ...h, step: t });
    run(ctx, [step]);
    ref_step(p, g, m, v, { ...h, step: t, gradScale });
  }
  return { ctx, tp, tm, tv, tg, hyper, stats, step, p, m, v };
}

describe('adamw_step', () => {
  const cases: Case[] = [
    { n: 1, gradScale: 1, weightDecay: 0 },
    { n: 7, gradScale: 0.3, weightDecay: 0.1 },
    { n: 1000, gradScale: 1, weightDecay: 0.01 },
    { n: 70_001, gradScale: 0.05, weightDecay: 0.1 },
  ];
  for (const c of cases) {
    it(`5 steps at n=${c.n} gradScale=${c.gradScale} wd=${c.weightDecay}`, async () => {
      const { ctx, tp, tm, tv, p, m, v } = await runSteps(c, 5);
      const tol = { rtol: 1e-4, atol: 1e-5 };
      const r1 = allclose(await download(ctx, tp), p, { ...tol, label: 'params' });
      const r2 = allclose(await download(ctx, tm), m, { ...tol, label: 'm' });
      // v ~ g²: scale the tolerance floor with it instead of hiding it under atol.
      const r3 = allclose(await download(ctx, tv), v, { rtol: 1e-4, atol: 1e-10, label: 'v' });
      console.log(
        `adamw n=${c.n} gradScale=${c.gradScale} wd=${c.weightDecay}: worst rel params ${r1.worstRel.toExponential(1)} ` +
          `m ${r2.worstRel.toExponential(1)} v ${r3.worstRel.toExponential(1)}`,
      );
    });
  }

  it('skips a bad step entirely and is bit-identical run to run', async () => {
    const n = 1001;
    const s = await runSteps({ n, gradScale: 0.5, weightDecay: 0.1 }, 2);
    const { ctx } = s;
    const before = await Promise.all([s.tp, s.tm, s.tv].map((t) => download(ctx, t)));
    // A NaN gradient with the bad flag set: nothing may change, not even by weight decay.
    ctx.device.queue.writeBuffer(s.tg.buffer, s.tg.offset, new Float32Array(n).fill(NaN));
    ctx.device.queue.writeBuffer(s.stats.buffer, s.stats.offset, new Float32Array([NaN, 0, 1, 0]));
    writeAdamwHyper(ctx.device, s.hyper, { ...BASE, weightDecay: 0.1, step: 3 });
    run(ctx, [s.step]);
    const after = await Promise.all([s.tp, s.tm, s.tv].map((t) => download(ctx, t)));
    for (let k = 0; k < 3; k++) expect(new Uint32Array(after[k].buffer)).toEqual(new Uint32Array(before[k].buffer));
    // Same inputs twice from scratch: identical bits.
    const again = await runSteps({ n, gradScale: 0.5, weightDecay: 0.1 }, 2);
    const p2 = await download(ctx, again.tp);
    expect(new Uint32Array(p2.buffer)).toEqual(new Uint32Array(before[0].buffer));
  });

  it('packs the hyper-parameters with float64 bias corrections', async () => {
    const { ctx } = await testContext();
    const hyper = empty(ctx, [8], 'hyper');
    writeAdamwHyper(ctx.device, hyper, { lr: 3e-4, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 3 });
    const got = await download(ctx, hyper);
    const want = Float32Array.from([3e-4, 0.9, 0.999, 1e-8, 0.01, 1 - 0.9 ** 3, 1 - 0.999 ** 3, 0]);
    expect(Array.from(got)).toEqual(Array.from(want));
    // The struct's field order is the order written (the shader reads the fields by name).
    expect(Object.keys(ADAMW_HYPER)).toEqual(['lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'bias1', 'bias2']);
    expect(() => writeAdamwHyper(ctx.device, hyper, { ...BASE, step: 0 })).toThrow(/step 0 must be an integer >= 1/);
  });

  it('the run plans its hyper tensor at the struct\'s padded size', () => {
    expect(IO_ACTS.hyper.shape).toEqual([ADAMW_HYPER_WORDS]);
  });

  it('rejects mismatched shapes', async () => {
    const { ctx } = await testContext();
    const t = (k: number) => empty(ctx, [k]);
    const ok = { params: t(5), grads: t(5), m: t(5), v: t(5), n: 5, hyper: t(8), stats: t(4) };
    await expect(adamw_step(ctx, { ...ok, v: t(6) })).rejects.toThrow(/adamw_step: v has 6 elements \[6\], expected 5/);
    await expect(adamw_step(ctx, { ...ok, hyper: t(7) })).rejects.toThrow(/adamw_step: hyper has 7 elements \[7\], expected 8/);
    await expect(adamw_step(ctx, { ...ok, stats: t(2) })).rejects.toThrow(/adamw_step: stats has 2 elements \[2\], expected 4/);
  });
});
