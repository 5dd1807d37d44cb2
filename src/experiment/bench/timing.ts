// Timing of prepared GPU work: a discarded warm-up, a calibration that picks how many
// repetitions go into one submit (so each timed sample lasts long enough for the clock and
// the submit overhead not to dominate), then several timed samples.
// Two guards go with it: submits are counted (not assumed), and a phase during which the device
// reported an error yields no figures at all.

import type { BenchTarget } from '../../engine/index';
import { summarize, type Summary } from './stats';

export interface TimingOptions {
  /** Wall time one sample should last, roughly. */
  minSampleMs: number;
  samples: number;
  maxReps?: number;
}

/** Milliseconds per repetition of a target, over `samples` timed submits. */
export async function timeTarget(t: BenchTarget, o: TimingOptions): Promise<Summary> {
  await t.submit(1); // warm-up: pipeline first use, lazy allocation
  let t0 = performance.now();
  await t.submit(1);
  const once = Math.max(1e-3, performance.now() - t0);
  const reps = Math.max(1, Math.min(o.maxReps ?? 4096, Math.round(o.minSampleMs / once)));
  const samples: number[] = [];
  for (let i = 0; i < o.samples; i++) {
    t0 = performance.now();
    await t.submit(reps);
    samples.push((performance.now() - t0) / reps);
  }
  return summarize(samples);
}

/** Counts queue.submit calls while `fn` runs (wrapping the queue's method, then restoring it). */
export async function countSubmits<T>(device: GPUDevice, fn: () => Promise<T>): Promise<{ value: T; submits: number }> {
  const queue = device.queue;
  const original = queue.submit;
  const own = Object.prototype.hasOwnProperty.call(queue, 'submit');
  let submits = 0;
  queue.submit = function submit(buffers: Iterable<GPUCommandBuffer>) {
    submits++;
    return original.call(queue, buffers);
  };
  try {
    return { value: await fn(), submits };
  } finally {
    if (own) queue.submit = original;
    else Reflect.deleteProperty(queue, 'submit');
  }
}

/**
 * Runs `fn` and throws if the device reported an error meanwhile: a kernel that failed to
 * compile or validate does no work, and its timings would look fast.
 */
export async function checked<T>(device: GPUDevice, what: string, fn: () => Promise<T>): Promise<T> {
  const errors: string[] = [];
  const onError = (e: Event) => errors.push((e as GPUUncapturedErrorEvent).error.message);
  device.addEventListener('uncapturederror', onError);
  try {
    const value = await fn();
    await device.queue.onSubmittedWorkDone();
    if (errors.length) throw new Error(`GPU errors during the ${what} benchmark, its figures are void: ${errors[0]}`);
    return value;
  } finally {
    device.removeEventListener('uncapturederror', onError);
  }
}
