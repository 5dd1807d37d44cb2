// The sweep store: events of the sweep on screen land, a stopped sweep's late events do not,
// a reopened interrupted sweep comes back paused and resumable, and an "open" reply never
// replaces a sweep that is training; the form's grid is filled from a link once, survives a new
// sweep starting, and keeps the opening link's problems when a grid replaces it.
import { beforeEach, describe, expect, it } from 'vitest';
import type { SavedSweep } from '../../experiment/protocol';
import type { SweepConfig } from '../../experiment/sweep/config';
import { applySweepEvent, initSweepForm, resetSweep, setSweepForm, useSweep } from './sweep';

const grid = { families: [] } as unknown as SweepConfig;
const point = (method: string, step: number) => ({ step, method, targetLoss: 4, sourceLoss: 2 });
const saved = (id: string, state: SavedSweep['state']): SavedSweep => ({
  id, preset: 'p', sweep: grid, createdAt: 1, updatedAt: 1, state, group: 0, groups: 2, done: 6, total: 24,
  methods: [], evals: [point('a-0', 0), point('a-0', 2)], diverged: {}, checkpointGroup: 0,
});

describe('sweep store', () => {
  beforeEach(() => resetSweep('s1', grid, 'p'));

  it('keeps the events of the sweep on screen and drops those of another', () => {
    applySweepEvent({ type: 'sweep-event', id: 's1', event: { type: 'eval', point: point('a-0', 0) } });
    applySweepEvent({ type: 'sweep-event', id: 'old', event: { type: 'eval', point: point('b-0', 0) } });
    applySweepEvent({ type: 'sweep-event', id: 'old', event: { type: 'sweep-state', state: 'stopped', group: 0 } });
    applySweepEvent({ type: 'sweep-event', id: 's1', event: { type: 'sweep-progress', group: 0, groups: 1, done: 3, total: 8, etaSeconds: 12 } });
    const s = useSweep.getState();
    expect(s.evals.map((e) => e.method)).toEqual(['a-0']);
    expect(s.state).toBe('running');
    expect(s.progress).toEqual({ group: 0, groups: 1, done: 3, total: 8, etaSeconds: 12 });
    applySweepEvent({ type: 'sweep-event', id: 's1', event: { type: 'sweep-state', state: 'done', group: 1 } });
    expect(useSweep.getState().progress).toMatchObject({ done: 8, etaSeconds: 0 });
  });

  it('reopens an interrupted sweep as paused and resumable, but never over one that trains', () => {
    applySweepEvent({ type: 'sweep-opened', sweep: saved('s0', 'running'), resumable: true });
    expect(useSweep.getState()).toMatchObject({ id: 's1', state: 'running' }); // s1 is training: ignored
    useSweep.setState({ state: 'idle', id: null });
    applySweepEvent({ type: 'sweep-opened', sweep: saved('s0', 'running'), resumable: true });
    expect(useSweep.getState()).toMatchObject({ id: 's0', state: 'paused', resumable: 's0', progress: { done: 6, total: 24 } });
    expect(useSweep.getState().evals).toHaveLength(2);
    // Without a checkpoint it cannot resume: shown as stopped.
    useSweep.setState({ state: 'idle', id: null });
    applySweepEvent({ type: 'sweep-opened', sweep: saved('s3', 'running'), resumable: false });
    expect(useSweep.getState()).toMatchObject({ id: 's3', state: 'stopped', resumable: null });
  });

  it('holds the form\'s grid: filled from the link once, kept across a new sweep, problems kept', () => {
    useSweep.setState({ form: null });
    const other = { families: [{ id: 'x' }] } as unknown as SweepConfig;
    expect(initSweepForm(() => ({ preset: 'p', sweep: grid, problems: ['bad key'] }))).toMatchObject({ preset: 'p' });
    expect(initSweepForm(() => ({ preset: 'q', sweep: other, problems: [] }))).toMatchObject({ preset: 'p', problems: ['bad key'] });
    setSweepForm('q', other);
    expect(useSweep.getState().form).toEqual({ preset: 'q', sweep: other, problems: ['bad key'] });
    resetSweep('s2', grid, 'p');
    expect(useSweep.getState().form?.sweep).toBe(other);
  });
});
