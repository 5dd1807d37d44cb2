import { describe, expect, it } from 'vitest';
import { awaitsPrediction, predictFromLink, readPredictions } from './predict-store';

describe('stored predictions', () => {
  it('reads picks back, drops unknown ones, and starts off on anything unreadable', () => {
    expect(readPredictions(JSON.stringify({ on: true, picks: { setup: 'paper', 'one-curve': 'skip', x: 'maybe' } })))
      .toEqual({ on: true, picks: { setup: 'paper', 'one-curve': 'skip' } });
    expect(readPredictions(null)).toEqual({ on: false, picks: {} });
    expect(readPredictions('{not json')).toEqual({ on: false, picks: {} });
    expect(readPredictions('[1]')).toEqual({ on: false, picks: {} });
  });

  it('hides a step’s reference only with predict-first on and no pick (a skip counts as one)', () => {
    expect(awaitsPrediction({ on: false, picks: {} }, 'setup')).toBe(false);
    expect(awaitsPrediction({ on: true, picks: {} }, 'setup')).toBe(true);
    expect(awaitsPrediction({ on: true, picks: { setup: 'skip' } }, 'setup')).toBe(false);
  });
  it('reads predict-first from a link: predict=1 turns it on, predict=0 off, no parameter leaves the stored choice', () => {
    expect(predictFromLink('?tour=one-curve&predict=1')).toBe(true);
    expect(predictFromLink('?predict=on')).toBe(true);
    expect(predictFromLink('?predict=0')).toBe(false);
    expect(predictFromLink('?predict=off')).toBe(false);
    expect(predictFromLink('?tour=one-curve')).toBeNull();
  });
});
