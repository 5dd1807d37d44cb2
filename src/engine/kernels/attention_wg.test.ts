// The 'workgroup' attention variant (shaders/attention_wg.wgsl) vs the float64 reference:
// forward (out, att), backward (dq, dk, dv) and forward-only at T = 1, 7, 33 and 70 (one past
// the 64-thread workgroup, so threads own two keys and forward-only walks two key chunks),
// D = 8, 12, 16, GQA (H = 4, Hkv = 2) and MHA; at a 4-thread workgroup (many key chunks, two
// column blocks, a partial column quad) to prove host and shader agree on other sizes. Also:
// 'thread' and 'workgroup' agree, reruns are bit-identical, the shader declares the host's
// uniform, constants and bindings, and the variant is chosen as matmul's is (ctx, env var,
// 'thread' on SwiftShader and for small problems, timed and cached otherwise).
import { afterEach, describe, expect, it } from 'vitest';
import wgCode from '../../../shaders/attention_wg.wgsl?raw';
import { model_forward_backward } from '../reference/model';
import { attention_backward as ref_backward, attention_forward as ref_forward } from '../reference/ops';
import type { GpuTensor } from '../gpu/buffers';
import { modelLayout, unpack } from '../model/layout';
import { TrainingRun } from '../model/run';
import { batch, randomFlat, TINY, toF64 } from '../model/testkit';
import { allclose, compareClose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import {
  ATTENTION_AUTOTUNE_MIN_WORK, ATTENTION_PARAMS, ATTENTION_VARIANT_CONSTANTS, ATTENTION_WG_BINDINGS, attention_backward,
  attention_forward, attention_forward_only, resolveAttentionVariant, type AttentionShape, type AttentionVariant,
} from './attention';
import { Autotuner, MemoryAutotuneCache } from './autotune';
import { run, type KernelContext } from './kernel';

const SHAPES: AttentionShape[] = [
  { B: 1, T: 1, H: 1, Hkv: 1, D: 8 },
  { B: 2, T: 7, H: 4, Hkv: 2, D: 12 }, // GQA, D = 3 quads
  { B: 1, T: 33, H: 2, Hkv: 2, D: 16 }, // MHA
  { B: 1, T: 70, H: 4, Hkv: 2, D: 8 }, // T > workgroup size
];

const TOL = { rtol: 1e-4, atol: 1e-5 };

interface Buffers {
  q: GpuTensor; k: GpuTensor; v: GpuTensor; dout: GpuTensor;
  out: GpuTensor; fwdOnly: GpuTensor; att: GpuTensor; datt: GpuTensor; dq: GpuTensor; dk: GpuTensor; dv: GpuTensor;
}

function inputs(s: AttentionShape) {
  const { B, T, H, Hkv, D } = s;
  // Scale 2 gives scores of a few units, so the softmax is far from uniform.
  return {
    q: randomArray(B * T * H * D, 21 + T, 2),
    k: randomArray(B * T * Hkv * D, 22 + D, 2),
    v: randomArray(B * T * Hkv * D, 23 + H, 1),
    dout: randomArray(B * T * H * D, 24 + B, 1),
  };
}

function withVariant(ctx: KernelContext, attention: AttentionVariant, WG?: number): KernelContext {
  return { ...ctx, variants: { attention }, ...(WG ? { overrides: { attention_wg: { WG } } } : {}) };
}

/** Forward, forward-only and backward of one variant; every output read back. */
async function runAll(ctx: KernelContext, s: AttentionShape, x: ReturnType<typeof inputs>) {
  const { B, T, H, Hkv, D } = s;
  const t: Buffers = {
    q: upload(ctx, x.q, [B, T, H, D], 'q'), k: upload(ctx, x.k, [B, T, Hkv, D], 'k'), v: upload(ctx, x.v, [B, T, Hkv, D], 'v'),
    dout: upload(ctx, x.dout, [B, T, H, D], 'dout'), out: empty(ctx, [B, T, H, D], 'out'), fwdOnly: empty(ctx, [B, T, H, D], 'fwdOnly'),
    att: empty(ctx, [B, H, T, T], 'att'), datt: empty(ctx, [B, H, T, T], 'datt'),
    dq: empty(ctx, [B, T, H, D], 'dq'), dk: empty(ctx, [B, T, Hkv, D], 'dk'), dv: empty(ctx, [B, T, Hkv, D], 'dv'),
  };
  const fwd = await attention_forward(ctx, { ...s, ...t });
  run(ctx, [
    ...fwd,
    ...(await attention_forward_only(ctx, { ...s, ...t, out: t.fwdOnly })),
    ...(await attention_backward(ctx, { ...s, ...t })),
  ]);
  const read = async (k: keyof Buffers) => download(ctx, t[k]);
  return {
    label: fwd[0]!.label, out: await read('out'), fwdOnly: await read('fwdOnly'), att: await read('att'),
    datt: await read('datt'), dq: await read('dq'), dk: await read('dk'), dv: await read('dv'),
  };
}

function checkAgainstReference(s: AttentionShape, x: ReturnType<typeof inputs>, r: Awaited<ReturnType<typeof runAll>>): string {
  const f = ref_forward(x.q, x.k, x.v, s.B, s.T, s.H, s.Hkv, s.D);
  const g = ref_backward(x.dout, x.q, x.k, x.v, f.att, s.B, s.T, s.H, s.Hkv, s.D);
  const rs = [
    allclose(r.out, f.out, { ...TOL, label: 'out' }),
    allclose(r.att, f.att, { ...TOL, label: 'att' }),
    allclose(r.fwdOnly, f.out, { ...TOL, label: 'forward_only out' }),
    allclose(r.dq, g.dq, { ...TOL, label: 'dq' }),
    allclose(r.dk, g.dk, { ...TOL, label: 'dk' }),
    allclose(r.dv, g.dv, { ...TOL, label: 'dv' }),
  ];
  // Above the diagonal the probabilities and dS are exactly zero, not merely small.
  for (let row = 0; row < s.B * s.H * s.T; row++) {
    for (let c = (row % s.T) + 1; c < s.T; c++) {
      expect(r.att[row * s.T + c]).toBe(0);
      expect(r.datt[row * s.T + c]).toBe(0);
    }
  }
  return rs.map((x) => x.worstRel.toExponential(1)).join(' ');
}

const name = (s: AttentionShape) => `B=${s.B} T=${s.T} H=${s.H} Hkv=${s.Hkv} D=${s.D}`;

describe('attention [workgroup]', () => {
  for (const s of SHAPES) {
    it(`forward, forward-only and backward match the reference and the thread variant at ${name(s)}`, async () => {
      const { ctx } = await testContext();
      const x = inputs(s);
      const w = await runAll(withVariant(ctx, 'workgroup'), s, x);
      expect(w.label).toBe('attention_forward[workgroup]');
      const e = checkAgainstReference(s, x, w);
      console.log(`attention[workgroup] ${name(s)}: worst rel out att fwd-only dq dk dv ${e}`);
      const t = await runAll(withVariant(ctx, 'thread'), s, x);
      expect(t.label).toBe('attention_forward');
      for (const k of ['out', 'att', 'fwdOnly', 'dq', 'dk', 'dv'] as const) {
        const c = compareClose(w[k], t[k], { rtol: 1e-5, atol: 1e-6, label: `${k} workgroup vs thread` });
        expect(c.ok, c.message).toBe(true);
      }
    });
  }

  it('matches the reference with a 4-thread workgroup (key chunks, two column blocks) and rejects bad sizes', async () => {
    const { ctx } = await testContext();
    const s = { B: 1, T: 9, H: 4, Hkv: 2, D: 21 }; // 6 column quads > 4 threads, the last quad partial
    const x = inputs(s);
    checkAgainstReference(s, x, await runAll(withVariant(ctx, 'workgroup', 4), s, x));
    await expect(runAll(withVariant(ctx, 'workgroup', 48), s, x)).rejects.toThrow(/attention_wg: workgroup size 48 must be a power of two/);
    await expect(runAll(withVariant(ctx, 'workgroup', 2048), s, x)).rejects.toThrow(/attention_wg: workgroup size 2048/);
  });

  it('is bit-identical run to run', async () => {
    const { ctx } = await testContext();
    const s = { B: 1, T: 33, H: 4, Hkv: 2, D: 8 };
    const x = inputs(s);
    const a = await runAll(withVariant(ctx, 'workgroup'), s, x);
    const b = await runAll(withVariant(ctx, 'workgroup'), s, x);
    for (const k of ['out', 'fwdOnly', 'att', 'datt', 'dq', 'dk', 'dv'] as const) {
      expect(new Uint32Array(a[k].buffer), k).toEqual(new Uint32Array(b[k].buffer));
    }
  });

  it('a full training step with workgroup attention matches the float64 reference', async () => {
    const ctx = withVariant((await testContext()).ctx, 'workgroup');
    const [B, T] = [2, 7];
    const layout = modelLayout(TINY);
    const base = randomFlat(layout, 11, 0.3);
    const tr = await TrainingRun.create(ctx, { config: TINY, batchSize: B, seqLen: T, mode: 'full', seed: 1, baseParams: base });
    const { tokens, targets } = batch(B, T, TINY.vocabSize, 5, 4);
    const loss = await tr.computeGradients(tokens, targets);
    const ref = model_forward_backward(TINY, toF64(unpack(layout, base)), tokens, targets, B, T);
    expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-4 * Math.abs(ref.loss));
    const grads = await tr.readGradients();
    const failures: string[] = [];
    for (const [n, r] of ref.grads) {
      const scale = r.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      const rep = compareClose(grads.get(n) ?? [], r, { rtol: 2e-3, atol: Math.max(1e-7, 2e-4 * scale), label: n });
      if (!rep.ok) failures.push(rep.message);
    }
    expect(failures).toEqual([]);
    tr.destroy();
  });
});

function stripComments(code: string): string {
  return code.replace(/\/\/.*$/gm, '');
}

describe('attention [workgroup] contract', () => {
  it('the shader declares the host uniform fields and override constants, with no defaults', () => {
    const src = stripComments(wgCode);
    const struct = /struct Params \{([^}]*)\}/.exec(src)![1]!;
    const fields = struct.split(',').map((f) => f.trim()).filter(Boolean).map((f) => f.split(/\s*:\s*/));
    expect(fields).toEqual([...Object.entries(ATTENTION_PARAMS), ['_pad0', 'u32'], ['_pad1', 'u32']]);
    const overrides = [...src.matchAll(/override\s+(\w+)\s*:\s*u32\s*;/g)].map((m) => m[1]);
    expect(overrides).toEqual(Object.keys(ATTENTION_VARIANT_CONSTANTS.workgroup));
    expect(src).not.toMatch(/override\s+\w+[^;]*=/);
    expect([...src.matchAll(/@workgroup_size\(([^)]*)\)/g)].map((m) => m[1])).toEqual(['WG', 'WG', 'WG', 'WG']);
  });

  it('every entry point exists and each bound variable sits at the host binding order', () => {
    const src = stripComments(wgCode);
    const entries = [...src.matchAll(/@compute[^f]*fn\s+(\w+)/g)].map((m) => m[1]).sort();
    expect(entries).toEqual(Object.keys(ATTENTION_WG_BINDINGS).sort());
    const slot = new Map([...src.matchAll(/@binding\((\d+)\)\s*var<storage[^>]*>\s+(\w+)/g)].map((m) => [m[2]!, Number(m[1])]));
    for (const list of Object.values(ATTENTION_WG_BINDINGS)) {
      Object.values(list).forEach((v, i) => expect(slot.get(v), v).toBe(i + 1));
    }
  });
});

describe('attention variant choice', () => {
  const ENV = 'LORA_LAB_ATTENTION_VARIANT';
  afterEach(() => {
    delete process.env[ENV];
  });

  it('ctx.variants and the env var force a variant (ctx first); an unknown env value throws', async () => {
    const { ctx } = await testContext();
    const big = [8, 4, 128, 32] as const;
    process.env[ENV] = 'workgroup';
    expect(await resolveAttentionVariant(ctx, ...big)).toBe('workgroup');
    expect(await resolveAttentionVariant(withVariant(ctx, 'thread'), ...big)).toBe('thread');
    process.env[ENV] = 'thread';
    expect(await resolveAttentionVariant(withVariant(ctx, 'workgroup'), 1, 1, 1, 1)).toBe('workgroup');
    process.env[ENV] = 'warp';
    await expect(resolveAttentionVariant(ctx, ...big)).rejects.toThrow(/LORA_LAB_ATTENTION_VARIANT=warp: expected one of auto, thread, workgroup/);
  });

  it("'auto' takes 'thread' on SwiftShader and below the timing threshold, without timing", async () => {
    const { ctx } = await testContext();
    // The test device itself is SwiftShader: no autotuner given, the per-device one sees its adapter.
    expect(await resolveAttentionVariant(ctx, 8, 4, 128, 32, 2)).toBe('thread');
    const soft = { ...ctx, autotune: new Autotuner({ adapterKey: 'google/swiftshader/x/SwiftShader driver' }) };
    expect(await resolveAttentionVariant(soft, 8, 4, 256, 128)).toBe('thread');
    expect((soft.autotune.cache as MemoryAutotuneCache).entries.size).toBe(0);
    const gpu = { ...ctx, autotune: new Autotuner({ adapterKey: 'test' }) };
    expect(await resolveAttentionVariant(gpu, 1, 1, 64, 255)).toBe('thread'); // 64·64·255 < 2^20
    expect((gpu.autotune.cache as MemoryAutotuneCache).entries.size).toBe(0);
  });

  it("'auto' on another adapter times both variants once per shape class and caches the choice", async () => {
    const { ctx } = await testContext();
    const cache = new MemoryAutotuneCache();
    const tuned: string[] = [];
    const auto = { ...ctx, autotune: new Autotuner({ adapterKey: 'test', cache, repeats: 1, onTuned: (k) => tuned.push(k) }) };
    const [B, H, T, D] = [1, 4, 64, 128]; // twice ATTENTION_AUTOTUNE_MIN_WORK multiply-adds
    expect(B * H * T * T * D).toBe(2 * ATTENTION_AUTOTUNE_MIN_WORK);
    const v = await resolveAttentionVariant(auto, B, H, T, D, 2);
    expect(['thread', 'workgroup']).toContain(v);
    expect(await resolveAttentionVariant(auto, B, H, T, 100, 2)).toBe(v); // same class, not timed again
    expect(tuned).toEqual(['test|attention|bh4t64d128']);
    expect([...cache.entries]).toEqual([['test|attention|bh4t64d128', v]]);
  });
});
