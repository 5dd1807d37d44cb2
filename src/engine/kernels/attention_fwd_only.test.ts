// attention_forward_only (evaluation forward without att) vs the float64 reference at awkward
// shapes: T = 1, odd T, T above the 64-thread workgroup, MHA / MQA / GQA, D not a multiple of
// 4, D across the 16- and 32-column blocks, and the largest T and D.
import { describe, expect, it } from 'vitest';
import { attention_forward as ref_forward } from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { attention_forward_only, type AttentionShape } from './attention';
import { run } from './kernel';

const SHAPES: AttentionShape[] = [
  { B: 1, T: 1, H: 1, Hkv: 1, D: 2 },
  { B: 2, T: 7, H: 2, Hkv: 2, D: 8 }, // MHA
  { B: 1, T: 33, H: 3, Hkv: 1, D: 16 }, // MQA
  { B: 2, T: 9, H: 4, Hkv: 2, D: 8 }, // GQA
  { B: 1, T: 70, H: 2, Hkv: 1, D: 3 }, // T > workgroup size, D < 4
  { B: 1, T: 11, H: 2, Hkv: 2, D: 21 }, // D = 16 + 4 + 1
  { B: 1, T: 5, H: 4, Hkv: 1, D: 66 }, // three 32-column blocks, the last with 2 columns
  { B: 1, T: 256, H: 2, Hkv: 1, D: 128 }, // the largest supported T and D
];

describe('attention_forward_only', () => {
  for (const s of SHAPES) {
    it(`matches the reference at B=${s.B} T=${s.T} H=${s.H} Hkv=${s.Hkv} D=${s.D}`, async () => {
      const { ctx } = await testContext();
      const { B, T, H, Hkv, D } = s;
      // Scale 2 gives scores of a few units, so the softmax is far from uniform.
      const q = randomArray(B * T * H * D, 11 + T, 2);
      const k = randomArray(B * T * Hkv * D, 12 + D, 2);
      const v = randomArray(B * T * Hkv * D, 13 + H, 1);
      const out = empty(ctx, [B, T, H, D], 'out');
      run(ctx, await attention_forward_only(ctx, {
        ...s,
        q: upload(ctx, q, [B, T, H, D], 'q'),
        k: upload(ctx, k, [B, T, Hkv, D], 'k'),
        v: upload(ctx, v, [B, T, Hkv, D], 'v'),
        out,
      }));
      const f = ref_forward(q, k, v, B, T, H, Hkv, D);
      const r = allclose(await download(ctx, out), f.out, { rtol: 1e-4, atol: 1e-5, label: 'out' });
      expect(r.ok, r.message).toBe(true);
    });
  }
});
