// Token embedding (shaders/embedding.wgsl): the lookup of wte rows at the start of the model
// and its gradient. The gradient is a deterministic gather (no atomics) and can add onto a
// dwte that already holds the LM-head gradient when the embeddings are tied.

import code from '../../../shaders/embedding.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

/** Override constants of embedding.wgsl: threads per workgroup, also the divisor of the dispatches. */
export const EMBEDDING_CONSTANTS = { WG: 64 } as const;

/** `Params` of embedding.wgsl, in field order. */
export const EMBEDDING_PARAMS = { N: 'u32', V: 'u32', C: 'u32', accumulate: 'u32' } as const;

/** Storage bindings of each entry point in binding order: host name → WGSL variable. */
export const EMBEDDING_BINDINGS = {
  embedding_forward: { tokens: 'f_tokens', wte: 'f_wte', out: 'f_out' },
  embedding_backward: { tokens: 'b_tokens', dout: 'b_dout', dwte: 'b_dwte' },
} as const;

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
  const constants = kernelConstants(ctx, 'embedding', EMBEDDING_CONSTANTS);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    constants,
    uniform: packUniform(EMBEDDING_PARAMS, { N, V, C, accumulate: 0 }),
    tensors: bindTensors(EMBEDDING_BINDINGS.embedding_forward, o),
    workgroups: grid1d(N * C, constants.WG),
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
  const constants = kernelConstants(ctx, 'embedding', EMBEDDING_CONSTANTS);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    constants,
    uniform: packUniform(EMBEDDING_PARAMS, { N, V, C, accumulate: o.accumulate ? 1 : 0 }),
    tensors: bindTensors(EMBEDDING_BINDINGS.embedding_backward, o),
    workgroups: grid1d(V, constants.WG), // one thread per dwte row
  });
}
