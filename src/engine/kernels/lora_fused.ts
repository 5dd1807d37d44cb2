// A base projection fused with its adapter's low-rank path (shaders/lora_fused.wgsl):
// y = x·Wᵀ + scale·u·Bᵀ as one matmul concatenated along K, for devices where matmul.ts's
// register variant runs (the fused shader has its thread layout and summation order).

import code from '../../../shaders/lora_fused.wgsl?raw';
import { numel, type GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform, type UniformStruct } from './contract';
import { expectNumel, prepare, type Dispatch, type KernelContext } from './kernel';

/** Override constants of lora_fused.wgsl: each thread computes 4×4 outputs, so a workgroup covers (4·WG_Y) × (4·WG_X). */
export const LORA_FUSED_CONSTANTS = { WG_X: 8, WG_Y: 8 } as const;

/** `Params` of lora_fused.wgsl, in field order. */
export const LORA_FUSED_PARAMS = {
  M: 'u32', N: 'u32', K1: 'u32', K2: 'u32', sa1_m: 'u32', sa1_k: 'u32', sb1_k: 'u32', sb1_n: 'u32',
  sa2_m: 'u32', sa2_k: 'u32', sb2_k: 'u32', sb2_n: 'u32', accumulate: 'u32', alpha2: 'f32',
} as const satisfies UniformStruct;

/** Storage bindings of lora_fused_forward in binding order: host name → WGSL variable. */
export const LORA_FUSED_BINDINGS = { lora_fused_forward: { x: 'a1', w: 'b1', u: 'a2', B: 'b2', y: 'c' } } as const;

/** y (N, out) = x (N, in) · Wᵀ + scale · u (N, r) · Bᵀ, with W (out, in) and B (out, r). */
export async function lora_fused_forward(
  ctx: KernelContext,
  o: { x: GpuTensor; w: GpuTensor; u: GpuTensor; B: GpuTensor; y: GpuTensor; rows: number; inDim: number; outDim: number; rank: number; scale: number },
): Promise<Dispatch> {
  const op = 'lora_fused_forward';
  const { rows: M, inDim, outDim: N, rank } = o;
  // Every address the shader forms must lie inside its binding (WebGPU would clamp silently).
  const check = (name: string, t: GpuTensor, elements: number) => {
    if (elements > numel(t.shape)) throw new Error(`${op}: ${name} [${t.shape}] too small (reads ${elements} elements)`);
  };
  check('x', o.x, M * inDim);
  check('w', o.w, N * inDim);
  check('u', o.u, M * rank);
  check('B', o.B, N * rank);
  expectNumel(op, 'y', o.y, M * N);
  const constants = kernelConstants(ctx, 'lora_fused', LORA_FUSED_CONSTANTS);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    constants,
    // a1 = x (M, in), b1 = Wᵀ (in, N) read from W (out, in); a2 = u (M, r), b2 = Bᵀ (r, N) from B (out, r).
    uniform: packUniform(LORA_FUSED_PARAMS, {
      M, N, K1: inDim, K2: rank, sa1_m: inDim, sa1_k: 1, sb1_k: 1, sb1_n: inDim,
      sa2_m: rank, sa2_k: 1, sb2_k: 1, sb2_n: rank, accumulate: 0, alpha2: o.scale,
    }),
    tensors: bindTensors(LORA_FUSED_BINDINGS.lora_fused_forward, o),
    workgroups: [Math.ceil(N / (4 * constants.WG_X)), Math.ceil(M / (4 * constants.WG_Y))],
  });
}
