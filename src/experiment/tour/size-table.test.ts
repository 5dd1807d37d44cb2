// The README's model-size table against hand-worked curves (best cell per family in bold, spreads over
// seeds, one seed as a plain number, a diverged cell, a base with no seeds yet), the tour's verdicts for
// the two sweeps beside it, and the README's table against the shipped files it is generated from.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EvalPoint } from '../protocol';
import { cellResults } from '../sweep/cells';
import { parseTourCurves, tourCurvesPath, type SeedCurves, type TourCurves } from './curves';
import { parseTourResults, TOUR_RESULTS_PATH, type MeasuredRun, type TourResults } from './results';
import type { Verdict } from '../analysis/claims-text';
import { SIZE_END, SIZE_START, sizeSides, sizeTable, withSizeTable, type SizeSide } from './size-table';
import { TOUR_RUNS } from './steps';

const run = TOUR_RUNS['lr-code'];
if (run.kind !== 'sweep') throw new Error('lr-code is a sweep');
const ids = cellResults(run.sweep, [], new Set()).map((c) => c.cellId);
const [full1, full2] = ids.filter((id) => id.startsWith('full'));
const [lora1, lora2] = ids.filter((id) => !id.startsWith('full'));

/** A cell's evaluations: step 0 at (5, 1.9), then the given (target, source) points at steps 20, 40, … */
const cell = (id: string, pts: Array<[number, number]>): EvalPoint[] => [
  { method: id, step: 0, targetLoss: 5, sourceLoss: 1.9 },
  ...pts.map(([t, s], i) => ({ method: id, step: 20 * (i + 1), targetLoss: t, sourceLoss: s })),
];
const seed = (n: number, evals: EvalPoint[], diverged: Record<string, number> = {}): SeedCurves => ({ seed: n, configHash: '0'.repeat(64), evals, diverged });
const side = (base: string, seeds: SeedCurves[] | null): SizeSide => ({
  run: base === 'base' ? 'lr-code' : 'lr-code-small', base, sweep: run.sweep, curves: seeds ? { version: 1, run: 'lr-code', kind: 'sweep', seeds } : null,
});
const row = (table: string, label: string) => table.split('\n').find((l) => l.startsWith(`| ${label} |`));

describe('the model-size table', () => {
  const a = side('base', [
    seed(1, [...cell(full1, [[2, 2.3], [1.8, 2.5]]), ...cell(full2, [[1.7, 2.6]]), ...cell(lora1, [[2.5, 2.2]]), ...cell(lora2, [[2.4, 2.3]])]),
    seed(2, [...cell(full1, [[2.2, 2.3], [2.0, 2.4]]), ...cell(full2, [[1.9, 2.7]]), ...cell(lora1, [[2.7, 2.2]]), ...cell(lora2, [[NaN, NaN]])], { [lora2]: 20 }),
  ]);
  const b = side('small', [seed(1, [...cell(full1, [[1.6, 2.5]]), ...cell(full2, [[1.9, 2.8]])])]);
  const t = sizeTable(a, b, null);

  it('gives each cell its lowest target loss and the source rise there, mean [min–max] over seeds, one seed as a plain number', () => {
    expect(row(t, `Full FT @ 3e-4`)).toBe('| Full FT @ 3e-4 | 1.90 [1.80–2.00] | +0.55 [+0.50–+0.60] | **1.60** | +0.60 |');
    expect(row(t, `Full FT @ 1e-3`)).toBe('| Full FT @ 1e-3 | **1.80 [1.70–1.90]** | +0.75 [+0.70–+0.80] | 1.90 | +0.90 |');
  });

  it('marks a cell that diverged in any seed, leaves it out of the best, and dashes a cell the other base has no curves for', () => {
    expect(row(t, 'LoRA r=8 @ 3e-3')).toBe('| LoRA r=8 @ 3e-3 | diverged | – | – | – |');
    expect(row(t, 'LoRA r=8 @ 1e-3')).toBe('| LoRA r=8 @ 1e-3 | **2.60 [2.50–2.70]** | +0.30 [+0.30–+0.30] | – | – |');
  });

  it('says how many seeds each side holds, and that a side has none yet', () => {
    expect(t).toContain('Seeds: “base” 2 seeds (1, 2); “small” 1 seed (1).');
    expect(sizeTable(a, side('small', null), null)).toContain('“small” no seeds shipped yet');
  });

  it("sets the tour's verdicts for the two sweeps side by side, finding by finding, a legacy run marked as the tour marks it", () => {
    const claim = (finding: number, title: string, verdict: Verdict) => ({ finding, title, paper: '', measured: '', verdict });
    const measured = (claims: ReturnType<typeof claim>[], extra: Partial<MeasuredRun>) => ({ claims, seeds: [1, 2, 3], ...extra }) as MeasuredRun;
    const results = { runs: {
      'lr-code': measured([claim(1, 'LoRA learns less', 'agrees'), claim(2, 'LoRA forgets less', 'mixed'), claim(4, 'A stronger regularizer', 'not-measured'), claim(7, 'LoRA is more sensitive', 'inconclusive')], {}),
      'lr-code-small': measured([claim(1, 'LoRA learns less', 'within-noise'), claim(2, 'LoRA forgets less', 'agrees'), claim(7, 'LoRA is more sensitive', 'not-measured')], {}),
    } } as unknown as TourResults;
    const lines = (x: TourResults | null) => sizeTable(a, b, x).split('\n').filter((l) => /^\| (finding|\d) /.test(l));
    expect(lines(results)).toEqual([
      '| finding | base: verdict (3 seeds) | small: verdict (3 seeds) |',
      '| 1 LoRA learns less | agrees | within noise |',
      '| 2 LoRA forgets less | mixed | agrees |',
      '| 7 LoRA is more sensitive | inconclusive | not measured |',
    ]);
    const legacy = { runs: { ...results.runs, 'lr-code-small': { ...results.runs['lr-code-small'], seeds: [1], legacy: true } } } as unknown as TourResults;
    expect(lines(legacy)[0]).toBe('| finding | base: verdict (3 seeds) | small: verdict (1 seed, earlier rule) |');
    expect(lines(legacy)[2]).toBe('| 2 LoRA forgets less | mixed | not judged against noise (1 seed; earlier rule: agrees) |');
    const onlyBase = { runs: { 'lr-code': results.runs['lr-code'] } } as unknown as TourResults;
    expect(lines(onlyBase)[1]).toBe('| 1 LoRA learns less | agrees | not in the results file |');
    expect(sizeTable(a, b, null)).toContain('No verdicts yet: `public/tour/results.json` holds neither sweep.');
  });

  it('replaces only what lies between its markers', () => {
    const readme = `intro\n${SIZE_START}\nold\n${SIZE_END}\noutro\n`;
    expect(withSizeTable(readme, t)).toBe(`intro\n${t}\noutro\n`);
    expect(() => withSizeTable('no markers', t)).toThrow(/no size-table markers/);
  });
});

describe("the README's model-size table", () => {
  it('is exactly what the shipped curves files generate (run npm run tour-results to rewrite it)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const curvesOf = (id: string): TourCurves | null => {
      const url = new URL(`../../../public/${tourCurvesPath(id)}`, import.meta.url);
      return existsSync(url) ? parseTourCurves(JSON.parse(readFileSync(url, 'utf8'))) : null;
    };
    const results = parseTourResults(JSON.parse(readFileSync(new URL(`../../../public/${TOUR_RESULTS_PATH}`, import.meta.url), 'utf8')));
    const table = sizeTable(...sizeSides(curvesOf), results);
    expect(readme).toContain(table);
    expect(withSizeTable(readme, table)).toBe(readme);
  });
});
