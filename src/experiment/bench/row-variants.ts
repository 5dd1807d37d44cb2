// The suite's "row-reduction variants" section (issue 10): RMSNorm's and cross-entropy's row
// kernels in each variant the engine has ('thread': one thread per row, 'workgroup': one
// workgroup per row) timed at the model's shapes (N = B·T rows of d_model columns, or of the
// vocabulary for cross-entropy), with the variant forced, so the table shows what the
// autotuner would be choosing between on this adapter. Variants alternate within each
// (size, kernel). These kernels are memory-bound: rates are stated against the copy peak.

import { MODEL_SIZES, prepareRowBenchTarget, ROW_BENCH_KERNELS, ROW_BENCH_VARIANTS, type KernelContext } from '../../engine/index';
import type { RowBench } from './report';
import { STEP_BATCH, type SizeName } from './shapes';
import { invertSummary } from './stats';
import { timeTarget, type TimingOptions } from './timing';

/** Every kernel × variant at each size; `copyPeak` (GB/s) turns the rates into fractions. */
export async function measureRowVariants(
  ctx: KernelContext, sizes: SizeName[], copyPeak: number, timing: TimingOptions, log: (m: string) => void,
): Promise<RowBench[]> {
  const out: RowBench[] = [];
  for (const size of sizes) {
    const cfg = MODEL_SIZES[size];
    const [B, T] = STEP_BATCH[size];
    const N = B * T;
    for (const kernel of ROW_BENCH_KERNELS) {
      const C = kernel.startsWith('cross_entropy') ? cfg.vocabSize : cfg.dModel;
      let threadMs: number | null = null;
      for (const variant of ROW_BENCH_VARIANTS) {
        log(`${kernel} [${variant}] ${N}×${C}`);
        const t = await prepareRowBenchTarget(ctx, { kernel, variant, N, C });
        let ms;
        try {
          ms = await timeTarget(t, timing);
        } finally {
          t.destroy();
        }
        if (variant === 'thread') threadMs = ms.median;
        const gbps = invertSummary(ms, t.bytes / 1e6);
        out.push({
          size, kernel, variant, N, C, ms, gbps, fractionOfCopyPeak: gbps.median / copyPeak,
          vsThread: variant === 'thread' || threadMs === null ? null : ms.median / threadMs,
        });
      }
    }
  }
  return out;
}
