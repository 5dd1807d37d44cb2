// How a kernel with several implementations picks one: a setting (ctx.variants or an env var
// in Node) forces a variant; otherwise the autotuner times the variants per adapter and shape
// class, except where timing cannot pay (problems too small to time, or a CPU emulator, where
// the variants written for real GPUs are known to lose and compile slowly). Shared by matmul,
// attention and the row reductions so their settings behave the same way.

import { adapterKey, Autotuner, type Candidate } from './autotune';
import type { KernelContext } from './kernel';

/** Adapters that are CPU emulators: 'auto' takes the fallback there without timing. */
export const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe/i;

const DEFAULT_TUNERS = new WeakMap<GPUDevice, Autotuner>();

/** ctx.autotune, or one in-memory autotuner per device keyed by what the device says of its adapter. */
export function tunerFor(ctx: KernelContext): Autotuner {
  if (ctx.autotune) return ctx.autotune;
  let t = DEFAULT_TUNERS.get(ctx.device);
  if (!t) {
    const info = (ctx.device as { adapterInfo?: GPUAdapterInfo }).adapterInfo ?? {};
    t = new Autotuner({ adapterKey: adapterKey(info) });
    DEFAULT_TUNERS.set(ctx.device, t);
  }
  return t;
}

/** A variant setting from the environment (Node: tests, CLIs); undefined when unset. Throws on an unknown name. */
export function envVariant<V extends string>(name: string, variants: readonly V[]): V | 'auto' | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.[name];
  if (v === undefined || v === '') return undefined;
  if (v === 'auto' || (variants as readonly string[]).includes(v)) return v as V | 'auto';
  throw new Error(`${name}=${v}: expected one of auto, ${variants.join(', ')}`);
}

export interface ResolveVariantArgs<V extends string> {
  /** Autotune cache name of the kernel (e.g. 'matmul', 'attention'). */
  kernel: string;
  /** ctx.variants' field for this kernel. */
  setting: V | 'auto' | undefined;
  /** Env var consulted when the ctx has no setting (e.g. LORA_LAB_MATMUL_VARIANT). */
  env: string;
  variants: readonly V[];
  /** What 'auto' takes without timing: small problems and CPU emulators. */
  fallback: V;
  shapeClass: string;
  /** Work of this problem (multiply-adds or elements) and the least worth timing. */
  work: number;
  minWork: number;
  /** Timers over scratch buffers of this shape; called only when a timing is needed. */
  candidates: () => Candidate<V>[];
}

/** The variant to run: forced by ctx or env, else the fallback or the autotuner's choice. */
export async function resolveVariant<V extends string>(ctx: KernelContext, a: ResolveVariantArgs<V>): Promise<V> {
  const setting = a.setting ?? envVariant(a.env, a.variants) ?? 'auto';
  if (setting !== 'auto') return setting;
  if (a.work < a.minWork) return a.fallback;
  const tuner = tunerFor(ctx);
  if (SOFTWARE_ADAPTER.test(tuner.adapterKey)) return a.fallback;
  return tuner.choose(a.kernel, a.shapeClass, a.variants, a.candidates);
}
