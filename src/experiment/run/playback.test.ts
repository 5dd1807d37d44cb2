// The pause/stop state machine the experiment and sweep runners share: what each request does to
// the state a loop reports, and that a pause asked before a loop starts is forgotten but a stop is not.
import { describe, expect, it } from 'vitest';
import type { RunState } from '../protocol';
import { Playback } from './playback';

describe('playback', () => {
  it('reports running, then done, paused or stopped as asked; a stop wins over a pause', () => {
    const seen: RunState[] = [];
    const p = new Playback((s) => seen.push(s));
    p.set('running');
    expect([p.halting, p.pausing]).toEqual([false, false]);
    p.pause();
    expect([p.halting, p.pausing]).toEqual([true, true]);
    expect(p.end(false)).toBe('paused');
    expect(p.pausing).toBe(false);
    p.forgetPause();
    p.set('running');
    expect(p.halting).toBe(false);
    p.pause();
    p.stop();
    expect(p.end(false)).toBe('stopped');
    expect(p.end(true)).toBe('done');
    expect(seen).toEqual(['running', 'paused', 'running', 'stopped', 'done']);
  });

  it('keeps a stop across a new loop, and sets a restored state without reporting it', () => {
    const seen: RunState[] = [];
    const p = new Playback((s) => seen.push(s));
    p.stop();
    p.forgetPause();
    expect([p.halting, p.stopping]).toEqual([true, true]);
    p.setQuietly('paused');
    expect(p.state).toBe('paused');
    expect(seen).toEqual([]);
  });
});
