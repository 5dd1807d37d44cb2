// The one-node MatMul model through an independent runtime: onnxruntime-web's wasm execution
// provider in Node gives the hand-computed product, with the operands as graph inputs and as
// initializers; and each form's (M, K, N) and operand layout give the linear layer's product.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../export/onnx-graph';
import { formMkn, matmulModel, transpose } from './onnx-matmul';

ort.env.wasm.numThreads = 1;

// A (2, 3) · B (3, 2) by hand: [[1,2,3],[4,5,6]] · [[1,0],[0,1],[2,-1]] = [[7,-1],[16,-1]].
const A = Float32Array.from([1, 2, 3, 4, 5, 6]);
const B = Float32Array.from([1, 0, 0, 1, 2, -1]);
const AB = [7, -1, 16, -1];

async function run(bytes: Uint8Array, feeds: Record<string, import('onnxruntime-web').Tensor>): Promise<number[]> {
  const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'disabled' });
  try {
    const out = await s.run(feeds);
    return Array.from((await out[s.outputNames[0]].getData()) as Float32Array);
  } finally {
    await s.release();
  }
}

describe('one-node MatMul model', () => {
  it('is one MatMul node with the declared shapes', () => {
    const m = decodeModel(matmulModel(2, 3, 4));
    expect(m.graph!.node!.map((n) => n.opType)).toEqual(['MatMul']);
    expect(m.graph!.input!.map((i) => i.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue)))).toEqual([[2, 3], [3, 4]]);
    expect(m.graph!.output![0].type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue))).toEqual([2, 4]);
  });
  it('computes the product in onnxruntime-web from inputs', async () => {
    expect(await run(matmulModel(2, 3, 2), { A: new ort.Tensor('float32', A, [2, 3]), B: new ort.Tensor('float32', B, [3, 2]) })).toEqual(AB);
  });
  it('computes the product from initializers, with no inputs', async () => {
    const bytes = matmulModel(2, 3, 2, { A, B });
    expect(decodeModel(bytes).graph!.input).toHaveLength(0);
    expect(await run(bytes, {})).toEqual(AB);
  });
});

describe('linear-layer forms as MatMul', () => {
  it('maps each form to (M, K, N)', () => {
    expect(formMkn({ form: 'forward', rows: 5, inDim: 3, outDim: 2 })).toEqual([5, 3, 2]);
    expect(formMkn({ form: 'backward_input', rows: 5, inDim: 3, outDim: 2 })).toEqual([5, 2, 3]);
    expect(formMkn({ form: 'backward_weight', rows: 5, inDim: 3, outDim: 2 })).toEqual([2, 5, 3]);
  });
  it('transposes row-major matrices', () => {
    expect(Array.from(transpose(A, 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
