// AdamW over the one flat parameter buffer (shaders/adamw.wgsl): a single dispatch per step.
// The per-step scalars (learning rate, bias corrections) go into a small `hyper` storage
// buffer written with queue.writeBuffer before the step's submit, and the clip factor and
// bad-step flag are read from grad_norm_clip's `stats`, so the dispatch is prepared once.

import code from '../../../shaders/adamw.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform, type UniformStruct } from './contract';
import { expectNumel, grid1d, packFields, prepare, structWords, type Dispatch, type KernelContext } from './kernel';

/** Override constants of adamw.wgsl: threads per workgroup, also the divisor of the dispatch. */
export const ADAMW_CONSTANTS = { WG: 256 } as const;

/** `Params` of adamw.wgsl, in field order. */
export const ADAMW_PARAMS = { n: 'u32' } as const;

/**
 * `Hyper` of adamw.wgsl, in field order: the storage struct bound as `hyper`, rewritten every
 * step (bias1 = 1 − β1^t, bias2 = 1 − β2^t).
 */
export const ADAMW_HYPER = {
  lr: 'f32', beta1: 'f32', beta2: 'f32', eps: 'f32', weightDecay: 'f32', bias1: 'f32', bias2: 'f32',
} as const satisfies UniformStruct;

/** Elements of the `hyper` tensor: ADAMW_HYPER padded to 16 bytes. */
export const ADAMW_HYPER_WORDS = structWords(Object.keys(ADAMW_HYPER).length);

/** Storage bindings of adamw_step in binding order: host name → WGSL variable. */
export const ADAMW_BINDINGS = {
  adamw_step: { params: 'params', grads: 'grads', m: 'm', v: 'v', hyper: 'hyper', stats: 'stats' },
} as const;

export interface AdamwStepArgs {
  params: GpuTensor; // (n)
  grads: GpuTensor; // (n)
  m: GpuTensor; // (n) first moment
  v: GpuTensor; // (n) second moment
  n: number;
  hyper: GpuTensor; // (ADAMW_HYPER_WORDS) f32, the struct ADAMW_HYPER, see writeAdamwHyper
  stats: GpuTensor; // (4) f32 from grad_norm_clip: [norm, gradScale, bad, 0]
}

export interface AdamwHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count t. */
  step: number;
}

/** Updates params, m and v in place; skipped entirely when stats[2] != 0 (bad step). */
export async function adamw_step(ctx: KernelContext, args: AdamwStepArgs): Promise<Dispatch> {
  const { params, grads, m, v, n, hyper, stats } = args;
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32) {
    throw new Error(`adamw_step: n ${n} must be an integer in [0, 2^32)`);
  }
  expectNumel('adamw_step', 'params', params, n);
  expectNumel('adamw_step', 'grads', grads, n);
  expectNumel('adamw_step', 'm', m, n);
  expectNumel('adamw_step', 'v', v, n);
  expectNumel('adamw_step', 'hyper', hyper, ADAMW_HYPER_WORDS);
  expectNumel('adamw_step', 'stats', stats, 4);
  const constants = kernelConstants(ctx, 'adamw', ADAMW_CONSTANTS);
  return prepare(ctx, {
    label: 'adamw_step',
    code,
    entryPoint: 'adamw_step',
    constants,
    uniform: packUniform(ADAMW_PARAMS, { n }),
    tensors: bindTensors(ADAMW_BINDINGS.adamw_step, { params, grads, m, v, hyper, stats }),
    workgroups: grid1d(n, constants.WG),
  });
}

/**
 * Packs the step's ADAMW_HYPER into `hyper`, by field name. The bias corrections are computed
 * in float64 first: in f32, 1 − 0.999^t loses most of its digits for small t.
 */
export function writeAdamwHyper(device: GPUDevice, hyper: GpuTensor, h: AdamwHyper): void {
  expectNumel('writeAdamwHyper', 'hyper', hyper, ADAMW_HYPER_WORDS);
  if (!(Number.isInteger(h.step) && h.step >= 1)) {
    throw new RangeError(`writeAdamwHyper: step ${h.step} must be an integer >= 1 (1-based)`);
  }
  const data = packFields(packUniform(ADAMW_HYPER, {
    lr: h.lr,
    beta1: h.beta1,
    beta2: h.beta2,
    eps: h.eps,
    weightDecay: h.weightDecay,
    bias1: 1 - Math.pow(h.beta1, h.step),
    bias2: 1 - Math.pow(h.beta2, h.step),
  }));
  device.queue.writeBuffer(hyper.buffer, hyper.offset, data);
}
