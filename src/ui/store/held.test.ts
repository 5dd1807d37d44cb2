// The held publisher folds what arrives within its interval into one publish, flushes on demand
// (and only once), and forgets what it holds when dropped.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { heldPublisher } from './held';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('heldPublisher', () => {
  const make = () => {
    const published: number[][] = [];
    const p = heldPublisher<number, number[]>(100, (h, x) => [...(h ?? []), x], (h) => published.push(h));
    return { p, published };
  };

  it('publishes what arrived within the interval once, when the interval ends', () => {
    const { p, published } = make();
    p.hold(1);
    vi.advanceTimersByTime(60);
    p.hold(2);
    expect(published).toEqual([]);
    vi.advanceTimersByTime(40);
    expect(published).toEqual([[1, 2]]);
    p.hold(3);
    vi.advanceTimersByTime(100);
    expect(published).toEqual([[1, 2], [3]]);
  });

  it('flushes at once, and the timer then publishes nothing more', () => {
    const { p, published } = make();
    p.hold(1);
    p.flush();
    p.flush();
    vi.advanceTimersByTime(500);
    expect(published).toEqual([[1]]);
  });

  it('drops what it holds without publishing it', () => {
    const { p, published } = make();
    p.hold(1);
    p.drop();
    vi.advanceTimersByTime(500);
    expect(published).toEqual([]);
    p.hold(2);
    vi.advanceTimersByTime(100);
    expect(published).toEqual([[2]]);
  });
});
