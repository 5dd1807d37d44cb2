// LoRA input dropout (shaders/lora.wgsl): xd = drop(x) before the adapter's A matmul, and
// its backward, which adds the masked gradient onto the base path's dx. The mask is
// keep(i) = u01(hash_u32(seed, i)) >= p, seed = hash_u32(seeds[seedIndex], salt), bit-identical
// to the reference (src/engine/reference/rng.ts). Also the adapters' skinny matmuls
// (shaders/lora_matmul.wgsl, below), and a base projection fused with its adapter's wide
// low-rank term (shaders/lora_fused.wgsl) for devices where matmul.ts's register variant runs;
// and the adapted weights W + scale·B·A merged for a step (shaders/lora_merge.wgsl).

import code from '../../../shaders/lora.wgsl?raw';
import fusedCode from '../../../shaders/lora_fused.wgsl?raw';
import matmulCode from '../../../shaders/lora_matmul.wgsl?raw';
import mergeCode from '../../../shaders/lora_merge.wgsl?raw';
import { numel, STORAGE, type GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform, type UniformStruct } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

/** Threads per workgroup in lora.wgsl. */
const WG = 256;

interface DropoutShape {
  N: number;
  K: number;
  /** Drop probability in [0, 1); 0 gives a copy (forward) or a plain add (backward). */
  p: number;
  seeds: GpuTensor; // (S) u32, the per-step seeds
  seedIndex: number;
  /** Static per-(layer, projection) constant mixed into the step seed. */
  salt: number;
}

type Entry = 'lora_forward' | 'lora_backward';

async function dropout(
  ctx: KernelContext, entryPoint: Entry, op: string, src: GpuTensor, dst: GpuTensor, names: [string, string], s: DropoutShape,
): Promise<Dispatch> {
  const { N, K, p, seeds, seedIndex, salt } = s;
  if (!(p >= 0 && p < 1)) throw new Error(`${op}: dropout p ${p} must be in [0, 1)`);
  if (!Number.isInteger(N) || !Number.isInteger(K) || N < 0 || K < 0 || N * K >= 2 ** 32) {
    throw new Error(`${op}: N ${N}, K ${K} must be non-negative integers with N·K < 2^32`);
  }
  if (seeds.dtype !== 'u32') throw new Error(`${op}: seeds must be a u32 tensor, got ${seeds.dtype}`);
  const S = numel(seeds.shape);
  if (!Number.isInteger(seedIndex) || seedIndex < 0 || seedIndex >= S) {
    throw new Error(`${op}: seedIndex ${seedIndex} out of range for seeds with ${S} elements`);
  }
  if (!Number.isInteger(salt) || salt < 0 || salt >= 2 ** 32) {
    throw new Error(`${op}: salt ${salt} must be an integer in [0, 2^32)`);
  }
  expectNumel(op, names[0], src, N * K);
  expectNumel(op, names[1], dst, N * K);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint,
    uniform: [
      ['u32', N * K],
      // u01(h) = (h >> 8)/2^24 >= p  ⇔  (h >> 8) >= ceil(p·2^24); p·2^24 is exact in float64.
      ['u32', Math.ceil(p * 2 ** 24)],
      ['f32', 1 / (1 - p)],
      ['u32', seedIndex],
      ['u32', salt],
    ],
    tensors: [src, dst, seeds],
    workgroups: grid1d(N * K, WG),
  });
}

/** xd (N, K) = x (N, K) · keep / (1 − p). */
export function lora_dropout_forward(
  ctx: KernelContext,
  o: { x: GpuTensor; xd: GpuTensor } & DropoutShape,
): Promise<Dispatch> {
  return dropout(ctx, 'lora_forward', 'lora_dropout_forward', o.x, o.xd, ['x', 'xd'], o);
}

/** dx (N, K) += dxd (N, K) · keep / (1 − p), the same mask as the forward. */
export function lora_dropout_backward(
  ctx: KernelContext,
  o: { dxd: GpuTensor; dx: GpuTensor } & DropoutShape,
): Promise<Dispatch> {
  return dropout(ctx, 'lora_backward', 'lora_dropout_backward', o.dxd, o.dx, ['dxd', 'dx'], o);
}

// ---------------------------------------------------------------------------------------
// Skinny adapter matmuls (shaders/lora_matmul.wgsl). Adapters that read the same input are
// batched: their A's stay at their layout offsets, and u / du hold one segment per adapter.

/** The uniform of lora_matmul.wgsl, in its field order. */
export const LORA_MATMUL_PARAMS = {
  M: 'u32', K: 'u32', G: 'u32', R: 'u32', sa_m: 'u32', sa_k: 'u32', sb_k: 'u32', sb_n: 'u32',
  sc_m: 'u32', sc_n: 'u32', accumulate: 'u32', alpha: 'f32', b0: 'u32', b1: 'u32', b2: 'u32', c0: 'u32', c1: 'u32', c2: 'u32',
} as const satisfies UniformStruct;

/** Most adapters one dispatch serves (q, k, v). */
export const LORA_MAX_GROUP = 3;

interface Segmented {
  a: GpuTensor;
  b: GpuTensor;
  c: GpuTensor;
  M: number;
  K: number;
  R: number;
  /** [m, k] strides of a; [k, n] of b; [m, n] of c, in elements. */
  sa: [number, number];
  sb: [number, number];
  sc: [number, number];
  /** Per-segment element offsets into b and c (one per adapter). */
  bOff: number[];
  cOff: number[];
  alpha?: number;
  accumulate?: boolean;
}

function lastIndex(off: number, ...terms: Array<[number, number]>): number {
  return terms.reduce((s, [n, stride]) => s + (n - 1) * stride, off);
}

/** C_j (M, R) (+)= alpha · A (M, K) · B_j (K, R) for every segment j, in one dispatch. */
async function lora_matmul(ctx: KernelContext, op: string, s: Segmented): Promise<Dispatch> {
  const { M, K, R } = s;
  const G = s.bOff.length;
  if (G < 1 || G > LORA_MAX_GROUP || s.cOff.length !== G) throw new Error(`${op}: 1 to ${LORA_MAX_GROUP} segments, got ${G}`);
  for (const [n, v] of Object.entries({ M, K, R })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${n} must be a positive integer (got ${v})`);
  }
  // Every address the shader forms must lie inside its binding (WebGPU would clamp silently).
  const check = (name: string, t: GpuTensor, last: number) => {
    if (last >= numel(t.shape)) throw new Error(`${op}: ${name} [${t.shape}] too small (reads index ${last})`);
  };
  check('a', s.a, lastIndex(0, [M, s.sa[0]], [K, s.sa[1]]));
  for (let j = 0; j < G; j++) {
    check('b', s.b, lastIndex(s.bOff[j], [K, s.sb[0]], [R, s.sb[1]]));
    check('c', s.c, lastIndex(s.cOff[j], [M, s.sc[0]], [R, s.sc[1]]));
  }
  const constants = kernelConstants(ctx, 'lora_matmul', { WG: 64 });
  const off = (o: number[], j: number) => o[Math.min(j, G - 1)];
  return prepare(ctx, {
    label: op,
    code: matmulCode,
    entryPoint: 'lora_matmul',
    constants,
    uniform: packUniform(LORA_MATMUL_PARAMS, {
      M, K, G, R, sa_m: s.sa[0], sa_k: s.sa[1], sb_k: s.sb[0], sb_n: s.sb[1], sc_m: s.sc[0], sc_n: s.sc[1],
      accumulate: s.accumulate ? 1 : 0, alpha: s.alpha ?? 1,
      b0: off(s.bOff, 0), b1: off(s.bOff, 1), b2: off(s.bOff, 2), c0: off(s.cOff, 0), c1: off(s.cOff, 1), c2: off(s.cOff, 2),
    }),
    tensors: [s.a, s.b, s.c],
    workgroups: grid1d(Math.ceil(M / 4) * Math.ceil((G * R) / 4), constants.WG),
  });
}

/**
 * One binding that covers several views of the same buffer, and each view's element offset
 * inside it (views are 256-byte aligned, so the span's start is bindable).
 */
export function span(views: GpuTensor[]): { t: GpuTensor; offsets: number[] } {
  const buffer = views[0].buffer;
  if (views.some((v) => v.buffer !== buffer)) throw new Error('span: views of different buffers');
  const start = Math.min(...views.map((v) => v.offset));
  const end = Math.max(...views.map((v) => v.offset + v.byteLength));
  const t: GpuTensor = { ...views[0], offset: start, byteLength: end - start, shape: [(end - start) / 4], label: `span:${views[0].label}` };
  return { t, offsets: views.map((v) => (v.offset - start) / 4) };
}

interface Segments {
  /** (G·segStride) segment-major: segment j holds adapter j's (N, r), row-major. */
  u: GpuTensor;
  segStride: number;
  N: number;
  rank: number;
}

/** u_j (N, r) = x (N, in) · A_jᵀ for the adapters A_j (r, in) of projections reading x. */
export function lora_a_forward(ctx: KernelContext, o: { x: GpuTensor; A: GpuTensor[]; inDim: number } & Segments): Promise<Dispatch> {
  const { t, offsets } = span(o.A);
  return lora_matmul(ctx, 'lora_a_forward', {
    a: o.x, b: t, c: o.u, M: o.N, K: o.inDim, R: o.rank, sa: [o.inDim, 1], sb: [1, o.inDim], sc: [o.rank, 1],
    bOff: offsets, cOff: offsets.map((_, j) => j * o.segStride),
  });
}

/** dA_j (r, in) (+)= du_jᵀ · x for the same adapters: du is segment-major like u. */
export function lora_a_backward(
  ctx: KernelContext, o: { x: GpuTensor; dA: GpuTensor[]; inDim: number; accumulate?: boolean } & Segments,
): Promise<Dispatch> {
  const { t, offsets } = span(o.dA);
  // Computed as dA_jᵀ (in, r) = xᵀ · du_j, so the skinny side (r) is C's segmented columns.
  return lora_matmul(ctx, 'lora_a_backward', {
    a: o.x, b: o.u, c: t, M: o.inDim, K: o.N, R: o.rank, sa: [1, o.inDim], sb: [o.rank, 1], sc: [1, o.inDim],
    bOff: offsets.map((_, j) => j * o.segStride), cOff: offsets, accumulate: o.accumulate,
  });
}

/** du_j (N, r) = scale · dy (N, out) · B (out, r), into segment j of du. */
export function lora_b_backward_input(
  ctx: KernelContext, o: { dy: GpuTensor; B: GpuTensor; outDim: number; scale: number; segment: number } & Segments,
): Promise<Dispatch> {
  return lora_matmul(ctx, 'lora_b_backward_input', {
    a: o.dy, b: o.B, c: o.u, M: o.N, K: o.outDim, R: o.rank, sa: [o.outDim, 1], sb: [o.rank, 1], sc: [o.rank, 1],
    bOff: [0], cOff: [o.segment * o.segStride], alpha: o.scale,
  });
}

/** dB (out, r) (+)= scale · dyᵀ (out, N) · u_j (N, r), u_j being segment j of u. */
export function lora_b_backward_weight(
  ctx: KernelContext,
  o: { dy: GpuTensor; dB: GpuTensor; outDim: number; scale: number; segment: number; accumulate?: boolean } & Segments,
): Promise<Dispatch> {
  return lora_matmul(ctx, 'lora_b_backward_weight', {
    a: o.dy, b: o.u, c: o.dB, M: o.outDim, K: o.N, R: o.rank, sa: [1, o.outDim], sb: [o.rank, 1], sc: [o.rank, 1],
    bOff: [o.segment * o.segStride], cOff: [0], alpha: o.scale, accumulate: o.accumulate,
  });
}

/** Elements between segments of u / du: N·r rounded up so every segment is a bindable view. */
export function loraSegmentStride(N: number, rank: number): number {
  return Math.ceil((N * rank) / 64) * 64;
}

/** Segment j of a segment-major u / du as its own (N, r) tensor (for matmul.ts). */
export function loraSegment(u: GpuTensor, j: number, N: number, rank: number): GpuTensor {
  const offset = u.offset + j * loraSegmentStride(N, rank) * 4;
  if (offset + N * rank * 4 > u.offset + u.byteLength) throw new Error(`loraSegment(${u.label}): segment ${j} out of range`);
  return { ...u, offset, byteLength: N * rank * 4, shape: [N, rank], label: `${u.label}[${j}]` };
}

// ---------------------------------------------------------------------------------------
// A base projection fused with its adapter's low-rank path (shaders/lora_fused.wgsl).

/** The uniform of lora_fused.wgsl, in its field order. */
export const LORA_FUSED_PARAMS = {
  M: 'u32', N: 'u32', K1: 'u32', K2: 'u32', sa1_m: 'u32', sa1_k: 'u32', sb1_k: 'u32', sb1_n: 'u32',
  sa2_m: 'u32', sa2_k: 'u32', sb2_k: 'u32', sb2_n: 'u32', accumulate: 'u32', alpha2: 'f32',
} as const satisfies UniformStruct;

interface Fused {
  a1: GpuTensor; b1: GpuTensor; a2: GpuTensor; b2: GpuTensor; c: GpuTensor;
  M: number; N: number; K1: number; K2: number;
  sa1: [number, number]; sb1: [number, number]; sa2: [number, number]; sb2: [number, number];
  alpha2: number; accumulate?: boolean;
}

async function lora_fused(ctx: KernelContext, op: string, s: Fused): Promise<Dispatch> {
  const { M, N, K1, K2 } = s;
  const check = (name: string, t: GpuTensor, rows: number, cols: number, st: [number, number]) => {
    const last = lastIndex(0, [rows, st[0]], [cols, st[1]]);
    if (last >= numel(t.shape)) throw new Error(`${op}: ${name} [${t.shape}] too small (reads index ${last})`);
  };
  check('a1', s.a1, M, K1, s.sa1);
  check('b1', s.b1, K1, N, s.sb1);
  check('a2', s.a2, M, K2, s.sa2);
  check('b2', s.b2, K2, N, s.sb2);
  expectNumel(op, 'c', s.c, M * N);
  const constants = kernelConstants(ctx, 'lora_fused', { WG_X: 8, WG_Y: 8 });
  return prepare(ctx, {
    label: op,
    code: fusedCode,
    entryPoint: 'lora_fused',
    constants,
    uniform: packUniform(LORA_FUSED_PARAMS, {
      M, N, K1, K2, sa1_m: s.sa1[0], sa1_k: s.sa1[1], sb1_k: s.sb1[0], sb1_n: s.sb1[1],
      sa2_m: s.sa2[0], sa2_k: s.sa2[1], sb2_k: s.sb2[0], sb2_n: s.sb2[1], accumulate: s.accumulate ? 1 : 0, alpha2: s.alpha2,
    }),
    tensors: [s.a1, s.b1, s.a2, s.b2, s.c],
    workgroups: [Math.ceil(N / (4 * constants.WG_X)), Math.ceil(M / (4 * constants.WG_Y))],
  });
}

/** y (N, out) = x (N, in) · Wᵀ + scale · u (N, r) · Bᵀ, with W (out, in) and B (out, r). */
export function lora_fused_forward(
  ctx: KernelContext,
  o: { x: GpuTensor; w: GpuTensor; u: GpuTensor; B: GpuTensor; y: GpuTensor; rows: number; inDim: number; outDim: number; rank: number; scale: number },
): Promise<Dispatch> {
  const { rows, inDim, outDim, rank } = o;
  return lora_fused(ctx, 'lora_fused_forward', {
    a1: o.x, b1: o.w, a2: o.u, b2: o.B, c: o.y, M: rows, N: outDim, K1: inDim, K2: rank,
    sa1: [inDim, 1], sb1: [1, inDim], sa2: [rank, 1], sb2: [1, rank], alpha2: o.scale,
  });
}

/**
 * dx (N, in) (+)= dy (N, out) · W + du (N, r) · A, with W (out, in) and A (r, in). The model no
 * longer schedules it (without adapter dropout it merges W + s·B·A instead; with dropout, du·A
 * is masked first); kept, with its reference test, as the fused alternative.
 */
export function lora_fused_backward_input(
  ctx: KernelContext,
  o: { dy: GpuTensor; w: GpuTensor; du: GpuTensor; A: GpuTensor; dx: GpuTensor; rows: number; inDim: number; outDim: number; rank: number; accumulate?: boolean },
): Promise<Dispatch> {
  const { rows, inDim, outDim, rank } = o;
  return lora_fused(ctx, 'lora_fused_backward_input', {
    a1: o.dy, b1: o.w, a2: o.du, b2: o.A, c: o.dx, M: rows, N: inDim, K1: outDim, K2: rank,
    sa1: [outDim, 1], sb1: [inDim, 1], sa2: [rank, 1], sb2: [inDim, 1], alpha2: 1, accumulate: o.accumulate,
  });
}

// ---------------------------------------------------------------------------------------
// Adapted weights merged for a step (shaders/lora_merge.wgsl): M = W + scale·B·A for every
// adapted projection of the model in one dispatch.

/** Override constants of lora_merge.wgsl: threads per workgroup, also the divisor of the dispatch. */
export const LORA_MERGE_CONSTANTS = { WG: 64 } as const;

/** `Params` of lora_merge.wgsl, in field order. */
export const LORA_MERGE_PARAMS = { P: 'u32', R: 'u32', scale: 'f32' } as const satisfies UniformStruct;

/** Storage bindings of lora_merge_forward in binding order: host name → WGSL variable. */
export const LORA_MERGE_BINDINGS = { lora_merge_forward: { table: 'table', w: 'w', ab: 'ab', merged: 'm' } } as const;

/** u32s per problem in the merge table: out, in, and the element offsets of W, A, B and M. */
export const LORA_MERGE_ROW = 8;

export interface MergeProblem {
  w: GpuTensor; // (out, in), a view of the base parameters
  A: GpuTensor; // (r, in), a view of the adapters
  B: GpuTensor; // (out, r), a view of the same adapters' buffer
  merged: GpuTensor; // (out, in)
  outDim: number;
  inDim: number;
}

/**
 * merged_j (out, in) = w_j + scale · B_j · A_j for every problem j, in one dispatch. The
 * problem table is a small storage buffer owned by the dispatch (freed by releaseDispatches).
 */
export async function lora_merge_forward(
  ctx: KernelContext, o: { problems: MergeProblem[]; rank: number; scale: number },
): Promise<Dispatch> {
  const op = 'lora_merge_forward';
  const { problems, rank } = o;
  if (problems.length < 1) throw new Error(`${op}: no problems`);
  if (!Number.isInteger(rank) || rank < 1) throw new Error(`${op}: rank must be a positive integer (got ${rank})`);
  problems.forEach((q, j) => {
    expectNumel(op, `w[${j}]`, q.w, q.outDim * q.inDim);
    expectNumel(op, `A[${j}]`, q.A, rank * q.inDim);
    expectNumel(op, `B[${j}]`, q.B, q.outDim * rank);
    expectNumel(op, `merged[${j}]`, q.merged, q.outDim * q.inDim);
  });
  const w = span(problems.map((q) => q.w));
  const ab = span([...problems.map((q) => q.A), ...problems.map((q) => q.B)]);
  const merged = span(problems.map((q) => q.merged));
  const P = problems.length;
  const rows = new Uint32Array(P * LORA_MERGE_ROW);
  problems.forEach((q, j) => {
    rows.set([q.outDim, q.inDim, w.offsets[j], ab.offsets[j], ab.offsets[P + j], merged.offsets[j]], j * LORA_MERGE_ROW);
  });
  const tableBuffer = ctx.device.createBuffer({ label: `${op}:table`, size: rows.byteLength, usage: STORAGE.storage });
  ctx.device.queue.writeBuffer(tableBuffer, 0, rows);
  const table: GpuTensor = {
    buffer: tableBuffer, offset: 0, byteLength: rows.byteLength, shape: [P, LORA_MERGE_ROW], dtype: 'u32', label: `${op}:table`,
  };
  const constants = kernelConstants(ctx, 'lora_merge', LORA_MERGE_CONSTANTS);
  const d = await prepare(ctx, {
    label: op,
    code: mergeCode,
    entryPoint: 'lora_merge_forward',
    constants,
    uniform: packUniform(LORA_MERGE_PARAMS, { P, R: rank, scale: o.scale }),
    tensors: bindTensors(LORA_MERGE_BINDINGS.lora_merge_forward, { table, w: w.t, ab: ab.t, merged: merged.t }),
    // A 4×4 block of outputs per thread (lora_merge.wgsl).
    workgroups: [Math.ceil(Math.max(...problems.map((q) => Math.ceil(q.outDim / 4) * Math.ceil(q.inDim / 4))) / constants.WG), P],
  });
  d.owned.push(tableBuffer);
  return d;
}
