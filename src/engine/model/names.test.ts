// The tensor table (names.ts) against known answers: the parameter layout's names, shapes and
// 256-byte-aligned offsets for the tiny size worked out by hand, the LoRA layout, the buffer
// plan's shapes (with LoRA's merged weights); and that every planned buffer and every parameter is reachable through the
// typed handles the schedules use (tensors.ts), and nothing else is.
import { describe, expect, it } from 'vitest';
import type { GpuTensor } from '../gpu/buffers';
import { planBuffers } from './buffers';
import { MODEL_SIZES } from './config';
import { loraLayout, modelLayout } from './layout';
import { loraGroups, type LoraOptions } from './lora';
import { dims, HEAD_ACTS, IO_ACTS, OPTIONAL_SCRATCH, PROJECTIONS, projectionShape, type ActName } from './names';
import { adapter, layerActs, layerGrads, layerParams, mergedWeight, projectionAct, projectionWeight, type RunTensors } from './tensors';

const tiny = MODEL_SIZES.tiny; // V 256, C 32, 2 layers, H 4, Hkv 2, F 64

describe('dims', () => {
  it('derives every size once from the config', () => {
    expect(dims(tiny, 2, 3)).toEqual({ B: 2, T: 3, N: 6, C: 32, D: 8, H: 4, Hkv: 2, QD: 32, KD: 16, F: 64, V: 256 });
    expect(projectionShape(tiny, 'k')).toEqual([16, 32]);
    expect(projectionShape(tiny, 'o')).toEqual([32, 32]);
    expect(projectionShape(tiny, 'down')).toEqual([32, 64]);
  });
});

describe('parameter layout from the table', () => {
  it('keeps the flat names, shapes and offsets of the tiny size (worked out by hand)', () => {
    const l = modelLayout(tiny);
    const at = (name: string) => {
      const t = l.byName.get(name)!;
      return [t.offset, ...t.shape];
    };
    // wte 256·32 = 8192; a layer: norm 32 → 64 padded, wq 1024, wk 512, wv 512, wo 1024, norm 64, 3 × 2048 = 9344.
    expect(l.tensors.slice(0, 11).map((t) => t.name)).toEqual([
      'wte', 'layers.0.attn_norm', 'layers.0.wq', 'layers.0.wk', 'layers.0.wv', 'layers.0.wo',
      'layers.0.mlp_norm', 'layers.0.w_gate', 'layers.0.w_up', 'layers.0.w_down', 'layers.1.attn_norm',
    ]);
    expect(at('wte')).toEqual([0, 256, 32]);
    expect(at('layers.0.attn_norm')).toEqual([8192, 32]);
    expect(at('layers.0.wq')).toEqual([8256, 32, 32]);
    expect(at('layers.0.wk')).toEqual([9280, 16, 32]);
    expect(at('layers.0.wv')).toEqual([9792, 16, 32]);
    expect(at('layers.0.wo')).toEqual([10304, 32, 32]);
    expect(at('layers.0.mlp_norm')).toEqual([11328, 32]);
    expect(at('layers.0.w_gate')).toEqual([11392, 64, 32]);
    expect(at('layers.0.w_up')).toEqual([13440, 64, 32]);
    expect(at('layers.0.w_down')).toEqual([15488, 32, 64]);
    expect(at('layers.1.attn_norm')).toEqual([17536, 32]);
    expect(at('final_norm')).toEqual([26880, 32]);
    expect(l.tensors.at(-1)!.name).toBe('final_norm'); // tied: no lm_head
    expect(l.totalElements).toBe(26944);
    expect(l.paramCount).toBe(8192 + 2 * (32 + 1024 + 512 + 512 + 1024 + 32 + 3 * 2048) + 32);
    const untied = modelLayout({ ...tiny, tieEmbeddings: false });
    expect(untied.byName.get('lm_head')).toMatchObject({ offset: 26944, shape: [256, 32] });
  });

  it('keeps the adapters layer by layer in projection order', () => {
    const l = loraLayout(tiny, 4, ['v', 'q']);
    expect(l.tensors.map((t) => [t.name, t.offset, ...t.shape])).toEqual([
      ['layers.0.q.lora_A', 0, 4, 32], ['layers.0.q.lora_B', 128, 32, 4],
      ['layers.0.v.lora_A', 256, 4, 32], ['layers.0.v.lora_B', 384, 16, 4],
      ['layers.1.q.lora_A', 448, 4, 32], ['layers.1.q.lora_B', 576, 32, 4],
      ['layers.1.v.lora_A', 704, 4, 32], ['layers.1.v.lora_B', 832, 16, 4],
    ]);
  });
});

/** A RunTensors whose lookups only succeed for planned names, recording which were asked for. */
function recorder(lora: LoraOptions | null, dropout: number) {
  const plan = planBuffers({ cfg: tiny, B: 2, T: 3, lora, dropout });
  const planned = new Set<string>(plan.map((e) => e.name));
  const base = modelLayout(tiny);
  const adapters = lora ? loraLayout(tiny, lora.rank, lora.targets) : null;
  const asked = { acts: new Set<string>(), params: new Set<string>(), lora: new Set<string>() };
  const fake = (name: string): GpuTensor => ({ buffer: {} as GPUBuffer, offset: 0, byteLength: 4, shape: [1], dtype: 'f32', label: name });
  const lookup = (set: Set<string>, known: (n: string) => boolean) => (n: string) => {
    if (!known(n)) throw new Error(`unknown tensor ${n}`);
    set.add(n);
    return fake(n);
  };
  const t: RunTensors = {
    cfg: tiny, B: 2, T: 3, lora, loraScale: 1, dropout,
    act: lookup(asked.acts, (n) => planned.has(n)),
    param: lookup(asked.params, (n) => base.byName.has(n)),
    grad: (n) => (lora ? null : lookup(asked.params, (m) => base.byName.has(m))(n)),
    loraParam: lookup(asked.lora, (n) => !!adapters?.byName.has(n)),
    loraGrad: lookup(asked.lora, (n) => !!adapters?.byName.has(n)),
  };
  return { t, plan, planned, asked, base, adapters };
}

/** Asks for every tensor through the handles forward/backward/linear use. */
function askAll(t: RunTensors): void {
  const globals: ActName[] = [...Object.keys(IO_ACTS), ...Object.keys(HEAD_ACTS)] as ActName[];
  for (const n of globals) t.act(n);
  for (const n of OPTIONAL_SCRATCH) {
    try {
      t.act(n);
    } catch {
      // absent in this kind of run
    }
  }
  for (const n of ['wte', 'final_norm'] as const) t.param(n);
  for (let l = 0; l < tiny.nLayers; l++) {
    layerActs(t, l);
    layerParams(t, l);
    layerGrads(t, l);
    for (const p of PROJECTIONS) projectionWeight(t, l, p);
    if (t.lora) {
      for (const p of t.lora.targets) {
        adapter(t, l, p);
        mergedWeight(t, l, p);
      }
      for (const g of loraGroups(t.lora)) {
        projectionAct(t, l, g[0], 'u');
        if (t.lora.dropout > 0) projectionAct(t, l, g[0], 'xd');
      }
    }
    if (t.dropout > 0) for (const p of PROJECTIONS) projectionAct(t, l, p, 'fxd');
  }
}

describe('buffer plan from the table', () => {
  it('plans the known buffers and shapes of a full fine-tuning run', () => {
    const { plan } = recorder(null, 0);
    const shape = (n: string) => plan.find((e) => e.name === n)?.shape;
    expect(plan.length).toBe(6 + 14 * 2 + 18); // inputs, 14 activations per layer, head and scratch
    expect(plan.slice(0, 6).map((e) => `${e.name}:${e.dtype}:${e.kind}`)).toEqual([
      'tokens:i32:io', 'targets:i32:io', 'seeds:u32:io', 'hyper:f32:io', 'ce_stats:f32:io', 'clip_stats:f32:io',
    ]);
    expect(shape('layers.1.att')).toEqual([2, 4, 3, 3]);
    expect(shape('layers.0.k')).toEqual([6, 16]);
    expect(shape('layers.1.h')).toEqual([6, 64]);
    expect(shape('layers.0.rstd2')).toEqual([6]);
    expect(shape('dlogits')).toEqual([6, 256]);
    expect(plan.find((e) => e.name === 'dlogits')!.kind).toBe('scratch');
  });

  it('plans the merged adapted weights only for LoRA without dropout', () => {
    const all = { rank: 4, alpha: 8, targets: [...PROJECTIONS], scaling: 'standard' as const, dropout: 0 };
    const merged = (lora: LoraOptions) => recorder(lora, 0).plan.find((e) => e.name === 'lora_merged');
    // Per layer q 32·32, k 16·32, v 16·32, o 32·32, gate, up, down 64·32 each: 9216, all 256-byte multiples.
    expect(merged(all)).toEqual({ name: 'lora_merged', shape: [2 * 9216], dtype: 'f32', kind: 'scratch' });
    expect(merged({ ...all, targets: ['k', 'down'] })!.shape).toEqual([2 * (512 + 2048)]);
    expect(merged({ ...all, dropout: 0.1 })).toBeUndefined();
    expect(recorder(null, 0).plan.find((e) => e.name === 'lora_merged')).toBeUndefined();
    const { t } = recorder({ ...all, targets: ['k', 'down'] }, 0);
    expect(mergedWeight(t, 1, 'down')).toMatchObject({ offset: (512 + 2048 + 512) * 4, shape: [32, 64], byteLength: 2048 * 4 });
    expect(mergedWeight(t, 1, 'q')).toBeNull();
  });

  const cases: Array<[string, LoraOptions | null, number]> = [
    ['full fine-tuning', null, 0],
    ['full fine-tuning with dropout', null, 0.1],
    ['LoRA on all projections', { rank: 4, alpha: 8, targets: [...PROJECTIONS], scaling: 'standard', dropout: 0 }, 0],
    ['LoRA with dropout on some', { rank: 2, alpha: 2, targets: ['q', 'v', 'down'], scaling: 'rslora', dropout: 0.1 }, 0],
  ];
  for (const [what, lora, dropout] of cases) {
    it(`every planned buffer and parameter is reachable through the typed handles (${what})`, () => {
      const { t, planned, asked, base, adapters } = recorder(lora, dropout);
      askAll(t);
      expect([...planned].filter((n) => !asked.acts.has(n))).toEqual([]);
      expect(base.tensors.map((x) => x.name).filter((n) => !asked.params.has(n))).toEqual([]);
      expect((adapters?.tensors ?? []).map((x) => x.name).filter((n) => !asked.lora.has(n))).toEqual([]);
    });
  }

  it('makes a misspelt name a compile error (checked by tsc)', () => {
    const { t } = recorder(null, 0);
    // @ts-expect-error 'qq' is not a layer activation
    expect(layerActs(t, 0).qq).toBeUndefined();
    // @ts-expect-error there is no activation named layers.0.rstd3
    expect(() => t.act('layers.0.rstd3')).toThrow(/unknown tensor/);
    // @ts-expect-error base weights are named wq, not q
    expect(() => t.param('layers.0.q')).toThrow(/unknown tensor/);
  });
});
