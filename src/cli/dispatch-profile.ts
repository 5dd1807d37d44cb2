// Per-dispatch timing of one training step, shared by `npm run profile` and bench-lora.ts: each
// prepared dispatch is submitted on its own and waited for, so the times add up to more than a
// real step (no overlap), but their ranking shows which kernels dominate.
import type { KernelContext, TrainingRun } from '../engine/index';
import { record, type Dispatch } from '../engine/kernels/kernel';

export interface DispatchTime {
  label: string;
  n: number;
  ms: number;
}

/** Total time per dispatch label over one step's dispatches, slowest first. */
export async function profileDispatches(ctx: KernelContext, run: TrainingRun): Promise<DispatchTime[]> {
  const dispatches = (run as unknown as { trainDispatches: Dispatch[] }).trainDispatches;
  const byLabel = new Map<string, { n: number; ms: number }>();
  for (const d of dispatches) {
    const enc = ctx.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    record(pass, [d]);
    pass.end();
    const t0 = performance.now();
    ctx.device.queue.submit([enc.finish()]);
    await ctx.device.queue.onSubmittedWorkDone();
    const e = byLabel.get(d.label) ?? { n: 0, ms: 0 };
    byLabel.set(d.label, { n: e.n + 1, ms: e.ms + performance.now() - t0 });
  }
  return [...byLabel].map(([label, v]) => ({ label, ...v })).sort((a, b) => b.ms - a.ms);
}
