// Whether a sweep fits the device, by run/memory-check.ts's rule for its largest group. Apart from
// run/memory-check.ts so that the Worker's first download (the experiment's check) holds no sweep schema:
// only the sweep host, imported on the first sweep command, needs this.
import type { LlamaConfig } from '../../engine/index';
import { checkGroupsFit, type DeviceLimits, type FitResult } from '../run/memory-check';
import { sweepGroups, type SweepConfig } from './config';

/** Whether every group of the sweep fits the device's per-buffer limits and the budget; if not, why and what to lower. */
export function checkSweepFits(sweep: SweepConfig, base: LlamaConfig, limits: DeviceLimits, budgetBytes: number): FitResult {
  return checkGroupsFit(sweepGroups(sweep), base, limits, budgetBytes);
}
