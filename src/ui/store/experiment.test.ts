// The experiment store shows one run: events of any other run (a stopped run's late step, eval
// or state, or its error) are dropped, so a cleared or new chart is not refilled; a lost device
// or a replaced Worker leaves the run paused with a resume offer only when a checkpoint exists; a
// link to another view (pretrain, sweep) is not read as an experiment link with false problems.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PRESETS } from '../../experiment/config';
import type { EvalPoint } from '../../experiment/protocol';
import { applyEvent, clearExperiment, formFromUrl, resetExperiment, STEP_PUBLISH_MS, useExperiment, workerLost } from './experiment';

const config = PRESETS['english-code'].config;
const point = (method: string, step: number): EvalPoint => ({ step, method, targetLoss: 3, sourceLoss: 2 });

beforeEach(() => clearExperiment());

const stepPoint = (method: string, step: number, loss: number) => ({ step, method, loss, gradNorm: 1, ms: 1, tokensPerSecond: 1 });

describe('experiment store', () => {
  it('publishes step events at most every STEP_PUBLISH_MS, the latest of each method, and flushes them before any other event', () => {
    vi.useFakeTimers();
    try {
      resetExperiment(config, 'r');
      let renders = 0;
      const unsubscribe = useExperiment.subscribe(() => renders++);
      for (let i = 1; i <= 100; i++) {
        applyEvent({ type: 'step', point: stepPoint('full', i, 5 - i / 100), runId: 'r' });
        applyEvent({ type: 'step', point: stepPoint('lora', i, 4 - i / 100), runId: 'r' });
      }
      expect(renders).toBe(0);
      vi.advanceTimersByTime(STEP_PUBLISH_MS);
      expect(renders).toBe(1);
      expect(useExperiment.getState().step).toBe(100);
      expect(useExperiment.getState().lastStep.full.loss).toBeCloseTo(4);
      expect(useExperiment.getState().lastStep.lora.loss).toBeCloseTo(3);
      // A state event after steps: the held step lands first, so the state's own step is what stays.
      applyEvent({ type: 'step', point: stepPoint('full', 101, 3.9), runId: 'r' });
      applyEvent({ type: 'state', state: 'stopped', step: 101, runId: 'r' });
      expect(useExperiment.getState()).toMatchObject({ state: 'stopped', step: 101 });
      expect(useExperiment.getState().lastStep.full.step).toBe(101);
      // Steps held when the run leaves the screen never reach the next one.
      applyEvent({ type: 'step', point: stepPoint('full', 102, 3.8), runId: 'r' });
      resetExperiment(config, 'next');
      vi.advanceTimersByTime(STEP_PUBLISH_MS * 2);
      expect(useExperiment.getState()).toMatchObject({ step: 0, lastStep: {}, activeRunId: 'next' });
      unsubscribe();
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops the events of a run that is not on screen', () => {
    resetExperiment(config, 'old');
    applyEvent({ type: 'eval', point: point('full', 0), runId: 'old' });
    resetExperiment(config, 'new');
    applyEvent({ type: 'eval', point: point('full', 2), runId: 'old' });
    applyEvent({ type: 'state', state: 'stopped', step: 2, runId: 'old' });
    applyEvent({ type: 'error', message: 'buffer destroyed', runId: 'old' });
    expect(useExperiment.getState()).toMatchObject({ evals: [], state: 'running', error: '', activeRunId: 'new' });
    applyEvent({ type: 'eval', point: point('full', 0), runId: 'new' });
    expect(useExperiment.getState().evals).toHaveLength(1);
  });

  it('keeps the device peak across runs and forgets it when a new device is ready', () => {
    const peak = { gflops: 7.5, q1: 7.4, q3: 7.6, work: '262144×64' };
    applyEvent({ type: 'device-peak', peak });
    resetExperiment(config, 'a');
    clearExperiment();
    expect(useExperiment.getState().devicePeak).toEqual(peak);
    applyEvent({ type: 'ready', adapter: 'Google SwiftShader', software: true });
    expect(useExperiment.getState().devicePeak).toBeNull();
  });

  it('after Reset, a stopped run cannot refill the charts', () => {
    resetExperiment(config, 'a');
    clearExperiment();
    applyEvent({ type: 'eval', point: point('full', 4), runId: 'a' });
    applyEvent({ type: 'state', state: 'stopped', step: 4, runId: 'a' });
    expect(useExperiment.getState()).toMatchObject({ evals: [], state: 'idle' });
  });

  it('a lost device pauses the run on screen with a resume offer from its checkpoint', () => {
    resetExperiment(config, 'a');
    applyEvent({ type: 'checkpoint-saved', runId: 'a', step: 4 });
    applyEvent({ type: 'device-lost', message: 'The GPU device was lost (test).', runId: 'a', checkpointStep: 4 });
    expect(useExperiment.getState()).toMatchObject({ state: 'paused', resumable: { id: 'a', checkpointStep: 4 } });
  });

  it('a replaced Worker leaves the run resumable only when it has a checkpoint', () => {
    resetExperiment(config, 'a');
    workerLost('The training Worker crashed.');
    expect(useExperiment.getState()).toMatchObject({ state: 'stopped', resumable: null });
    expect(useExperiment.getState().error).toMatch(/press Start/);
    resetExperiment(config, 'b');
    applyEvent({ type: 'checkpoint-saved', runId: 'b', step: 2 });
    workerLost('The training Worker crashed.');
    expect(useExperiment.getState()).toMatchObject({ state: 'paused', resumable: { id: 'b', checkpointStep: 2 } });
    expect(useExperiment.getState().error).toMatch(/checkpoint at step 2/);
  });

  it('a saved run from a base the page does not ship opens with a message and no resume', () => {
    const run = {
      id: 'x', preset: 'english-code', config: { ...config, base: 'medium' }, createdAt: 1, updatedAt: 1, state: 'paused' as const,
      step: 2, methods: [], evals: [point('full', 0)], checkpointStep: 2,
    };
    applyEvent({ type: 'run-opened', run, resumable: true });
    const s = useExperiment.getState();
    expect(s.resumable).toBeNull();
    expect(s.error).toMatch(/base model "medium", which this page does not have/);
    expect(s.form.config.base).toBe('base');
    expect(s.evals).toHaveLength(1);
  });

  it("reads another view's link (pretrain, sweep) as no experiment, with no link problems", () => {
    for (const q of ['?view=pretrain', '?view=sweep&v=1&preset=regularizers-code', '?view=bench', '?view=diagnostics&tour=setup']) {
      expect(formFromUrl(q), q).toEqual({ preset: 'english-code', config, linkProblems: [] });
    }
    expect(formFromUrl('?v=1&preset=english-code&steps=3').config.steps).toBe(3);
    expect(formFromUrl('?steps=3').linkProblems).toEqual(['the link has no version (v); reading it as v=1', 'the link names no preset; using english-code']);
  });
});
