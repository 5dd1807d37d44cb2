import { describe, expect, it } from 'vitest';
import type { Verdict } from '../analysis/claims';
import { answerOf, matchOf, PREDICTIONS, revealText } from './predict';
import { paperRows, paperTableSvg, wrap } from './paper-table';
import { parseTourResults, type MeasuredRun, type TourResults } from './results';
import { TOUR_RUNS, TOUR_STEPS, tourStep } from './steps';
import { answerKey, stepUrl, worksheetHtml, worksheetMarkdown } from './worksheet';

/** A results file for every measured run, each finding's verdict given, with made-up sentences and numbers. */
function fixture(verdicts: Partial<Record<number, Verdict>>, over: Partial<MeasuredRun> = {}): TourResults {
  const runs: Record<string, MeasuredRun> = {};
  for (const r of Object.values(TOUR_RUNS).filter((x) => x.measured)) {
    runs[r.id] = {
      run: r.id, kind: r.kind, base: 'base', steps: 200, domains: { source: 'English', target: 'code' },
      baseline: { targetLoss: 5, sourceLoss: 1.85 },
      finals: [{ label: 'Full fine-tuning', step: 200, targetLoss: 1.7, sourceLoss: 2.4 }, { label: 'LoRA r=8', step: 200, targetLoss: 2.4, sourceLoss: 2.5 }],
      claims: [1, 2, 3, 4, 5, 6, 7, 8].map((f) => ({
        finding: f, title: `finding ${f}`, paper: 'paper', measured: `Measured sentence ${f} of ${r.id}.`, verdict: verdicts[f] ?? 'not-measured',
        numbers: [{ label: `Full FT loss ${f}`, mean: 1.5 + f / 100, min: 1.49, max: 1.52 + f / 100, n: 3, key: 'target' }], seeds: 3,
      })),
      seeds: [1, 2, 3], noise: { target: 0.03 }, configHash: 'a'.repeat(64), baseSha256: 'b'.repeat(64),
      command: `npm run tour-results -- --only ${r.id} --seeds 1,2,3`, seconds: 600, measuredAt: '2026-12-01T00:00:00Z', ...over,
    };
  }
  return parseTourResults({ version: 2, generatedBy: 'npm run tour-results', generatedAt: '2026-12-02T00:00:00Z', device: 'a test device', runs });
}

const PAGE = 'https://lab.example/lora/?preset=x#top';

describe('predict first', () => {
  it('has a prompt with two answers for every step', () => {
    for (const s of TOUR_STEPS) {
      const p = PREDICTIONS[s.id];
      expect(p.question.endsWith('?')).toBe(true);
      expect(p.paper).not.toBe(p.other);
    }
  });

  it('reads the answer off the step’s verdict: agrees is the paper’s answer, disagrees the other, mixed in part, within noise cannot tell', () => {
    const step = tourStep('learns-less')!;
    const cases: [Verdict, string, string][] = [
      ['agrees', 'matched', 'not-matched'], ['disagrees', 'not-matched', 'matched'], ['mixed', 'partly', 'partly'],
      ['within-noise', 'cannot-tell', 'cannot-tell'], ['inconclusive', 'cannot-tell', 'cannot-tell'], ['not-measured', 'not-measured', 'not-measured'],
    ];
    for (const [v, paper, other] of cases) {
      const a = answerOf(step, fixture({ 1: v }))!;
      expect([matchOf('paper', a), matchOf('other', a)]).toEqual([paper, other]);
      expect(a.measured).toBe('Measured sentence 1 of english-code.');
    }
    expect(revealText(PREDICTIONS['learns-less'], 'other', answerOf(step, fixture({ 1: 'agrees' }))!))
      .toBe('You predicted “LoRA”. The data on this page: “Full fine-tuning”. Your prediction did not match.');
    expect(revealText(PREDICTIONS['learns-less'], 'paper', answerOf(step, fixture({ 1: 'within-noise' }))!)).toMatch(/cannot tell: the differences are within the seed-to-seed noise\. So the data cannot say/);
  });

  it('answers the setup step from the losses: every method’s English loss above the base model’s is a rise', () => {
    const setup = tourStep('setup')!;
    expect(answerOf(setup, fixture({}))!.outcome).toBe('paper');
    const r = fixture({});
    r.runs['english-code'].finals = r.runs['english-code'].finals.map((f) => ({ ...f, sourceLoss: 1.5 }));
    expect(answerOf(setup, r)!.outcome).toBe('other');
    r.runs['english-code'].finals[0].sourceLoss = 2;
    expect(answerOf(setup, r)!.outcome).toBe('partly');
  });

  it('says a one-seed legacy result is a hint, and has no answer without the run', () => {
    const a = answerOf(tourStep('learns-less')!, fixture({ 1: 'agrees' }, { legacy: true, seeds: [1] }))!;
    expect(revealText(PREDICTIONS['learns-less'], 'paper', a)).toMatch(/one seed, not judged against the seed-to-seed noise: a hint, not a verdict/);
    expect(answerOf(tourStep('learns-less')!, null)).toBeNull();
  });
});

describe('worksheet', () => {
  it('builds step links like the tour’s, without the page’s own query', () => {
    expect(stepUrl(PAGE, 'one-curve')).toBe('https://lab.example/lora/?tour=one-curve&predict=1');
  });

  it('lists every step’s prediction, link and command, then a key generated from the data', () => {
    const md = worksheetMarkdown(fixture({ 1: 'agrees', 2: 'mixed', 3: 'disagrees' }), { pageUrl: PAGE });
    for (const s of TOUR_STEPS) {
      expect(md).toContain(`<https://lab.example/lora/?tour=${s.id}&predict=1>`);
      expect(md).toContain(`npm run tour-results -- --only ${s.run}\``);
      expect(md).toContain(PREDICTIONS[s.id].question);
    }
    const [sheet, key] = md.split('# Teacher’s answer key');
    expect(sheet).not.toContain('Measured sentence');
    expect(key).toContain('**Answer:** “Full fine-tuning”');
    expect(key).toContain('**Verdict:** Agrees with the paper');
    expect(key).toContain('Measured sentence 1 of english-code.');
    expect(key).toContain('Partly each: the data is mixed');
    expect(key).toContain('written by `npm run tour-results` on a test device, 2026-12-02');
  });

  it('changes its key when the data changes', () => {
    const a = answerKey(fixture({ 1: 'agrees' }));
    const b = answerKey(fixture({ 1: 'disagrees' }));
    const i = TOUR_STEPS.findIndex((s) => s.id === 'learns-less');
    expect(a[i].answer).toBe('“Full fine-tuning”');
    expect(b[i].answer).toBe('“LoRA”');
    expect(b[i].verdict).toBe('Disagrees with the paper');
    const within = answerKey(fixture({ 1: 'within-noise' }))[i];
    expect(within.answer).toMatch(/^The data cannot tell/);
    expect(answerKey(null)[i].answer).toMatch(/No shipped numbers/);
  });

  it('prints as HTML with escaped text, check boxes and the key on its own sheet', () => {
    const r = fixture({ 1: 'agrees' });
    r.runs['english-code'].claims[0].measured = 'Loss <2 & "rising".';
    const html = worksheetHtml(r, { pageUrl: PAGE });
    expect(html).toContain('Loss &lt;2 &amp; &quot;rising&quot;.');
    expect(html).not.toContain('<2 &');
    expect(html).toContain('<h1 class="key">Teacher’s answer key</h1>');
    expect(html).toContain('<a href="https://lab.example/lora/?tour=setup&amp;predict=1">');
    expect(html).toContain('<li class="pick">☐ Full fine-tuning</li>');
    expect(html).not.toMatch(/<script/i);
  });
});

describe('paper vs here', () => {
  it('has one row per finding with the run’s verdict and numbers', () => {
    const rows = paperRows(fixture({ 1: 'agrees', 7: 'mixed' }));
    expect(rows.map((r) => r.finding)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rows[0].verdict).toBe('Agrees with the paper');
    expect(rows[0].here).toBe('Full FT loss 1: 1.51 [1.49–1.53] (3 seeds, english-code)');
    expect(rows[6]).toMatchObject({ verdictKey: 'mixed', run: 'lr-code', legacy: false, title: 'LoRA wants a higher learning rate and is more sensitive to it' });
    // Finding 6's second width follows its own run's numbers, with its own verdict.
    expect(rows[5].here).toBe('Full FT loss 6: 1.56 [1.49–1.58] (3 seeds, english-code). Also rank-width-small (not measured): Full FT loss 6: 1.56 [1.49–1.58] (3 seeds).');
    expect(paperRows(fixture({ 6: 'agrees' }))[5].here).toMatch(/ Also rank-width-small \(agrees with the paper\): Full FT loss 6: 1\.56 \[1\.49–1\.58\] \(3 seeds\)\.$/);
    const legacy = paperRows(fixture({ 1: 'agrees' }, { legacy: true, seeds: [1] }))[0];
    expect(legacy).toMatchObject({ legacy: true, verdict: 'One seed, not judged against noise (earlier rule: agrees with the paper)' });
  });

  it('wraps long cells and marks a cut', () => {
    expect(wrap('aa bb cc dd', 5, 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrap('aa bb cc dd ee ff', 5, 2)).toEqual(['aa bb', 'cc d…']);
  });

  it('draws a standalone SVG whose rows follow the data', () => {
    const svg = paperTableSvg(fixture({ 1: 'agrees', 3: 'disagrees' }));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('data-finding="1" data-verdict="agrees"');
    expect(svg).toContain('data-finding="3" data-verdict="disagrees"');
    expect(svg).toContain('a test device');
    expect(paperTableSvg(fixture({ 1: 'mixed' }))).toContain('data-finding="1" data-verdict="mixed"');
  });
});
