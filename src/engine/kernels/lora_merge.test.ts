// lora_merge_forward against a float64 closed form: M_j = W_j + scale·B_j·A_j for several
// adapters of awkward shapes in one dispatch, each a 256-byte-aligned view of a shared buffer
// (as the parameter layouts place them), at the default and at other workgroup sizes; nothing
// outside the merged views may be written.
import { describe, expect, it } from 'vitest';
import type { GpuTensor } from '../gpu/buffers';
import { allclose, randomArray } from '../testing/allclose';
import { download, testContext, upload } from '../testing/gpu';
import { createKernelContext, run, type KernelContext } from './kernel';
import { LORA_MERGE_ROW, lora_merge_forward, type MergeProblem } from './lora_merge';

const ALIGN = 64; // f32 elements per 256 bytes

/** Offsets of consecutive arrays of these sizes, each aligned to 256 bytes, and the total. */
function aligned(sizes: number[]): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let at = 0;
  for (const n of sizes) {
    offsets.push(at);
    at += Math.ceil(n / ALIGN) * ALIGN;
  }
  return { offsets, total: at };
}

/** One buffer holding `parts` at aligned offsets (NaN in between), and a view of each part. */
function shared(ctx: KernelContext, parts: Array<{ data: ArrayLike<number>; shape: number[] }>, label: string): GpuTensor[] {
  const { offsets, total } = aligned(parts.map((p) => p.data.length));
  const flat = new Float64Array(total).fill(Number.NaN);
  parts.forEach((p, i) => flat.set(Array.from(p.data), offsets[i]));
  const t = upload(ctx, flat, [total], label);
  return parts.map((p, i) => ({ ...t, offset: t.offset + offsets[i] * 4, byteLength: p.data.length * 4, shape: p.shape }));
}

const SHAPES: Array<[number, number]> = [[5, 3], [7, 13], [1, 1], [33, 17], [16, 70]]; // (out, in)

describe('lora_merge_forward', () => {
  for (const [rank, scale, overrides] of [[3, 0.75, undefined], [1, -2, undefined], [4, 1.5, { WG: 32 }], [2, 0.5, { WG: 1 }]] as const) {
    it(`merges ${SHAPES.length} adapters at r=${rank} scale=${scale}${overrides ? ` WG=${overrides.WG}` : ''}`, async () => {
      const base = (await testContext()).ctx;
      const ctx: KernelContext = overrides ? { ...createKernelContext(base.device), overrides: { lora_merge: overrides } } : base;
      const W = SHAPES.map(([o, i], j) => randomArray(o * i, 10 + j, 1));
      const A = SHAPES.map(([, i], j) => randomArray(rank * i, 20 + j, 1));
      const B = SHAPES.map(([o], j) => randomArray(o * rank, 30 + j, 1));
      const tw = shared(ctx, W.map((d, j) => ({ data: d, shape: SHAPES[j] })), 'w');
      // A's and B's interleaved like an adapter layout (A_0, B_0, A_1, ...).
      const tab = shared(ctx, SHAPES.flatMap(([o, i], j) => [
        { data: A[j], shape: [rank, i] }, { data: B[j], shape: [o, rank] },
      ]), 'ab');
      const tm = shared(ctx, SHAPES.map(([o, i]) => ({ data: new Float64Array(o * i).fill(Number.NaN), shape: [o, i] })), 'm');
      const problems: MergeProblem[] = SHAPES.map(([outDim, inDim], j) => ({
        w: tw[j], A: tab[2 * j], B: tab[2 * j + 1], merged: tm[j], outDim, inDim,
      }));
      const d = await lora_merge_forward(ctx, { problems, rank, scale });
      run(ctx, [d]);
      const whole = await download(ctx, { ...tm[0], offset: tm[0].offset, byteLength: tm[0].buffer.size - tm[0].offset, shape: [(tm[0].buffer.size - tm[0].offset) / 4] });
      const { offsets } = aligned(SHAPES.map(([o, i]) => o * i));
      SHAPES.forEach(([o, n], j) => {
        const ref = new Float64Array(o * n);
        for (let r = 0; r < o; r++) {
          for (let c = 0; c < n; c++) {
            let s = 0;
            for (let k = 0; k < rank; k++) s += B[j][r * rank + k] * A[j][k * n + c];
            ref[r * n + c] = W[j][r * n + c] + scale * s;
          }
        }
        allclose(whole.subarray(offsets[j], offsets[j] + o * n), ref, { rtol: 1e-5, atol: 1e-5, label: `M_${j}` });
        // The padding after each view stays untouched.
        const end = j + 1 < offsets.length ? offsets[j + 1] : offsets[j] + Math.ceil((o * n) / ALIGN) * ALIGN;
        for (let e = offsets[j] + o * n; e < end; e++) expect(Number.isNaN(whole[e])).toBe(true);
      });
      expect(d.owned.length).toBe(2); // its uniform and its problem table, freed with the run
    });
  }

  it('rejects a view of the wrong size and an empty problem list', async () => {
    const { ctx } = await testContext();
    const [w] = shared(ctx, [{ data: new Float64Array(6), shape: [2, 3] }], 'w');
    const [a, b] = shared(ctx, [{ data: new Float64Array(3), shape: [1, 3] }, { data: new Float64Array(2), shape: [2, 1] }], 'ab');
    const [m] = shared(ctx, [{ data: new Float64Array(6), shape: [2, 3] }], 'm');
    await expect(lora_merge_forward(ctx, { problems: [{ w, A: a, B: b, merged: m, outDim: 3, inDim: 2 }], rank: 2, scale: 1 }))
      .rejects.toThrow(/A\[0\] has 3 elements/);
    await expect(lora_merge_forward(ctx, { problems: [], rank: 1, scale: 1 })).rejects.toThrow(/no problems/);
    expect(LORA_MERGE_ROW).toBe(8);
  });
});
