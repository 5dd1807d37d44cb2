// The shipped results file and the shipped curves files cannot disagree: every run the results file
// judges under the noise rule is recomputed here from its curves file (its seeds, noise, finals and every
// claim's sentence and verdict), and every seed a curves file holds belongs to the tour's current config.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTourCurves, tourCurvesPath, type TourCurves } from './curves';
import { configHash, parseTourResults } from './results';
import { measuredRuns, seededRun, TOUR_RUNS } from './steps';
import { curvesSummary } from './summarize';

const PUBLIC = new URL('../../../public/', import.meta.url);
const curvesOf = (id: string): TourCurves | null => {
  const url = new URL(tourCurvesPath(id), PUBLIC);
  return existsSync(url) ? parseTourCurves(JSON.parse(readFileSync(url, 'utf8'))) : null;
};
const results = parseTourResults(JSON.parse(readFileSync(new URL('tour/results.json', PUBLIC), 'utf8')));

describe('the shipped curves files', () => {
  it('hold only seeds of the tour’s current configs, each once, in order', () => {
    for (const r of measuredRuns()) {
      const c = curvesOf(r.id);
      if (!c) continue;
      expect(c.run, r.id).toBe(r.id);
      expect(c.kind, r.id).toBe(r.kind);
      const seeds = c.seeds.map((s) => s.seed);
      expect(seeds, r.id).toEqual([...new Set(seeds)].sort((a, b) => a - b));
      for (const s of c.seeds) expect(s.configHash, `${r.id} seed ${s.seed}`).toBe(configHash(seededRun(r, s.seed)));
    }
  });

  it('give every judged run of the results file exactly its numbers and sentences', () => {
    const judged = measuredRuns().filter((r) => !results.runs[r.id].legacy);
    expect(judged.length).toBeGreaterThan(0);
    for (const r of judged) {
      const c = curvesOf(r.id);
      expect(c, `${r.id}: no curves file`).not.toBeNull();
      const narrow = r.kind === 'experiment' && r.widthOf ? { run: TOUR_RUNS[r.widthOf], curves: curvesOf(r.widthOf)! } : null;
      const s = curvesSummary(r, c!, narrow);
      const { run, kind, base, steps, domains, baseline, finals, claims, seeds, noise } = results.runs[r.id];
      expect(s, r.id).toEqual({ run, kind, base, steps, domains, baseline, finals, claims, seeds, noise });
    }
  });
});
