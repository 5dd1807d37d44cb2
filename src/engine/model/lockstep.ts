// One lockstep step of several training runs (the playground's methods, all on the same batch)
// as ONE command buffer and ONE queue.submit, returned without waiting for the GPU: the caller
// can submit the next step while this one runs and read the statistics back a few steps later.
// Optionally each run's compute pass is timed with GPU timestamp queries, which is the only way
// to know a run's own share of a submit that holds several runs.

import { STORAGE } from '../gpu/buffers';
import type { StepInput, StepResult, TrainingRun } from './run';

/** resolveQuerySet's destination offset must be a multiple of this. */
const RESOLVE_ALIGN = 256;

interface TimerSlot {
  querySet: GPUQuerySet;
  resolve: GPUBuffer; // (2·runs) u64 timestamps, begin and end of each run's pass
  staging: GPUBuffer;
  runs: number;
  busy: boolean;
}

/**
 * Timestamp queries around each run's compute pass, in a ring of query sets like ScalarReader's
 * staging ring: a slot is taken per lockstep submit and freed only once its readback resolved.
 */
export class StepTimer {
  private slots: TimerSlot[] = [];

  private constructor(private readonly device: GPUDevice) {}

  /** A timer when the device was created with 'timestamp-query', else null (callers fall back to another split). */
  static create(device: GPUDevice): StepTimer | null {
    return device.features.has('timestamp-query') ? new StepTimer(device) : null;
  }

  /** A free slot for a submit of `runs` passes. */
  acquire(runs: number): number {
    let i = this.slots.findIndex((s) => !s.busy && s.runs >= runs);
    if (i < 0) {
      const bytes = Math.ceil((runs * 16) / RESOLVE_ALIGN) * RESOLVE_ALIGN;
      this.slots.push({
        querySet: this.device.createQuerySet({ type: 'timestamp', count: 2 * runs, label: 'lockstep-times' }),
        resolve: this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC, label: 'lockstep-times' }),
        staging: this.device.createBuffer({ size: bytes, usage: STORAGE.readback, label: 'lockstep-times' }),
        runs, busy: false,
      });
      i = this.slots.length - 1;
    }
    this.slots[i].busy = true;
    return i;
  }

  /** The timestamp writes of the `run`-th pass of a slot. */
  writes(slot: number, run: number): GPUComputePassTimestampWrites {
    return { querySet: this.slots[slot].querySet, beginningOfPassWriteIndex: 2 * run, endOfPassWriteIndex: 2 * run + 1 };
  }

  /** Records the resolve and the copy to the staging buffer; after every timed pass of the slot. */
  resolve(enc: GPUCommandEncoder, slot: number, runs: number): void {
    const s = this.slots[slot];
    enc.resolveQuerySet(s.querySet, 0, 2 * runs, s.resolve, 0);
    enc.copyBufferToBuffer(s.resolve, 0, s.staging, 0, runs * 16);
  }

  /** Each pass's GPU time in ms (after submit); undefined where the device wrote no usable pair. */
  async read(slot: number, runs: number): Promise<(number | undefined)[]> {
    const s = this.slots[slot];
    try {
      await s.staging.mapAsync(GPUMapMode.READ, 0, runs * 16);
      const t = new BigUint64Array(s.staging.getMappedRange(0, runs * 16).slice(0));
      s.staging.unmap();
      // Some implementations write zeros, or quantize so coarsely that end equals begin.
      return Array.from({ length: runs }, (_, i) => (t[2 * i + 1] > t[2 * i] && t[2 * i] > 0n ? Number(t[2 * i + 1] - t[2 * i]) / 1e6 : undefined));
    } finally {
      s.busy = false;
    }
  }

  destroy(): void {
    for (const s of this.slots) {
      s.querySet.destroy();
      s.resolve.destroy();
      s.staging.destroy();
    }
    this.slots = [];
  }
}

/**
 * Encodes one step of every run into one command buffer and submits it once, before returning:
 * the promise only waits for the statistics. Call it again for the next step without awaiting
 * (each run's inputs are written with queue.writeBuffer, which the queue orders after the
 * earlier submits; see TrainingRun.encodeStep). Each run appears at most once per call. With a
 * timer, each result carries its pass's GPU time (`gpuMs`) where the device reported one.
 */
export function submitLockstep(
  device: GPUDevice, runs: readonly TrainingRun[], inputs: readonly StepInput[], timer: StepTimer | null = null,
): Promise<StepResult[]> {
  if (runs.length !== inputs.length) throw new Error(`submitLockstep: ${runs.length} runs but ${inputs.length} inputs`);
  if (new Set(runs).size !== runs.length) throw new Error('submitLockstep: a run appears twice (its second step would overwrite the first one\'s inputs)');
  // Checked before anything is encoded, so a bad batch leaves every run as it was.
  runs.forEach((r, i) => {
    const n = r.B * r.T;
    if (inputs[i].tokens.length !== n || inputs[i].targets.length !== n) {
      throw new Error(`submitLockstep: run ${i} needs B×T = ${n} tokens and targets (got ${inputs[i].tokens.length}, ${inputs[i].targets.length})`);
    }
  });
  if (runs.length === 0) return Promise.resolve([]);
  const enc = device.createCommandEncoder({ label: 'lockstep' });
  const slot = timer ? timer.acquire(runs.length) : -1;
  const pending = runs.map((r, i) => r.encodeStep(enc, inputs[i], timer ? timer.writes(slot, i) : undefined));
  if (timer) timer.resolve(enc, slot, runs.length);
  device.queue.submit([enc.finish()]);
  const times = timer ? timer.read(slot, runs.length) : Promise.resolve([]);
  return Promise.all([Promise.all(pending.map((p) => p.read())), times]).then(([results, ms]) =>
    results.map((r, i) => (ms[i] === undefined ? r : { ...r, gpuMs: ms[i] })),
  );
}
