// The device's attainable arithmetic rate, measured once per GPU device by the benchmark's
// FMA kernel (a short version: a few hundred milliseconds on SwiftShader, less on a GPU), so
// the status table can state each method's achieved GFLOP/s as a share of what this device
// can do. And the pure arithmetic that turns a step's time into those figures.

import type { KernelContext } from '../../engine/index';
import { prepareBenchTarget } from '../../engine/index';
import { invertSummary } from './stats';
import { checked, timeTarget } from './timing';

export interface DevicePeak {
  /** Median attainable GFLOP/s of the FMA kernel, with the quartiles of the timed samples. */
  gflops: number;
  q1: number;
  q3: number;
  /** The kernel's work: threads × loop trips. */
  work: string;
}

/**
 * Enough threads to fill a large GPU (an H200 holds about 270k resident threads) and enough trips
 * per thread that one dispatch outlasts the launch; the timer batches repetitions into one submit.
 */
const THREADS = 262_144;
const ITERS = 64;

export async function measureDevicePeak(ctx: KernelContext): Promise<DevicePeak> {
  const target = await prepareBenchTarget(ctx, { kind: 'fma', threads: THREADS, iters: ITERS });
  try {
    const ms = await checked(ctx.device, 'the FMA peak', () => timeTarget(target, { minSampleMs: 40, samples: 3, maxReps: 256 }));
    const g = invertSummary(ms, target.flops / 1e6);
    return { gflops: g.median, q1: g.q1, q3: g.q3, work: `${THREADS}×${ITERS}` };
  } finally {
    target.destroy();
  }
}

export interface AchievedRate {
  /** Model FLOPs per second achieved by a step, in GFLOP/s. */
  gflops: number;
  /** That rate over the device's measured peak (null when no peak was measured). */
  shareOfPeak: number | null;
}

/** Achieved rate of a step that did `flopsPerStep` model FLOPs in `ms` milliseconds. */
export function achievedRate(flopsPerStep: number, ms: number, peakGflops: number | null): AchievedRate | null {
  if (!(flopsPerStep > 0) || !(ms > 0) || !Number.isFinite(ms)) return null;
  const gflops = flopsPerStep / (ms * 1e6);
  return { gflops, shareOfPeak: peakGflops && peakGflops > 0 ? gflops / peakGflops : null };
}
