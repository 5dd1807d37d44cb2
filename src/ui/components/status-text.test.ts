import { describe, expect, it } from 'vitest';
import { runStatusText, timeLeftText, tookText } from './status-text';

describe('status line times', () => {
  it('says the time left from the live pace, or that it is still estimating', () => {
    expect(timeLeftText(null)).toBe(' · estimating time left…');
    expect(timeLeftText(42)).toBe(' · about 42 s left');
    expect(timeLeftText(9 * 60 + 20)).toBe(' · about 9 min left');
    expect(`${runStatusText('running', 40, 200, null)}${timeLeftText(300)}`).toBe('running at step 40 of 200. · about 5 min left');
  });

  it('says what a finished run took', () => {
    expect(tookText(40_400)).toBe('40 s');
    expect(tookText(725_000)).toBe('12 min 5 s');
  });
});
