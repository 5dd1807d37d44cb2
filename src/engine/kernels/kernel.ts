// The shared shape of every kernel module: a kernel is *prepared* once (pipeline from the
// cache, uniform buffer with its shapes, bind group) into a Dispatch, and a Dispatch is
// *recorded* into a compute pass as often as needed, with no allocation at record time.

import { bindingOf, BufferPool, numel, STORAGE, type GpuTensor } from '../gpu/buffers';
import { PipelineCache } from '../gpu/pipelines';
import type { Autotuner } from './autotune';

/** Which implementation of a kernel to use; 'auto' (the default) lets the autotuner choose. */
export interface KernelVariants {
  matmul?: 'register' | 'tiled' | 'auto';
  /** Attention: 'thread' (one thread per query row) or 'workgroup' (one workgroup per query row). */
  attention?: 'thread' | 'workgroup' | 'auto';
  /** Row reductions (RMSNorm, cross-entropy): 'thread' (one thread per row) or 'workgroup' (one workgroup per row). */
  rows?: 'thread' | 'workgroup' | 'auto';
}

export interface KernelContext {
  device: GPUDevice;
  pipelines: PipelineCache;
  pool: BufferPool;
  /** Forced kernel variants (a setting); absent fields mean 'auto'. */
  variants?: KernelVariants;
  /** Chooses variants under 'auto' for this adapter; without one, each kernel uses a per-device default. */
  autotune?: Autotuner;
  /**
   * Override constants that replace a kernel module's defaults, keyed by kernel (e.g. { rmsnorm: { WG: 32 } }):
   * tests prove host and shader agree at other sizes, and tuning can pick sizes per device (see contract.ts).
   */
  overrides?: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export function createKernelContext(device: GPUDevice): KernelContext {
  return { device, pipelines: new PipelineCache(device), pool: new BufferPool(device) };
}

export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  /** Buffers created for this dispatch alone (its uniform); free them with releaseDispatches. */
  owned: GPUBuffer[];
}

/** Destroys the buffers that prepared dispatches own (when their run goes away). */
export function releaseDispatches(dispatches: readonly Dispatch[]): void {
  for (const d of dispatches) for (const b of d.owned) b.destroy();
}

export type UniformField = ['u32' | 'i32' | 'f32', number];

/** 4-byte words of a struct of `fields` fields padded to 16 bytes (at least one row), as createUniform sizes it. */
export function structWords(fields: number): number {
  return Math.max(4, Math.ceil(fields / 4) * 4);
}

/** Packs 4-byte fields, little-endian, into structWords(fields.length) words; the padding is 0. */
export function packFields(fields: UniformField[]): ArrayBuffer {
  const data = new ArrayBuffer(structWords(fields.length) * 4);
  const dv = new DataView(data);
  fields.forEach(([type, v], i) => {
    if (type === 'f32') dv.setFloat32(i * 4, v, true);
    else if (type === 'i32') dv.setInt32(i * 4, v, true);
    else dv.setUint32(i * 4, v >>> 0, true);
  });
  return data;
}

/** Packs uniform fields (4 bytes each) into a 16-byte-aligned uniform buffer. */
export function createUniform(ctx: KernelContext, label: string, fields: UniformField[]): GPUBuffer {
  const data = packFields(fields);
  const buf = ctx.device.createBuffer({ label: `uniform:${label}`, size: data.byteLength, usage: STORAGE.uniform });
  ctx.device.queue.writeBuffer(buf, 0, data);
  return buf;
}

export interface PrepareArgs {
  label: string;
  code: string;
  entryPoint: string;
  constants?: Record<string, number>;
  /** Uniform fields bound at @binding(0); omit for kernels without a uniform. */
  uniform?: UniformField[];
  /** Tensors bound in order at @binding(1), @binding(2), ... (or from 0 without a uniform). */
  tensors: GpuTensor[];
  workgroups: [number, number?, number?];
}

export async function prepare(ctx: KernelContext, args: PrepareArgs): Promise<Dispatch> {
  const pipeline = await ctx.pipelines.get({
    label: args.label,
    code: args.code,
    entryPoint: args.entryPoint,
    constants: args.constants,
  });
  const entries: GPUBindGroupEntry[] = [];
  const owned: GPUBuffer[] = [];
  let binding = 0;
  if (args.uniform) {
    const buffer = createUniform(ctx, args.label, args.uniform);
    owned.push(buffer);
    entries.push({ binding: binding++, resource: { buffer } });
  }
  for (const t of args.tensors) entries.push({ binding: binding++, resource: bindingOf(t) });
  const bindGroup = ctx.device.createBindGroup({
    label: args.label,
    layout: pipeline.getBindGroupLayout(0),
    entries,
  });
  const [x, y = 1, z = 1] = args.workgroups;
  const maxDim = ctx.device.limits.maxComputeWorkgroupsPerDimension;
  if (x > maxDim || y > maxDim || z > maxDim) {
    throw new Error(`${args.label}: dispatch (${x}, ${y}, ${z}) exceeds maxComputeWorkgroupsPerDimension ${maxDim}`);
  }
  return { label: args.label, pipeline, bindGroup, workgroups: [Math.max(1, x), Math.max(1, y), Math.max(1, z)], owned };
}

/** Records dispatches into an open compute pass. */
export function record(pass: GPUComputePassEncoder, dispatches: readonly Dispatch[]): void {
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.workgroups[0], d.workgroups[1], d.workgroups[2]);
  }
}

/** Encodes the dispatches in one pass and submits them (tests and one-off work). */
export function run(ctx: KernelContext, dispatches: readonly Dispatch[]): void {
  const enc = ctx.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  record(pass, dispatches);
  pass.end();
  ctx.device.queue.submit([enc.finish()]);
}

/**
 * Workgroup grid for `total` independent items with `perGroup` items per workgroup, folded
 * into two dimensions when it exceeds the per-dimension limit. Shaders recover the linear
 * index as `gid.x + gid.y * num_workgroups.x * WG` (see flat_index in the shaders).
 */
export function grid1d(total: number, perGroup: number, maxDim = 65535): [number, number, number] {
  const groups = Math.max(1, Math.ceil(total / perGroup));
  if (groups <= maxDim) return [groups, 1, 1];
  const y = Math.ceil(groups / maxDim);
  return [Math.ceil(groups / y), y, 1];
}

/** Throws when a tensor does not hold exactly `expected` elements. */
export function expectNumel(op: string, name: string, t: GpuTensor, expected: number): void {
  const n = numel(t.shape);
  if (n !== expected) throw new Error(`${op}: ${name} has ${n} elements [${t.shape}], expected ${expected}`);
}
