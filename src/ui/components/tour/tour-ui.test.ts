// The tour's page side: every chart a step points at has an outline rule in tour.css (a new chart
// name in a step without one would highlight nothing), and a saved position is read back only when
// it names a real step.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TOUR_STEPS } from '../../../experiment/tour/steps';
import { readSaved } from '../../store/tour';
import { TOUR_STORAGE_KEY, tourWanted } from './TourEntry';

describe('tour page', () => {
  it('outlines every chart a step names', () => {
    const css = readFileSync(new URL('./tour.css', import.meta.url), 'utf8');
    for (const c of new Set(TOUR_STEPS.flatMap((s) => s.look.charts))) {
      expect(css, c).toContain(`:root[data-tour-look~='${c}'] .ll-chart[data-chart='${c}']`);
    }
  });

  it('reads a saved position back only when it names a step', () => {
    expect(readSaved(JSON.stringify({ step: 'one-curve', open: true }))).toEqual({ step: 3, open: true });
    expect(readSaved(JSON.stringify({ step: 'diversity' }))).toEqual({ step: 5, open: false });
    expect(readSaved(JSON.stringify({ step: 'gone', open: true }))).toBeNull();
    expect(readSaved('{not json')).toBeNull();
    expect(readSaved(null)).toBeNull();
  });

  it('loads the tour with the page only for a tour link or a remembered position (TourEntry)', () => {
    // TourEntry peeks at the store's key without importing the store (which holds every step's text).
    const store = readFileSync(new URL('../../store/tour.ts', import.meta.url), 'utf8');
    expect(store).toContain(`const KEY = '${TOUR_STORAGE_KEY}';`);
    expect(tourWanted('?tour=one-curve', null)).toBe(true);
    expect(tourWanted('', JSON.stringify({ step: 'setup', open: false }))).toBe(true);
    expect(tourWanted('?preset=english-math', null)).toBe(false);
  });
});
