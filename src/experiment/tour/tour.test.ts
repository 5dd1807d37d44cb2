// The tour's data: one step per finding in the paper's order after the setup, every run and chart a
// step names exists for the view it opens, configs hash the same whatever their key order, summaries
// of hand-built runs give the numbers worked out here, and the shipped results file is valid and
// belongs to the tour's current configs (a changed preset without `npm run tour-results` fails here).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../config';
import type { EvalPoint } from '../protocol';
import { parseSweep } from '../sweep/config';
import { SWEEP_PRESETS } from '../sweep/presets';
import {
  canonicalJson, configHash, experimentSummary, hashConfig, offersProbes, parseTourResults, setupSentence, staleRuns,
  stepAlso, stepMeasured, sweepSummary, tourProblems, withWidthClaim, type TourResults,
} from './results';
import { findingsTable, withFindingsTable } from './readme-table';
import { measuredRuns, TOUR_RUNS, TOUR_STEPS, tourStep } from './steps';

/** Charts each view draws (data-chart of MetricCharts/TrainingCharts and SweepCharts). */
const CHARTS = {
  experiment: ['targetLoss', 'sourceLoss', 'tradeoff', 'targetAccuracy', 'diversity', 'entropy', 'rank90'],
  sweep: ['lr-target', 'lr-source', 'rank-target', 'rank-source', 'modules-target', 'modules-source', 'plane'],
};

const e = (method: string, step: number, targetLoss: number, sourceLoss: number): EvalPoint => ({ method, step, targetLoss, sourceLoss });

describe('tour steps', () => {
  it('start with the setup, then findings 1 to 8 once each, in order', () => {
    expect(TOUR_STEPS.map((s) => s.finding)).toEqual([null, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(TOUR_STEPS.map((s) => s.id)).size).toBe(9);
    for (const s of TOUR_STEPS) expect(s.id).toMatch(/^[a-z0-9-]+$/);
  });

  it('name only runs the tour defines, and every measured run is shown', () => {
    expect(tourProblems()).toEqual([]);
  });

  it('highlight charts that the view of their run draws', () => {
    for (const s of TOUR_STEPS) {
      const kind = TOUR_RUNS[s.run].kind;
      expect(s.look.charts.length, s.id).toBeGreaterThan(0);
      for (const c of s.look.charts) expect(CHARTS[kind], `${s.id}: ${c}`).toContain(c);
    }
  });

  it('finds a step by id, and nothing for an unknown one', () => {
    expect(tourStep('one-curve')?.finding).toBe(3);
    expect(tourStep('nope')).toBeNull();
    expect(tourStep(null)).toBeNull();
  });

  it('measure the diversity and rank findings with a run that samples and evaluates spectra', () => {
    const run = TOUR_RUNS[tourStep('diversity')!.run];
    expect(run.kind === 'experiment' && run.config.diversity.samples).toBeGreaterThan(0);
  });

  it('compare model sizes with the same runs, only the base differing', () => {
    for (const [id, small] of [['lr-code', 'lr-code-small'], ['regularizers-code', 'regularizers-code-small'], ['english-code', 'english-code-small']]) {
      const [b, s] = [TOUR_RUNS[id], TOUR_RUNS[small]];
      const cfg = (r: typeof b) => (r.kind === 'experiment' ? r.config : r.sweep);
      expect(b.kind).toBe(s.kind);
      expect(cfg(b).base).toBe('base');
      expect(cfg(s).base).toBe('small');
      expect({ ...cfg(b), base: 'x' }).toEqual({ ...cfg(s), base: 'x' });
    }
  });
});

describe('config hashes', () => {
  it('sort keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it('do not depend on key order or on defaults written out', () => {
    const cfg = PRESETS['english-code'].config;
    const reordered = Object.fromEntries(Object.entries(cfg).reverse());
    expect(hashConfig('experiment', reordered)).toBe(hashConfig('experiment', cfg));
    const { maxGradNorm: _dropped, ...withoutDefault } = cfg;
    expect(hashConfig('experiment', withoutDefault)).toBe(hashConfig('experiment', cfg));
    expect(hashConfig('experiment', { ...cfg, steps: 201 })).not.toBe(hashConfig('experiment', cfg));
  });

  it('tell sweeps apart by their grid', () => {
    const s = SWEEP_PRESETS['lr-code'].sweep;
    expect(hashConfig('sweep', s)).toBe(configHash(TOUR_RUNS['lr-code']));
    expect(hashConfig('sweep', parseSweep({ ...s, seed: 2 }))).not.toBe(configHash(TOUR_RUNS['lr-code']));
  });
});

describe('summaries', () => {
  const cfg = {
    ...PRESETS['english-code'].config, steps: 200,
    methods: [PRESETS['english-code'].config.methods[0], PRESETS['english-code'].config.methods[2]],
  };
  const evals = [
    e('full', 0, 5.004, 1.852), e('full', 100, 2.0, 2.4), e('full', 200, 1.65, 2.678),
    e('r8', 0, 5.004, 1.852), e('r8', 100, 2.9, 2.2), e('r8', 200, 2.467, 2.47),
  ];

  const one = (ev: EvalPoint[], diverged: Record<string, number> = {}) => [{ evals: ev, diverged }];
  /** Three seeds: every loss after step 0 moved by 0, +0.02 and −0.02. */
  const three = (ev: EvalPoint[]) => [0, 0.02, -0.02].map((d) => ({ evals: ev.map((x) => (x.step ? { ...x, targetLoss: x.targetLoss + d, sourceLoss: x.sourceLoss + d } : x)), diverged: {} }));

  it('of an experiment over seeds: base losses, mean and range of the last losses, the claims and their noise', () => {
    const s = experimentSummary('english-code', cfg, three(evals), [1, 2, 3]);
    expect(s.baseline).toEqual({ targetLoss: 5.004, sourceLoss: 1.852 });
    expect(s.seeds).toEqual([1, 2, 3]);
    expect(s.finals[0]).toMatchObject({ label: 'Full fine-tuning', step: 200, targetLoss: expect.closeTo(1.65, 9), targetRange: [expect.closeTo(1.63, 9), expect.closeTo(1.67, 9)] });
    expect(s.claims.map((c) => c.verdict).slice(0, 3)).toEqual(['agrees', 'mixed', 'disagrees']);
    // The noise table: the largest seed range of each kind of number (here every range is 0.04).
    expect(s.noise.target).toBeCloseTo(0.04, 9);
    expect(setupSentence(s)).toBe(
      'Before fine-tuning, the base model scores 5.00 nats/byte on held-out code and 1.85 on held-out English. ' +
        'After 200 steps (mean [min–max] over 3 seeds): Full fine-tuning 1.65 [1.63–1.67] on code and 2.68 [2.66–2.70] on English and ' +
        'LoRA r=8 2.47 [2.45–2.49] on code and 2.47 [2.45–2.49] on English.',
    );
  });

  it('of a one-seed experiment: plain numbers, judged against the shipped noise', () => {
    const s = experimentSummary('english-code', cfg, one(evals), [1]);
    expect(s.finals[0]).toEqual({ label: 'Full fine-tuning', step: 200, targetLoss: 1.65, sourceLoss: 2.678 });
    expect(s.claims[0].verdict).toBe('within-noise');
    const judged = experimentSummary('english-code', cfg, one(evals), [1], { noise: { target: 0.1 }, from: 'x' });
    expect(judged.claims[0].verdict).toBe('agrees');
  });

  it('name the domains of the run they describe', () => {
    const math = { ...cfg, target: { domain: 'math' as const, answerOnly: true } };
    expect(setupSentence(experimentSummary('x', math, one(evals), [1]))).toMatch(/^Before fine-tuning, the base model scores 5.00 nats\/byte on held-out math problems and 1.85 on held-out English\./);
    const custom = { ...cfg, target: { domain: 'custom' as const, name: 'notes.md', sha256: 'a'.repeat(64), bytes: 5000 } };
    expect(experimentSummary('x', custom, one(evals), [1]).domains).toEqual({ source: 'English', target: 'your text “notes.md”' });
  });

  it('say so before the base model is evaluated', () => {
    expect(setupSentence(experimentSummary('x', cfg, one([]), [1]))).toBe('No evaluation of the base model yet.');
  });

  it('leave a diverged method out of the comparisons', () => {
    const s = experimentSummary('english-code', cfg, one(evals.slice(0, 4), { r8: 100 }), [1]);
    expect(s.claims[0].measured).toContain('LoRA r=8 diverged at step 100');
  });

  it('of a sweep: each cell by family and learning rate', () => {
    const [full, r8] = SWEEP_PRESETS['lr-code'].sweep.families;
    const sweep = parseSweep({ ...SWEEP_PRESETS['lr-code'].sweep, families: [{ ...full, lrs: [1e-3, 3e-3] }, { ...r8, lrs: [1e-2, 3e-2] }] });
    const evals = [['full-0', 2.0], ['full-1', 1.7], ['r8-0', 2.4], ['r8-1', 2.6]].flatMap(([id, t]) => [e(id as string, 0, 5, 1.8), e(id as string, 200, t as number, 2.5)]);
    const s = sweepSummary('lr-code', sweep, [{ evals, diverged: ['r8-1'] }], [1], { noise: { target: 0.1 }, from: 'x' });
    expect(s.finals.map((f) => f.label)).toEqual(['Full FT @ 1e-3', 'Full FT @ 3e-3', 'LoRA r=8 @ 1e-2', 'LoRA r=8 @ 3e-2']);
    expect(s.baseline).toEqual({ targetLoss: 5, sourceLoss: 1.8 });
    expect(s.claims).toHaveLength(8);
    // Best rates: full 3e-3 (1.7), LoRA 1e-2 (2.4; 3e-2 diverged), a ratio of 3.3; full's on the grid's edge.
    expect(s.claims[6].verdict).toBe('inconclusive');
    expect(s.claims[6].measured).toContain('Full FT 3e-3, at the top edge of its grid 1e-3–3e-3');
    expect(s.claims[6].measured).toContain("LoRA's over full fine-tuning's: 3.3× for LoRA r=8");
    expect(s.claims[0].verdict).toBe('agrees');
  });

  it("give a step its finding's sentence and verdict, probes unless it agrees or is not measured", () => {
    const s = experimentSummary('english-code', cfg, three(evals), [1, 2, 3]);
    expect(stepMeasured(tourStep('learns-less')!, s)).toEqual({ text: s.claims[0].measured, verdict: 'agrees' });
    expect(stepMeasured(tourStep('setup')!, s).verdict).toBeNull();
    expect(['agrees', 'disagrees', 'mixed', 'within-noise', 'inconclusive', 'not-measured'].map((v) => offersProbes(v as never))).toEqual([false, true, true, true, true, false]);
  });

  it("of the second width: finding 6 compares the wide run with the narrow one, the other findings stay the wide run's own", () => {
    const wide = TOUR_RUNS['rank-width-small'];
    const narrow = TOUR_RUNS[wide.kind === 'experiment' ? wide.widthOf! : ''];
    if (wide.kind !== 'experiment' || narrow.kind !== 'experiment') throw new Error('experiments expected');
    const rank = (x: EvalPoint, all: number, width: number): EvalPoint => ({ ...x, rank90: { attention: all, mlp: all, all, share: all / width } });
    const at = (width: number, full: number, r8: number) => [0, 0.1, -0.1].map((d) => ({
      evals: evals.map((x) => rank(x, x.step === 0 ? 0 : x.method === 'full' ? full + d : r8 + d / 10, width)), diverged: {},
    }));
    const own = experimentSummary('rank-width-small', wide.config, at(128, 21.7, 4.6), [1, 2, 3]);
    const s = withWidthClaim(own, { config: wide.config, runs: at(128, 21.7, 4.6) }, { config: narrow.config, runs: at(64, 19.2, 5) });
    expect(s.claims[5].measured).toMatch(/^Full fine-tuning's weight change at two widths, against LoRA r=8 .*width 64 \(“base”, step 200\).*width 128 \(“small”, step 200\)/);
    expect(s.claims[5].verdict).toBe('agrees');
    expect(s.claims.filter((c) => c.finding !== 6)).toEqual(own.claims.filter((c) => c.finding !== 6));
    expect(s.noise.rank90).toBeCloseTo(0.2, 9);
    // A narrow run without the wide run's LoRA cannot be compared.
    const noR8 = { ...narrow.config, methods: narrow.config.methods.filter((m) => m.id !== 'r8') };
    expect(() => withWidthClaim(own, { config: wide.config, runs: at(128, 21.7, 4.6) }, { config: noR8, runs: at(64, 19.2, 5) })).toThrow(/same rank and modules/);
    // The high-rank step shows it under its own claim.
    const results = { runs: { 'rank-width-small': { ...s, configHash: '', baseSha256: '', command: '', seconds: null } } } as unknown as TourResults;
    expect(stepAlso(tourStep('high-rank')!, results)).toEqual([
      { run: 'rank-width-small', title: wide.title, seeds: 3, legacy: false, text: s.claims[5].measured, verdict: 'agrees' },
    ]);
    expect(stepAlso(tourStep('learns-less')!, results)).toEqual([]);
  });
});

describe('the results file', () => {
  const shipped = (name: string) => (JSON.parse(readFileSync(new URL(`../../../public/models/${name}.json`, import.meta.url), 'utf8')) as { sha256: string }).sha256;
  const BASES = { base: shipped('base'), small: shipped('small') };
  const file = (): TourResults => parseTourResults(JSON.parse(readFileSync(new URL('../../../public/tour/results.json', import.meta.url), 'utf8')));

  it('is valid and was made for the tour and base models as they are now (else run npm run tour-results)', () => {
    const r = file();
    expect(r.generatedBy).toBe('npm run tour-results');
    expect(staleRuns(r, BASES)).toEqual([]);
    expect(Object.keys(r.runs).sort()).toEqual(measuredRuns().map((x) => x.id).sort());
  });

  it('holds measured numbers for every step', () => {
    const r = file();
    for (const step of TOUR_STEPS) {
      const m = stepMeasured(step, r.runs[step.run]);
      expect(m.text, step.id).not.toMatch(/NaN|undefined/);
      if (step.finding !== null) expect(m.verdict, step.id).not.toBe('not-measured');
    }
  });

  it('rejects a file that is not one', () => {
    const good = file();
    expect(() => parseTourResults({ ...good, version: 3 })).toThrow(/not valid \(version/);
    const run = Object.values(good.runs)[0];
    expect(() => parseTourResults({ ...good, runs: { x: { ...run, claims: run.claims.slice(1) } } })).toThrow(/runs\.x\.claims/);
    expect(() => parseTourResults('<html>')).toThrow(/not valid/);
  });

  it('reads a version-1 file as legacy one-seed runs, dated by that file, without a second verdict word', () => {
    const good = file();
    const run = { ...Object.values(good.runs)[0] };
    for (const k of ['seeds', 'noise', 'legacy', 'measuredAt'] as const) delete (run as Partial<typeof run>)[k];
    const claims = run.claims.map((c, i) => (i === 1 ? { ...c, measured: 'Mixed: LoRA r=1 forgot less; LoRA r=8 forgot more.', verdict: 'mixed' as const } : c));
    const v1 = parseTourResults({ ...good, version: 1, generatedAt: '2026-11-29T04:46:07.547Z', runs: { x: { ...run, claims } } });
    expect(v1.runs.x).toMatchObject({ seeds: [1], noise: {}, legacy: true, measuredAt: '2026-11-29T04:46:07.547Z' });
    expect(v1.runs.x.claims[1].measured).toBe('LoRA r=1 forgot less; LoRA r=8 forgot more.');
  });

  it('marks a run stale when its config or its base model changes', () => {
    const r = file();
    const id = measuredRuns()[0].id;
    expect(staleRuns({ ...r, runs: { ...r.runs, [id]: { ...r.runs[id], configHash: '0'.repeat(64) } } }, BASES)).toEqual([id]);
    expect(staleRuns(r, { ...BASES, small: '1'.repeat(64) })).toEqual(['lr-code-small', 'rank-width-small']);
  });
});

describe("the README's findings table", () => {
  it('is exactly what the results file generates (run npm run tour-results to rewrite it)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const results = parseTourResults(JSON.parse(readFileSync(new URL('../../../public/tour/results.json', import.meta.url), 'utf8')));
    expect(readme).toContain(findingsTable(results));
    expect(withFindingsTable(readme, results)).toBe(readme);
  });

  it('marks a legacy run, the step\'s own or a further one, as not judged against noise, as the tour does', () => {
    const results = parseTourResults(JSON.parse(readFileSync(new URL('../../../public/tour/results.json', import.meta.url), 'utf8')));
    const legacy = (id: string) => ({ ...results, runs: { ...results.runs, [id]: { ...results.runs[id], seeds: [1], noise: {}, legacy: true } } });
    const row6 = (r: TourResults) => findingsTable(r).split('\n').find((l) => l.startsWith('| 6 '))!;
    expect(row6(results)).toMatch(/Also `rank-width-small` \([^)]*, 3 seeds; agrees\)/);
    expect(row6(legacy('rank-width-small'))).toMatch(/Also `rank-width-small` \([^)]*, 1 seed, earlier rule; not judged against noise \(1 seed; earlier rule: agrees\)\)/);
    expect(row6(legacy('english-code'))).toMatch(/\| not judged against noise \(1 seed; earlier rule: agrees\) \|$/);
  });

  it('rewrites a README whose table was edited by hand', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const results = parseTourResults(JSON.parse(readFileSync(new URL('../../../public/tour/results.json', import.meta.url), 'utf8')));
    const row = findingsTable(results).split('\n').find((l) => l.startsWith('| 1 '))!;
    const edited = readme.replace(row, row.replace(/\d\.\d\d/, '9.99'));
    expect(edited).not.toBe(readme);
    expect(withFindingsTable(edited, results)).toBe(readme);
  });
});
