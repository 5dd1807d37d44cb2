// Token embedding (shaders/embedding.wgsl): the lookup of wte rows at the start of the model
// and its gradient. The gradient is a deterministic gather (no atomics) and can add onto a
// dwte that already holds the LM-head gradient when the embeddings are tied.

import code from '../../../shaders/embedding.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

/** Workgroup size of both kernels (WG in the shader). */
const WG = 64;

function checkDims(op: string, N: number, V: number, C: number): void {
  for (const [k, v] of Object.entries({ N, V, C })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${k} must be a positive integer, got ${v}`);
  }
}

function checkTokens(op: string, tokens: GpuTensor, N: number): void {
  expectNumel(op, 'tokens', tokens, N);
  if (tokens.dtype !== 'i32') throw new Error(`${op}: tokens must be i32, got ${tokens.dtype}`);
}

/** out (N, C) = wte (V, C)[tokens (N)]; a token outside [0, V) gives a zero row. */
export async function embedding_forward(
  ctx: KernelContext,
  o: { tokens: GpuTensor; wte: GpuTensor; out: GpuTensor; N: number; V: number; C: number },
): Promise<Dispatch> {
  const op = 'embedding_forward';
  const { N, V, C } = o;
  checkDims(op, N, V, C);
  checkTokens(op, o.tokens, N);
  expectNumel(op, 'wte', o.wte, V * C);
  expectNumel(op, 'out', o.out, N * C);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    uniform: [['u32', N], ['u32', V], ['u32', C], ['u32', 0]],
    tensors: [o.tokens, o.wte, o.out],
    workgroups: grid1d(N * C, WG),
  });
}

/**
 * dwte (V, C) = Σ over rows n with tokens[n] = v of dout (N, C)[n], in order of n; with
 * `accumulate` the rows are added onto dwte instead of onto zero. Tokens outside [0, V)
 * contribute nothing.
 */
export async function embedding_backward(
  ctx: KernelContext,
  o: { tokens: GpuTensor; dout: GpuTensor; dwte: GpuTensor; N: number; V: number; C: number; accumulate?: boolean },
): Promise<Dispatch> {
  const op = 'embedding_backward';
  const { N, V, C } = o;
  checkDims(op, N, V, C);
  checkTokens(op, o.tokens, N);
  expectNumel(op, 'dout', o.dout, N * C);
  expectNumel(op, 'dwte', o.dwte, V * C);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    uniform: [['u32', N], ['u32', V], ['u32', C], ['u32', o.accumulate ? 1 : 0]],
    tensors: [o.tokens, o.dout, o.dwte],
    workgroups: grid1d(V, WG), // one thread per dwte row
  });
}
