// Causal grouped-query softmax attention (shaders/attention.wgsl): the forward saves the
// softmax probabilities `att` for the backward; the backward writes dq, dk, dv without
// atomics (dk/dv are summed over the queries and the heads of a kv group in a fixed order).
// `datt` is backward scratch: it receives dS = att·(dP − Σ att·dP), the gradient w.r.t. the
// scaled scores q·kᵀ/sqrt(D) that feed the softmax (zero above the diagonal).
// attention_forward_only (shaders/attention_fwd_only.wgsl) is the evaluation forward: the same
// out with an online softmax and no att buffer.
// Two variants share the uniform and the bindings (one description packs both):
//   'thread' (attention.wgsl, attention_fwd_only.wgsl): one thread per query row, no workgroup
//            memory; what SwiftShader runs fastest.
//   'workgroup' (attention_wg.wgsl): one workgroup per query row, keys split over its threads,
//            tree reductions in workgroup memory, and one workgroup per key for dk/dv;
//            written for real GPUs.
// ctx.variants.attention (or LORA_LAB_ATTENTION_VARIANT in Node) forces one; 'auto' asks the
// autotuner per adapter and shape class, except for small problems and CPU emulators ('thread').

import code from '../../../shaders/attention.wgsl?raw';
import fwdOnlyCode from '../../../shaders/attention_fwd_only.wgsl?raw';
import wgCode from '../../../shaders/attention_wg.wgsl?raw';
import { allocTensor, type GpuTensor } from '../gpu/buffers';
import { sizeBucket, type Candidate } from './autotune';
import { bindTensors, checkWorkgroupSize, kernelConstants, packUniform, type KernelConstants } from './contract';
import { expectNumel, grid1d, prepare, record, type Dispatch, type KernelContext, type UniformField } from './kernel';
import { resolveVariant } from './variant';

/** Override constants of attention.wgsl: threads per workgroup, also the divisor of the dispatches. */
export const ATTENTION_CONSTANTS = { WG: 64 } as const;

export const ATTENTION_VARIANTS = ['thread', 'workgroup'] as const;
export type AttentionVariant = (typeof ATTENTION_VARIANTS)[number];
export type AttentionVariantSetting = AttentionVariant | 'auto';

/**
 * Default override constants per variant, the single source of the workgroup sizes, which
 * ctx.overrides[ATTENTION_KERNEL[variant]] may replace. 'workgroup': threads per query row, a
 * power of two (tree reductions), also the key chunk of attention_forward_only.
 */
export const ATTENTION_VARIANT_CONSTANTS = {
  thread: ATTENTION_CONSTANTS,
  workgroup: { WG: 64 },
} as const satisfies Record<AttentionVariant, KernelConstants>;

/** The kernel names under which ctx.overrides replaces each variant's constants. */
export const ATTENTION_KERNEL: Record<AttentionVariant, string> = { thread: 'attention', workgroup: 'attention_wg' };

/** `Params` of attention.wgsl, in field order. */
export const ATTENTION_PARAMS = { B: 'u32', T: 'u32', H: 'u32', Hkv: 'u32', D: 'u32', scale: 'f32' } as const;

/** Storage bindings of each entry point in binding order: host name → WGSL variable. */
export const ATTENTION_BINDINGS = {
  attention_forward: { q: 'q', k: 'k', v: 'v', out: 'out', att: 'att' },
  attention_backward: { dout: 'b_dout', k: 'b_k', v: 'b_v', att: 'b_att', datt: 'b_datt', dq: 'b_dq' },
  attention_backward_dkv: { q: 'c_q', dout: 'c_dout', att: 'c_att', datt: 'c_datt', dk: 'c_dk', dv: 'c_dv' },
} as const;

/** Storage bindings of attention_fwd_only.wgsl (evaluation forward without att). */
export const ATTENTION_FWD_ONLY_BINDINGS = {
  attention_forward_only: { q: 'q', k: 'k', v: 'v', out: 'out' },
} as const;

/** Storage bindings of attention_wg.wgsl: the same entry-point names and lists as the 'thread' shaders. */
export const ATTENTION_WG_BINDINGS = {
  ...ATTENTION_BINDINGS,
  attention_forward_only: ATTENTION_FWD_ONLY_BINDINGS.attention_forward_only,
} as const;

/** Keys × columns one attention_backward_dkv thread owns: its four vec4 accumulators of each kind. */
const DKV_KEYS = 4;
const DKV_COLS = 4;

export interface AttentionShape {
  B: number;
  T: number;
  H: number;
  Hkv: number;
  D: number;
}

export interface AttentionForwardArgs extends AttentionShape {
  q: GpuTensor; // (B, T, H, D)
  k: GpuTensor; // (B, T, Hkv, D)
  v: GpuTensor; // (B, T, Hkv, D)
  out: GpuTensor; // (B, T, H, D)
  att: GpuTensor; // (B, H, T, T) softmax probabilities, saved for the backward
}

export interface AttentionBackwardArgs extends AttentionShape {
  dout: GpuTensor; // (B, T, H, D)
  q: GpuTensor; // (B, T, H, D)
  k: GpuTensor; // (B, T, Hkv, D)
  v: GpuTensor; // (B, T, Hkv, D)
  att: GpuTensor; // (B, H, T, T) from attention_forward
  datt: GpuTensor; // (B, H, T, T) scratch: dS, the gradient w.r.t. the softmax input
  dq: GpuTensor; // (B, T, H, D) overwritten
  dk: GpuTensor; // (B, T, Hkv, D) overwritten
  dv: GpuTensor; // (B, T, Hkv, D) overwritten
}

function checkShape(op: string, s: AttentionShape): void {
  for (const [name, n] of Object.entries({ B: s.B, T: s.T, H: s.H, Hkv: s.Hkv, D: s.D })) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${n}`);
  }
  if (s.H % s.Hkv !== 0) throw new Error(`${op}: H (${s.H}) must be a multiple of Hkv (${s.Hkv})`);
}

function uniform(s: AttentionShape): UniformField[] {
  return packUniform(ATTENTION_PARAMS, { B: s.B, T: s.T, H: s.H, Hkv: s.Hkv, D: s.D, scale: 1 / Math.sqrt(s.D) });
}

/** Below this many multiply-adds (B·H·T·T·D) attention is launch-bound on any device: 'auto' does not time it. */
export const ATTENTION_AUTOTUNE_MIN_WORK = 1 << 20;

/** The shape class a choice is cached under: power-of-two buckets of B·H, T and D. */
export function attentionShapeClass(s: Pick<AttentionShape, 'B' | 'H' | 'T' | 'D'>): string {
  return `bh${sizeBucket(s.B * s.H)}t${sizeBucket(s.T)}d${sizeBucket(s.D)}`;
}

/** The variant's constants (defaults or ctx.overrides), checked against the device's limits. */
function variantConstants(ctx: KernelContext, variant: AttentionVariant): { WG: number } {
  const kernel = ATTENTION_KERNEL[variant];
  const c = kernelConstants<KernelConstants>(ctx, kernel, ATTENTION_VARIANT_CONSTANTS[variant]) as { WG: number };
  if (variant === 'workgroup') {
    checkWorkgroupSize(ctx, kernel, c.WG, true);
    const bytes = c.WG * 24; // red and pk (f32) and red4 (vec4<f32>) per thread
    if (bytes > ctx.device.limits.maxComputeWorkgroupStorageSize) {
      throw new Error(`${kernel}: WG ${c.WG} needs ${bytes} bytes of workgroup memory, device offers ${ctx.device.limits.maxComputeWorkgroupStorageSize}`);
    }
  }
  return c;
}

type Entry = keyof typeof ATTENTION_WG_BINDINGS;

/**
 * Work items of an entry point: 'thread' gives each a thread, 'workgroup' a workgroup. Query
 * rows, except for dk/dv: keys (b, s, kv head) for 'workgroup', blocks of 4 keys × 4 columns
 * of (b, kv head) for 'thread'.
 */
function items(variant: AttentionVariant, entry: Entry, s: AttentionShape): number {
  if (entry !== 'attention_backward_dkv') return s.B * s.H * s.T;
  if (variant === 'workgroup') return s.B * s.T * s.Hkv;
  return s.B * Math.ceil(s.T / DKV_KEYS) * s.Hkv * Math.ceil(s.D / DKV_COLS);
}

/**
 * One entry point of a variant as a Dispatch; its tensors are picked from the kernel's
 * arguments `s` by the binding description both variants share (bindTensors throws on a missing one).
 */
async function prepareEntry(ctx: KernelContext, variant: AttentionVariant, entry: Entry, s: AttentionShape): Promise<Dispatch> {
  const constants = variantConstants(ctx, variant);
  const threadCode = entry === 'attention_forward_only' ? fwdOnlyCode : code;
  const n = items(variant, entry, s);
  return prepare(ctx, {
    label: variant === 'thread' ? entry : `${entry}[${variant}]`,
    code: variant === 'workgroup' ? wgCode : threadCode,
    entryPoint: entry,
    constants,
    uniform: uniform(s),
    tensors: bindTensors(ATTENTION_WG_BINDINGS[entry], s as never),
    workgroups: variant === 'workgroup' ? grid1d(n, 1) : grid1d(n, constants.WG),
  });
}

/** The backward's two dispatches: dS and dq per query row, then dk and dv from dS and att. */
async function backwardDispatches(ctx: KernelContext, variant: AttentionVariant, o: AttentionBackwardArgs): Promise<Dispatch[]> {
  return [await prepareEntry(ctx, variant, 'attention_backward', o), await prepareEntry(ctx, variant, 'attention_backward_dkv', o)];
}

/** A timer per variant of forward + backward on scratch tensors of this shape (never the caller's, which may hold live data). */
function timingCandidates(ctx: KernelContext, s: AttentionShape): Candidate<AttentionVariant>[] {
  const { B, T, H, Hkv, D } = s;
  const reps = Math.max(1, Math.min(20, Math.ceil(2 ** 24 / (B * H * T * T * D))));
  return ATTENTION_VARIANTS.map((variant) => ({
    variant,
    time: async () => {
      const a = (shape: number[], name: string) => allocTensor(ctx.pool, shape, `tune:${name}`);
      const t = {
        q: a([B, T, H, D], 'q'), k: a([B, T, Hkv, D], 'k'), v: a([B, T, Hkv, D], 'v'), out: a([B, T, H, D], 'out'),
        att: a([B, H, T, T], 'att'), dout: a([B, T, H, D], 'dout'), datt: a([B, H, T, T], 'datt'),
        dq: a([B, T, H, D], 'dq'), dk: a([B, T, Hkv, D], 'dk'), dv: a([B, T, Hkv, D], 'dv'),
      };
      const ds = [
        await prepareEntry(ctx, variant, 'attention_forward', { ...s, ...t }),
        ...(await backwardDispatches(ctx, variant, { ...s, ...t })),
      ];
      const enc = ctx.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      for (let i = 0; i < reps; i++) record(pass, ds);
      pass.end();
      const t0 = performance.now();
      ctx.device.queue.submit([enc.finish()]);
      await ctx.device.queue.onSubmittedWorkDone();
      const ms = (performance.now() - t0) / reps;
      for (const d of ds) for (const b of d.owned) b.destroy();
      for (const x of Object.values(t)) ctx.pool.release(x.buffer);
      return ms;
    },
  }));
}

/**
 * The variant attention runs with at this shape (one choice for the forward, the backward and
 * the forward-only, timed as forward + backward): forced by ctx.variants.attention or
 * LORA_LAB_ATTENTION_VARIANT, else the autotuner's choice; 'thread' for small problems and on
 * CPU emulators, where the barriers of the workgroup variant cost more than they share.
 */
export function resolveAttentionVariant(ctx: KernelContext, B: number, H: number, T: number, D: number, Hkv = H): Promise<AttentionVariant> {
  const s: AttentionShape = { B, T, H, Hkv, D };
  return resolveVariant(ctx, {
    kernel: 'attention', setting: ctx.variants?.attention, env: 'LORA_LAB_ATTENTION_VARIANT', variants: ATTENTION_VARIANTS,
    fallback: 'thread', shapeClass: attentionShapeClass(s), work: B * H * T * T * D, minWork: ATTENTION_AUTOTUNE_MIN_WORK,
    candidates: () => timingCandidates(ctx, s),
  });
}

/** out (B, T, H, D) = softmax(q·kᵀ/sqrt(D), causal) · v, and att (B, H, T, T) = the softmax. */
export async function attention_forward(ctx: KernelContext, o: AttentionForwardArgs): Promise<Dispatch[]> {
  const op = 'attention_forward';
  checkShape(op, o);
  const { B, T, H, Hkv, D } = o;
  expectNumel(op, 'q', o.q, B * T * H * D);
  expectNumel(op, 'k', o.k, B * T * Hkv * D);
  expectNumel(op, 'v', o.v, B * T * Hkv * D);
  expectNumel(op, 'out', o.out, B * T * H * D);
  expectNumel(op, 'att', o.att, B * H * T * T);
  const variant = await resolveAttentionVariant(ctx, B, H, T, D, Hkv);
  return [await prepareEntry(ctx, variant, op, o)];
}

/** attention_forward's inputs without att: for evaluation, where no backward follows. */
export type AttentionForwardOnlyArgs = Omit<AttentionForwardArgs, 'att'>;

/**
 * out (B, T, H, D) = softmax(q·kᵀ/sqrt(D), causal) · v like attention_forward, but the softmax
 * is computed online (shaders/attention_fwd_only.wgsl, or attention_wg.wgsl by key chunks) and
 * no (B, H, T, T) buffer is written or needed, so evaluation at long T does not allocate
 * B·H·T² floats. Same values as attention_forward up to float rounding (not bitwise).
 */
export async function attention_forward_only(ctx: KernelContext, o: AttentionForwardOnlyArgs): Promise<Dispatch[]> {
  const op = 'attention_forward_only';
  checkShape(op, o);
  const { B, T, H, Hkv, D } = o;
  expectNumel(op, 'q', o.q, B * T * H * D);
  expectNumel(op, 'k', o.k, B * T * Hkv * D);
  expectNumel(op, 'v', o.v, B * T * Hkv * D);
  expectNumel(op, 'out', o.out, B * T * H * D);
  const variant = await resolveAttentionVariant(ctx, B, H, T, D, Hkv);
  return [await prepareEntry(ctx, variant, op, o)];
}

/** dq, dk, dv (overwritten) from dout and the forward's att; datt is scratch. */
export async function attention_backward(ctx: KernelContext, o: AttentionBackwardArgs): Promise<Dispatch[]> {
  const op = 'attention_backward';
  checkShape(op, o);
  const { B, T, H, Hkv, D } = o;
  expectNumel(op, 'dout', o.dout, B * T * H * D);
  expectNumel(op, 'q', o.q, B * T * H * D);
  expectNumel(op, 'k', o.k, B * T * Hkv * D);
  expectNumel(op, 'v', o.v, B * T * Hkv * D);
  expectNumel(op, 'att', o.att, B * H * T * T);
  expectNumel(op, 'datt', o.datt, B * H * T * T);
  expectNumel(op, 'dq', o.dq, B * T * H * D);
  expectNumel(op, 'dk', o.dk, B * T * Hkv * D);
  expectNumel(op, 'dv', o.dv, B * T * Hkv * D);
  return backwardDispatches(ctx, await resolveAttentionVariant(ctx, B, H, T, D, Hkv), o);
}
