// tf.matMul as a benchmark peer: each form of a linear layer with transposeA/transposeB, on
// GPU-resident operands; a timed sample of `reps` products ends with one readback (of the last).

import type { BenchTarget } from '../../../engine/index';
import { loadTf, type Tf } from './tfjs-load';
import { formOperands, matmulInputs, type MatmulPeer, type MatmulSpec } from './types';

/** y = x·Wᵀ: matMul(x, w, false, true); dx = dy·W: matMul(dy, w); dW = dyᵀ·x: matMul(dy, x, true, false). */
function product(tf: Tf, s: MatmulSpec, t: Record<'x' | 'w' | 'dy', import('@tensorflow/tfjs-core').Tensor2D>) {
  const { a, b } = formOperands(s);
  return tf.matMul(t[a], t[b], s.form === 'backward_weight', s.form === 'forward');
}

function operands(tf: Tf, s: MatmulSpec) {
  const inp = matmulInputs(s);
  return {
    x: tf.tensor2d(inp.x, [s.rows, s.inDim]), // (rows, inDim)
    w: tf.tensor2d(inp.w, [s.outDim, s.inDim]), // (outDim, inDim)
    dy: tf.tensor2d(inp.dy, [s.rows, s.outDim]), // (rows, outDim)
  };
}

export async function tfMatmulPeer(device: GPUDevice): Promise<MatmulPeer> {
  const { tf, info } = await loadTf(device);
  return {
    info,
    async prepare(s): Promise<BenchTarget> {
      const t = operands(tf, s);
      return {
        label: `tf.matMul ${s.form} ${s.rows}×${s.inDim}×${s.outDim}`,
        flops: 2 * s.rows * s.inDim * s.outDim,
        bytes: 4 * (s.rows * s.inDim + s.outDim * s.inDim + s.rows * s.outDim),
        async submit(reps) {
          // Ends with a readback of the last product: it waits for every earlier dispatch on the queue.
          // (Submitting the backend's batch and awaiting onSubmittedWorkDone did not reliably wait under Dawn.)
          for (let i = 0; i < reps - 1; i++) product(tf, s, t).dispose();
          const y = product(tf, s, t);
          await y.data();
          y.dispose();
        },
        destroy() {
          tf.dispose(Object.values(t));
        },
      };
    },
    async compute(s) {
      const t = operands(tf, s);
      const y = product(tf, s, t);
      try {
        return (await y.data()) as Float32Array;
      } finally {
        tf.dispose([y, ...Object.values(t)]);
      }
    },
    dispose() {},
  };
}
