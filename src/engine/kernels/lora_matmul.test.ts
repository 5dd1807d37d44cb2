// The adapters' skinny matmuls (shaders/lora_matmul.wgsl) against float64 loops, for 1 to 3
// adapters batched in one dispatch whose A's and B's sit at scattered 256-byte-aligned
// offsets of one parameter buffer (as loraLayout puts them), at ranks 1, 3 (not a multiple
// of the 4 columns per thread, so a thread's columns straddle two adapters), 8, and at odd
// token and feature counts. Outputs start as NaN (a missed element fails) or, when
// accumulating, as known values. Also the fused base + adapter matmul (lora_fused.wgsl), and
// an out-of-range layout is refused. (The uniforms and bindings: contracts.test.ts.)
import { describe, expect, it } from 'vitest';
import type { GpuTensor } from '../gpu/buffers';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { run } from './kernel';
import { lora_fused_forward } from './lora_fused';
import { lora_a_backward, lora_a_forward, lora_b_backward_input, lora_b_backward_weight, loraSegmentStride } from './lora_matmul';

/** (N tokens, in, out, rank, adapters) */
const CASES: Array<[number, number, number, number, number]> = [
  [1, 1, 1, 1, 1],
  [5, 7, 3, 3, 3],
  [17, 33, 9, 8, 2],
  [64, 32, 48, 8, 3],
  [13, 65, 5, 1, 3],
  [33, 20, 31, 3, 1],
];
const TOL = { rtol: 1e-5, atol: 1e-5 };

/** Tensors packed into one buffer at offsets that are multiples of 64 elements, with gaps. */
function packed(ctx: Parameters<typeof upload>[0], parts: Float64Array[], shapes: number[][], label: string) {
  const offsets: number[] = [];
  let end = 64; // not at the buffer's start, as in a real layout
  for (const p of parts) {
    offsets.push(end);
    end += Math.ceil(p.length / 64) * 64 + 64;
  }
  const flat = new Float64Array(end).fill(7);
  parts.forEach((p, i) => flat.set(p, offsets[i]));
  const whole = upload(ctx, flat, [end], label);
  const views: GpuTensor[] = parts.map((p, i) => ({
    ...whole, offset: whole.offset + offsets[i] * 4, byteLength: p.length * 4, shape: shapes[i], label: `${label}[${i}]`,
  }));
  return { whole, views, offsets };
}

/** C (M, R) = A · B with A(m, k) = a(m, k), B(k, n) = b(k, n), in float64. */
function mm(M: number, K: number, R: number, a: (m: number, k: number) => number, b: (k: number, n: number) => number): Float64Array {
  const c = new Float64Array(M * R);
  for (let m = 0; m < M; m++) for (let n = 0; n < R; n++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += a(m, k) * b(k, n);
    c[m * R + n] = s;
  }
  return c;
}

function segment(flat: Float32Array, j: number, seg: number, n: number): Float32Array {
  return flat.slice(j * seg, j * seg + n);
}

describe('lora_matmul', () => {
  for (const [N, IN, OUT, r, G] of CASES) {
    it(`N=${N} in=${IN} out=${OUT} r=${r}, ${G} adapter(s)`, async () => {
      const { ctx } = await testContext();
      const seg = loraSegmentStride(N, r);
      const x = randomArray(N * IN, 1 + N, 1);
      const As = Array.from({ length: G }, (_, j) => randomArray(r * IN, 10 + j, 0.5));
      const params = packed(ctx, As, As.map(() => [r, IN]), 'A');
      const u = empty(ctx, [G * seg], 'u');
      const tx = upload(ctx, x, [N, IN], 'x');
      run(ctx, [await lora_a_forward(ctx, { x: tx, A: params.views, u, N, inDim: IN, rank: r, segStride: seg })]);
      const uGot = await download(ctx, u);
      for (let j = 0; j < G; j++) {
        const ref = mm(N, IN, r, (m, k) => x[m * IN + k], (k, n) => As[j][n * IN + k]);
        allclose(segment(uGot, j, seg, N * r), ref, { ...TOL, label: `u_${j}` });
      }

      // dA_j (=|+=) du_jᵀ·x into scattered views; the first adapter's dA starts from known values.
      const du = randomArray(G * seg, 20 + G, 1);
      const tdu = upload(ctx, du, [G * seg], 'du');
      for (const accumulate of [false, true]) {
        const start = As.map((_, j) => randomArray(r * IN, 30 + j, 1));
        const grads = packed(ctx, start, start.map(() => [r, IN]), 'dA');
        run(ctx, [await lora_a_backward(ctx, { x: tx, u: tdu, dA: grads.views, N, inDim: IN, rank: r, segStride: seg, accumulate })]);
        const got = await download(ctx, grads.whole);
        for (let j = 0; j < G; j++) {
          const ref = mm(r, N, IN, (i, n) => du[j * seg + n * r + i], (n, k) => x[n * IN + k]);
          if (accumulate) ref.forEach((v, i) => (ref[i] = v + start[j][i]));
          allclose(got.slice(grads.offsets[j], grads.offsets[j] + r * IN), ref, { ...TOL, label: `dA_${j} acc=${accumulate}` });
        }
        // Untouched between the views (the gaps keep their fill value).
        expect(got[grads.offsets[0] - 1]).toBe(7);
      }

      // du_j = s·dy·B_j into segment j; dB_j (+)= s·dyᵀ·u_j.
      const s = 1.75;
      const dy = randomArray(N * OUT, 40, 1);
      const tdy = upload(ctx, dy, [N, OUT], 'dy');
      const B = randomArray(OUT * r, 41, 0.5);
      const tB = packed(ctx, [B], [[OUT, r]], 'B').views[0];
      const duOut = empty(ctx, [G * seg], 'du_out');
      const dB0 = randomArray(OUT * r, 42, 1);
      const dBbuf = packed(ctx, [dB0], [[OUT, r]], 'dB');
      const j = G - 1;
      run(ctx, [
        await lora_b_backward_input(ctx, { dy: tdy, B: tB, u: duOut, outDim: OUT, scale: s, segment: j, N, rank: r, segStride: seg }),
        await lora_b_backward_weight(ctx, {
          dy: tdy, dB: dBbuf.views[0], u: tdu, outDim: OUT, scale: s, segment: j, N, rank: r, segStride: seg, accumulate: true,
        }),
      ]);
      const refDu = mm(N, OUT, r, (n, o) => s * dy[n * OUT + o], (o, i) => B[o * r + i]);
      allclose(segment(await download(ctx, duOut), j, seg, N * r), refDu, { ...TOL, label: 'du' });
      const refDB = mm(OUT, N, r, (o, n) => s * dy[n * OUT + o], (n, i) => du[j * seg + n * r + i]).map((v, i) => v + dB0[i]);
      const gotDB = await download(ctx, dBbuf.whole);
      allclose(gotDB.slice(dBbuf.offsets[0], dBbuf.offsets[0] + OUT * r), refDB, { ...TOL, label: 'dB' });
    });
  }

  for (const [N, IN, OUT, r] of CASES) {
    it(`lora_fused y = x·Wᵀ + s·u·Bᵀ at N=${N} in=${IN} out=${OUT} r=${r}`, async () => {
      const { ctx } = await testContext();
      const s = 0.625;
      const [x, W, u, B] = [randomArray(N * IN, 50, 1), randomArray(OUT * IN, 51, 0.5), randomArray(N * r, 52, 1), randomArray(OUT * r, 53, 0.5)];
      const params = packed(ctx, [W], [[OUT, IN]], 'W').views[0];
      const adapters = packed(ctx, [B], [[OUT, r]], 'B').views;
      const y = upload(ctx, new Float64Array(N * OUT).fill(NaN), [N, OUT], 'y');
      run(ctx, [
        await lora_fused_forward(ctx, {
          x: upload(ctx, x, [N, IN], 'x'), w: params, u: upload(ctx, u, [N, r], 'u'), B: adapters[0], y,
          rows: N, inDim: IN, outDim: OUT, rank: r, scale: s,
        }),
      ]);
      const refY = mm(N, IN, OUT, (n, k) => x[n * IN + k], (k, o) => W[o * IN + k])
        .map((v, i) => v + s * mm(N, r, OUT, (n, k) => u[n * r + k], (k, o) => B[o * r + k])[i]);
      allclose(await download(ctx, y), refY, { ...TOL, label: 'y' });
    });
  }

  it('refuses a u too small for its segments', async () => {
    const { ctx } = await testContext();
    const [N, IN, r] = [8, 16, 4];
    const A = packed(ctx, [randomArray(r * IN, 1), randomArray(r * IN, 2)], [[r, IN], [r, IN]], 'A');
    const seg = loraSegmentStride(N, r);
    await expect(lora_a_forward(ctx, {
      x: upload(ctx, randomArray(N * IN, 3), [N, IN], 'x'), A: A.views, u: empty(ctx, [seg], 'u'), N, inDim: IN, rank: r, segStride: seg,
    })).rejects.toThrow(/c \[\d+\] too small/);
  });
});
