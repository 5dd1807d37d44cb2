// The one-node ONNX model the onnxruntime-web peer runs: Y (M, N) = MatMul(A (M, K), B (K, N)),
// written with the export's protobuf encoder (export/onnx-graph.ts). The operands are graph
// inputs, or initializers when given (then the graph has no inputs: ORT uploads them once, and
// each run computes only the product, as the engine's timed kernels do).
// Each form of a linear layer is this product at its own (M, K, N), with the transposed operand
// supplied already transposed (as an exporter stores a weight): ONNX MatMul has no transpose flags.

import { encodeModel, GraphBuilder, ONNX_FLOAT } from '../../export/onnx-graph';
import { ONNX_OPSET } from '../../export/onnx';
import type { MatmulSpec } from './types';

export function matmulModel(M: number, K: number, N: number, operands?: { A: Float32Array; B: Float32Array }): Uint8Array {
  const g = new GraphBuilder();
  const a = operands ? g.floatInit('A', [M, K], operands.A) : g.fresh('A');
  const b = operands ? g.floatInit('B', [K, N], operands.B) : g.fresh('B');
  const y = g.op('MatMul', [a, b], {}, 'Y');
  return encodeModel(g, {
    name: `matmul_${M}x${K}x${N}`, opset: ONNX_OPSET, doc: 'One MatMul node (LoRA Lab benchmark peer)', metadata: {},
    inputs: operands ? [] : [{ name: a, elemType: ONNX_FLOAT, dims: [M, K] }, { name: b, elemType: ONNX_FLOAT, dims: [K, N] }],
    outputs: [{ name: y, elemType: ONNX_FLOAT, dims: [M, N] }],
  });
}

/** (M, K, N) of a form: forward x·Wᵀ (rows, in, out), backward_input dy·W (rows, out, in), backward_weight dyᵀ·x (out, rows, in). */
export function formMkn(s: MatmulSpec): [number, number, number] {
  if (s.form === 'forward') return [s.rows, s.inDim, s.outDim];
  if (s.form === 'backward_input') return [s.rows, s.outDim, s.inDim];
  return [s.outDim, s.rows, s.inDim];
}

/** Row-major transpose of a (r, c) matrix. */
export function transpose(m: Float32Array, r: number, c: number): Float32Array {
  const t = new Float32Array(r * c); // (c, r)
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = m[i * c + j];
  return t;
}
