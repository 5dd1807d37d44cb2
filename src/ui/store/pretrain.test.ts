// The Pretrain tab's store shows one pretraining: a stopped run's late step, state or error is dropped,
// so a new chart is not refilled; a failed list or delete of saved bases says so without ending a run.
import { beforeEach, describe, expect, it } from 'vitest';
import { applyPretrainEvent, flushPretrainSteps, resetPretrain, usePretrain } from './pretrain';

const step = (runId: string, n: number) =>
  applyPretrainEvent({ type: 'pretrain-event', runId, event: { type: 'step', step: n, loss: 3, tokensPerSecond: 100, seconds: n } });

beforeEach(() => resetPretrain('none'));

describe('pretrain store', () => {
  it('drops the events of a pretraining that is not on screen', () => {
    resetPretrain('old');
    step('old', 1);
    flushPretrainSteps();
    expect(usePretrain.getState().points).toHaveLength(1);
    resetPretrain('new');
    step('old', 2);
    applyPretrainEvent({ type: 'pretrain-state', state: 'stopped', runId: 'old' });
    applyPretrainEvent({ type: 'pretrain-error', message: 'buffer destroyed', runId: 'old' });
    expect(usePretrain.getState()).toMatchObject({ points: [], step: 0, state: 'running', error: '', activeRunId: 'new' });
    step('new', 1);
    applyPretrainEvent({ type: 'pretrain-state', state: 'done', runId: 'new' });
    expect(usePretrain.getState()).toMatchObject({ points: [{ step: 1, train: 3 }], step: 1, state: 'done' });
  });

  it('holds step points for at most PRETRAIN_STEP_PUBLISH_MS and publishes them together, in order, before any other event', () => {
    resetPretrain('r');
    let updates = 0;
    const off = usePretrain.subscribe(() => updates++);
    for (let n = 1; n <= 50; n++) step('r', n);
    expect(updates).toBe(0);
    applyPretrainEvent({ type: 'pretrain-event', runId: 'r', event: { type: 'eval', step: 50, heldOut: 2.5, sample: 'the' } });
    expect(usePretrain.getState().points.map((p) => p.step)).toEqual([...Array.from({ length: 50 }, (_, i) => i + 1), 50]);
    expect(usePretrain.getState().points.at(-1)).toEqual({ step: 50, heldOut: 2.5 });
    expect(usePretrain.getState().step).toBe(50);
    off();
    // Held steps of a pretraining that left the screen never reach the next one.
    step('r', 51);
    resetPretrain('next');
    flushPretrainSteps();
    expect(usePretrain.getState().points).toEqual([]);
  });

  it('reports a failed list or delete without ending the pretraining on screen', () => {
    resetPretrain('a');
    applyPretrainEvent({ type: 'pretrain-error', message: 'IndexedDB is not available' });
    expect(usePretrain.getState()).toMatchObject({ state: 'running', error: 'IndexedDB is not available' });
    applyPretrainEvent({ type: 'pretrain-error', message: 'out of memory', runId: 'a' });
    applyPretrainEvent({ type: 'pretrain-state', state: 'error', runId: 'a' });
    expect(usePretrain.getState()).toMatchObject({ state: 'error', error: 'out of memory' });
  });
});
