// One submit per lockstep step, and steps queued ahead of their readback: several runs' steps
// in one command buffer, and three steps submitted before any is read, give bit-identical
// results to one run at a time stepped and awaited (different batches every step, so a batch
// written over another still in use would change the losses); the timer gives each pass a GPU
// time where the device has timestamp queries.
import { describe, expect, it } from 'vitest';
import { testContext } from '../testing/gpu';
import { modelLayout } from './layout';
import { StepTimer, submitLockstep } from './lockstep';
import { TrainingRun, type RunOptions, type StepInput, type StepResult } from './run';
import { batch, randomFlat, TINY } from './testkit';

const B = 2;
const T = 7;
const STEPS = 4;
const base = randomFlat(modelLayout(TINY), 5, 0.2);
const inputs: StepInput[] = Array.from({ length: STEPS }, (_, i) => ({ ...batch(B, T, TINY.vocabSize, 300 + i), lr: 1e-2 * (i + 1) }));
const methods: Omit<RunOptions, 'batchSize' | 'seqLen' | 'config' | 'seed'>[] = [
  { mode: 'full', dropout: 0.1 },
  { mode: 'lora', lora: { rank: 2, alpha: 4, targets: ['q', 'v', 'down'], dropout: 0.1, scaling: 'standard' } },
];

async function runsOf(): Promise<TrainingRun[]> {
  const { ctx } = await testContext();
  return Promise.all(methods.map((m) => TrainingRun.create(ctx, { ...m, config: TINY, batchSize: B, seqLen: T, seed: 9, baseParams: base })));
}

/** Counts queue.submit calls while `fn` runs (wraps the queue's method, then restores it). */
async function countSubmits<T>(device: GPUDevice, fn: () => Promise<T>): Promise<{ value: T; submits: number }> {
  const queue = device.queue;
  const original = queue.submit;
  let submits = 0;
  queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
    submits++;
    return original.call(queue, buffers);
  };
  try {
    return { value: await fn(), submits };
  } finally {
    Reflect.deleteProperty(queue, 'submit');
  }
}

/** Each run stepped on its own and awaited: the behaviour before lockstep submits. */
async function oneAtATime(): Promise<StepResult[][]> {
  const runs = await runsOf();
  const out: StepResult[][] = [];
  for (const input of inputs) {
    const row: StepResult[] = [];
    for (const r of runs) row.push(await r.step(input));
    out.push(row);
  }
  runs.forEach((r) => r.destroy());
  return out;
}

const strip = (rows: StepResult[][]) => rows.map((row) => row.map(({ gpuMs: _, ...r }) => r));

describe('lockstep submits', () => {
  it('one submit per lockstep step, with the losses of stepping each run alone', async () => {
    const { gpu } = await testContext();
    const expected = await oneAtATime();
    const runs = await runsOf();
    const { value, submits } = await countSubmits(gpu.device, async () => {
      const rows: StepResult[][] = [];
      for (const input of inputs) rows.push(await submitLockstep(gpu.device, runs, runs.map(() => input)));
      return rows;
    });
    expect(submits).toBe(STEPS);
    expect(strip(value)).toEqual(expected);
    expect(value.map((row) => row.map((r) => r.step))).toEqual([[1, 1], [2, 2], [3, 3], [4, 4]]);
    expect(value[0][0].loss).toBeGreaterThan(1); // a real loss over 13 tokens, not a zeroed buffer
    runs.forEach((r) => r.destroy());
  });

  it('steps submitted before earlier ones are read back (all four in flight) give identical losses', async () => {
    const { gpu } = await testContext();
    const expected = await oneAtATime();
    const runs = await runsOf();
    const timer = StepTimer.create(gpu.device);
    // Every step is submitted before any readback is awaited: each later batch is written while earlier steps are queued.
    const pending = inputs.map((input) => submitLockstep(gpu.device, runs, runs.map(() => input), timer));
    expect(runs.map((r) => r.readbacksInFlight)).toEqual([STEPS, STEPS]);
    const rows = await Promise.all(pending);
    expect(strip(rows)).toEqual(expected);
    expect(runs.map((r) => r.peakReadbacksInFlight)).toEqual([STEPS, STEPS]);
    expect(runs.map((r) => r.readbacksInFlight)).toEqual([0, 0]);
    if (timer) {
      const times = rows.flat().map((r) => r.gpuMs);
      console.log(`timestamp-query: pass times (ms) ${times.map((t) => t?.toFixed(3)).join(' ')}`);
      for (const t of times) if (t !== undefined) expect(t).toBeGreaterThan(0);
      timer.destroy();
    }
    runs.forEach((r) => r.destroy());
  });

  it('refuses a run twice in one submit and a wrong-sized batch, before anything is encoded', async () => {
    const { gpu } = await testContext();
    const runs = await runsOf();
    expect(() => submitLockstep(gpu.device, [runs[0], runs[0]], [inputs[0], inputs[0]])).toThrow(/twice/);
    const short = { ...inputs[0], tokens: inputs[0].tokens.subarray(1) };
    expect(() => submitLockstep(gpu.device, runs, [inputs[0], short])).toThrow(/B×T/);
    expect(runs.map((r) => r.stepCount)).toEqual([0, 0]);
    expect(runs.map((r) => r.readbacksInFlight)).toEqual([0, 0]);
    runs.forEach((r) => r.destroy());
  });
});
