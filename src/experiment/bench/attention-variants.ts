// The suite's "attention variants" section (issue 10): each attention variant the engine has
// ('thread': one thread per query row, 'workgroup': one workgroup per query row) timed at the
// model's shapes for the training forward, the evaluation forward and the backward, with the
// variant forced, so the table shows what the autotuner would be choosing between on this
// adapter. Variants alternate within each (size, entry point).

import {
  allocTensor, ATTENTION_VARIANTS, attention_backward, attention_forward, attention_forward_only, MODEL_SIZES, releaseDispatches,
  runDispatches, writeTensor, type AttentionShape, type GpuTensor, type KernelContext,
} from '../../engine/index';
import type { BenchTarget } from '../../engine/index';
import type { AttentionBench } from './report';
import { STEP_BATCH, type SizeName } from './shapes';
import { invertSummary } from './stats';
import { timeTarget, type TimingOptions } from './timing';

type Entry = AttentionBench['entry'];
const ENTRIES: Entry[] = ['forward', 'forward_only', 'backward'];

/** Nominal FLOPs: 2 per multiply-add over the causal (query, key) pairs, two products forward, four backward. */
export function attentionFlops(s: AttentionShape, entry: Entry): number {
  const pairs = (s.B * s.H * s.T * (s.T + 1)) / 2;
  return (entry === 'backward' ? 8 : 4) * pairs * s.D;
}

/** The attention shape one training step of a size runs (its benchmark batch). */
export function attentionShape(size: SizeName): AttentionShape {
  const cfg = MODEL_SIZES[size];
  const [B, T] = STEP_BATCH[size];
  return { B, T, H: cfg.nHeads, Hkv: cfg.nKvHeads, D: cfg.dModel / cfg.nHeads };
}

function scratch(ctx: KernelContext, s: AttentionShape) {
  const { B, T, H, Hkv, D } = s;
  const t = (shape: number[], label: string): GpuTensor => {
    const x = allocTensor(ctx.pool, shape, `bench:${label}`);
    // Small non-zero values, as the matmul benchmark uses: zeros could take a fast path.
    writeTensor(ctx.device, x, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i % 13) - 6) * 0.01));
    return x;
  };
  return {
    q: t([B, T, H, D], 'q'), k: t([B, T, Hkv, D], 'k'), v: t([B, T, Hkv, D], 'v'), out: t([B, T, H, D], 'out'),
    att: t([B, H, T, T], 'att'), dout: t([B, T, H, D], 'dout'), datt: t([B, H, T, T], 'datt'),
    dq: t([B, T, H, D], 'dq'), dk: t([B, T, Hkv, D], 'dk'), dv: t([B, T, Hkv, D], 'dv'),
  };
}

async function target(ctx: KernelContext, s: AttentionShape, entry: Entry, x: ReturnType<typeof scratch>): Promise<BenchTarget> {
  const a = { ...s, ...x };
  const ds = entry === 'forward' ? await attention_forward(ctx, a) : entry === 'forward_only' ? await attention_forward_only(ctx, a) : await attention_backward(ctx, a);
  return {
    label: `attention ${entry}`,
    flops: attentionFlops(s, entry),
    bytes: 0,
    async submit(reps: number) {
      runDispatches(ctx, Array.from({ length: reps }, () => ds).flat());
      await ctx.device.queue.onSubmittedWorkDone();
    },
    destroy: () => releaseDispatches(ds),
  };
}

/** Every variant × entry point at each size; `peak` (GFLOP/s) turns the rates into fractions. */
export async function measureAttentionVariants(
  ctx: KernelContext, sizes: SizeName[], peak: number, timing: TimingOptions, log: (m: string) => void,
): Promise<AttentionBench[]> {
  const rows: AttentionBench[] = [];
  for (const size of sizes) {
    const s = attentionShape(size);
    const x = scratch(ctx, s);
    try {
      for (const entry of ENTRIES) {
        const threadMs: number[] = [];
        for (const variant of ATTENTION_VARIANTS) {
          log(`attention ${entry} [${variant}] ${size}`);
          const t = await target({ ...ctx, variants: { ...ctx.variants, attention: variant } }, s, entry, x);
          let ms;
          try {
            ms = await timeTarget(t, timing);
          } finally {
            t.destroy();
          }
          if (variant === 'thread') threadMs.push(ms.median);
          const gflops = invertSummary(ms, t.flops / 1e6);
          rows.push({
            size, entry, variant, ...s, ms, gflops, fractionOfPeak: gflops.median / peak,
            vsThread: variant === 'thread' || !threadMs.length ? null : ms.median / threadMs[0],
          });
        }
      }
    } finally {
      for (const t of Object.values(x)) ctx.pool.release(t.buffer);
    }
  }
  return rows;
}
