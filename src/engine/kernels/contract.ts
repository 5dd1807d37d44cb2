// The host side of the contracts between a kernel module and its shader, written once per
// kernel so nothing is kept in sync by hand:
//   - sizes: the shader declares them as `override` constants without defaults; the module's
//     one constants object feeds both the pipeline constants and the dispatch counts, and
//     WebGPU rejects a pipeline whose host and shader disagree on the names;
//   - uniforms: the fields of the shader's `struct Params`, by name and type in WGSL order,
//     from which the values are packed by name;
//   - bindings: per entry point, the WGSL variables in binding order, bound by name.
// contracts.test.ts parses every shader and checks each description against it.

import type { GpuTensor } from '../gpu/buffers';
import { structWords, type KernelContext, type UniformField } from './kernel';

export type ScalarType = UniformField[0];

/**
 * A uniform struct: field name → WGSL scalar type, in the struct's field order (object keys
 * keep insertion order as long as none looks like an integer). Trailing `_pad` fields of the
 * WGSL struct are left out: createUniform pads the buffer to 16 bytes.
 */
export type UniformStruct = Readonly<Record<string, ScalarType>>;

/** The field values of a uniform struct, one number per field name. */
export type UniformValues<S extends UniformStruct> = { readonly [K in keyof S]: number };

/** Packs `values` in the order of `struct`'s fields, with the types it declares. */
export function packUniform<S extends UniformStruct>(struct: S, values: UniformValues<S>): UniformField[] {
  const fields = Object.keys(struct);
  for (const k of Object.keys(values)) {
    if (!(k in struct)) throw new Error(`uniform: ${k} is not a field of (${fields.join(', ')})`);
  }
  return fields.map((k) => {
    const v = values[k as keyof S];
    if (typeof v !== 'number') throw new Error(`uniform: no value for field ${k}`);
    return [struct[k]!, v];
  });
}

/** Bytes of the uniform buffer createUniform makes for `struct` (4-byte fields, padded to 16 bytes). */
export function uniformBytes(struct: UniformStruct): number {
  return structWords(Object.keys(struct).length) * 4;
}

/** Override constants of one kernel module's shader: sizes, all positive integers. */
export type KernelConstants = Readonly<Record<string, number>>;

/**
 * The override constants a kernel's pipelines get: the module's defaults, replaced field by
 * field by ctx.overrides[kernel]. The kernel computes its dispatch counts from the returned
 * object, the same one it passes as the pipeline constants. A `WG` (threads per workgroup)
 * is checked against the device's limits.
 */
export function kernelConstants<C extends KernelConstants>(ctx: KernelContext, kernel: string, defaults: C): C {
  const given = ctx.overrides?.[kernel] ?? {};
  for (const [k, v] of Object.entries(given)) {
    if (!(k in defaults)) throw new Error(`${kernel}: unknown override constant ${k} (has ${Object.keys(defaults).join(', ')})`);
    if (!Number.isInteger(v) || v < 1) throw new Error(`${kernel}: override constant ${k} must be a positive integer, got ${v}`);
  }
  const constants = { ...defaults, ...given };
  if ('WG' in constants) checkWorkgroupSize(ctx, kernel, constants.WG);
  return constants;
}

/**
 * Throws unless `threads` fits one workgroup on this device, so a bad size fails here with
 * its name rather than as a pipeline error (which Node reports only as an uncaptured error).
 */
export function checkWorkgroupSize(ctx: KernelContext, kernel: string, threads: number, powerOfTwo = false): void {
  const { maxComputeInvocationsPerWorkgroup: maxInv, maxComputeWorkgroupSizeX: maxX } = ctx.device.limits;
  if (!Number.isInteger(threads) || threads < 1 || threads > Math.min(maxInv, maxX)) {
    throw new Error(`${kernel}: workgroup size ${threads} must be an integer in [1, ${Math.min(maxInv, maxX)}]`);
  }
  if (powerOfTwo && (threads & (threads - 1)) !== 0) {
    throw new Error(`${kernel}: workgroup size ${threads} must be a power of two (tree reduction)`);
  }
}

/**
 * One entry point's storage bindings in binding order (from @binding(1), after the uniform):
 * host name → the WGSL variable it binds. The host passes tensors by host name;
 * contracts.test.ts checks each variable's binding number and that the entry point uses
 * exactly these variables.
 */
export type BindingList = Readonly<Record<string, string>>;

/**
 * The tensors for `bindings`, in binding order, picked by host name from `tensors` (a kernel's
 * argument object may be passed whole: other fields are ignored).
 */
export function bindTensors<B extends BindingList>(bindings: B, tensors: { readonly [K in keyof B]: GpuTensor }): GpuTensor[] {
  return Object.keys(bindings).map((k) => {
    const t = tensors[k as keyof B];
    if (!t) throw new Error(`bindings: no tensor for ${k}`);
    return t;
  });
}
