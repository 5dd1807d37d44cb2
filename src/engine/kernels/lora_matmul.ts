// The adapters' skinny matmuls (shaders/lora_matmul.wgsl), where one side of the output is
// the rank r: u = x·Aᵀ, dA = duᵀ·x, du = s·dy·B, dB = s·dyᵀ·u. Adapters that read the same
// input are batched: their A's stay at their layout offsets, and u / du hold one segment per
// adapter (segment-major, loraSegmentStride apart).

import code from '../../../shaders/lora_matmul.wgsl?raw';
import { numel, span, type GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform, type UniformStruct } from './contract';
import { grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

/** Override constants of lora_matmul.wgsl: threads per workgroup, also the divisor of the dispatch. */
export const LORA_MATMUL_CONSTANTS = { WG: 64 } as const;

/** `Params` of lora_matmul.wgsl, in field order. */
export const LORA_MATMUL_PARAMS = {
  M: 'u32', K: 'u32', G: 'u32', R: 'u32', sa_m: 'u32', sa_k: 'u32', sb_k: 'u32', sb_n: 'u32',
  sc_m: 'u32', sc_n: 'u32', accumulate: 'u32', alpha: 'f32', b0: 'u32', b1: 'u32', b2: 'u32', c0: 'u32', c1: 'u32', c2: 'u32',
} as const satisfies UniformStruct;

/** Storage bindings of lora_matmul in binding order: host name → WGSL variable. */
export const LORA_MATMUL_BINDINGS = { lora_matmul: { a: 'a', b: 'b', c: 'c' } } as const;

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
  const constants = kernelConstants(ctx, 'lora_matmul', LORA_MATMUL_CONSTANTS);
  const off = (o: number[], j: number) => o[Math.min(j, G - 1)];
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: 'lora_matmul',
    constants,
    uniform: packUniform(LORA_MATMUL_PARAMS, {
      M, K, G, R, sa_m: s.sa[0], sa_k: s.sa[1], sb_k: s.sb[0], sb_n: s.sb[1], sc_m: s.sc[0], sc_n: s.sc[1],
      accumulate: s.accumulate ? 1 : 0, alpha: s.alpha ?? 1,
      b0: off(s.bOff, 0), b1: off(s.bOff, 1), b2: off(s.bOff, 2), c0: off(s.cOff, 0), c1: off(s.cOff, 1), c2: off(s.cOff, 2),
    }),
    tensors: bindTensors(LORA_MATMUL_BINDINGS.lora_matmul, s),
    workgroups: grid1d(Math.ceil(M / 4) * Math.ceil((G * R) / 4), constants.WG),
  });
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
