// Time before you press and the class kit (issue 20, items 3 and 9). A tour step's run button and its
// classroom version say how long each takes on this device (unknown before anything was measured,
// then from the speed the browser kept); a short real run measures the speed, the status line says
// the time left and what it took, and Start's estimate for the same settings matches it. Predict
// first hides the step's reference until a pick, then says whether the data on the page matched,
// from the verdict the results file holds; skipping shows the reference at once. The class kit's
// worksheet (Markdown, HTML), and the paper-vs-here table (SVG, PNG) download with the data's answers.
// Screenshots at 1280×800 in both themes; axe finds no serious or critical violation in the new parts.
import { readFileSync } from 'node:fs';
import type { Download, Page } from '@playwright/test';
import { seriousViolations } from './axe';
import { expect, test } from './fixtures';

const DIR = process.env.SHOTS_DIR ?? 'test-results/screenshots';
const SPEED_KEY = 'lora-lab:speed';

/** One measured speed at the tour sweeps' settings (base, B=8, T=64, 4 held-out batches, no diversity sampling). */
const SWEEP_SPEED = [{
  shape: { base: 'base', batchSize: 8, seqLen: 64, evalBatches: 4, samples: 0, length: 0, math: false },
  msPerMethodStep: 100, msPerMethodEval: 500, methodSteps: 600, methodEvals: 60, measuredAt: '2026-12-05T10:00:00Z', adapter: '',
}];

async function shoot(page: Page, name: string) {
  await page.getByTestId('tour').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `${DIR}/class-kit-${name}-1280x800-${scheme}.png` });
    expect(await seriousViolations(page, ['[data-testid="tour"]']), `${name}, ${scheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const text = async (d: Download) => readFileSync((await d.path())!, 'utf8');

test('a sweep step says its time and its classroom version’s; predict first hides the reference until a pick; the class kit downloads', async ({ page, browser }) => {
  await page.goto('/?tour=one-curve');
  const tour = page.getByTestId('tour');
  // Nothing measured in this browser: unknown, with what the reference machine took per seed.
  await expect(tour.getByTestId('tour-run-time')).toHaveText(/^unknown on this device until a first step runs \(the reference machine took about \d+ min per seed\)$/);
  await expect(tour.getByTestId('tour-run-classroom')).toHaveText('Classroom version (60 steps)');
  await expect(tour.getByTestId('tour-classroom-time')).toHaveText('unknown on this device until a first step runs');
  await expect(tour.getByTestId('tour-classroom-note')).toContainText('No shipped reference of its own: the reference drawn in the charts is the full 9 runs × 200 steps run’s.');

  // A speed measured before: 9 runs × 200 steps × 0.1 s + 9 × 11 evaluations × 0.5 s = 230 s; the classroom version's
  // 6 runs × 60 steps × 0.1 s + 6 × 7 × 0.5 s = 57 s. The Sweep view's status line says the full one before Start.
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [SPEED_KEY, JSON.stringify(SWEEP_SPEED)]);
  await page.reload();
  await expect(tour.getByTestId('tour-run-time')).toHaveText('about 4 min on this device (measured 5 Dec: 100 ms per method-step)');
  await expect(tour.getByTestId('tour-run-time')).toHaveAttribute('data-seconds', '230');
  await expect(tour.getByText('6 runs × 60 steps, base “base”:')).toBeVisible();
  await expect(tour.getByTestId('tour-classroom-time')).toHaveAttribute('data-seconds', '57');
  await expect(page.locator('#sweep-status')).toContainText('Expected: about 4 min on this device');
  // The classroom button asks before replacing the grid on screen, naming what it changes.
  await tour.getByTestId('tour-run-classroom').click();
  await expect(page.getByTestId('tour-changes')).toContainText('60');
  await page.getByRole('button', { name: 'Load settings only' }).click();
  await expect(page.locator('#sweep-status')).toContainText('Expected: about 57 s on this device');
  await shoot(page, 'time');

  // Predict first: the reference leaves the charts and the card until a pick.
  const results = await (await page.request.get('/tour/results.json')).json() as { runs: Record<string, { claims: { finding: number; verdict: string }[] }> };
  const verdict = results.runs['lr-code'].claims.find((c) => c.finding === 3)!.verdict;
  const refs = page.locator('.ll-chart[data-chart="plane"] .ll-ref-point');
  await expect(refs.first()).toBeAttached();
  await tour.getByTestId('predict-mode').check();
  await expect(tour.getByTestId('tour-predict')).toHaveAttribute('data-state', 'ask');
  await expect(tour.getByTestId('tour-hidden')).toBeVisible();
  await expect(tour.getByTestId('tour-claim')).toHaveCount(0);
  await expect(refs).toHaveCount(0);
  await shoot(page, 'predict-ask');
  await tour.getByTestId('predict-other').click();
  const expected = { agrees: 'not-matched', disagrees: 'matched', mixed: 'partly', 'within-noise': 'cannot-tell', inconclusive: 'cannot-tell', 'not-measured': 'not-measured' }[verdict];
  const result = tour.getByTestId('predict-result');
  await expect(result).toHaveAttribute('data-match', expected!);
  await expect(result).toContainText('You predicted “No: one of them forgets less for the same learning”.');
  await expect(tour.getByTestId('tour-claim')).toBeVisible();
  await expect(refs.first()).toBeAttached();
  await shoot(page, 'predict-revealed');
  expect(JSON.parse((await page.evaluate(() => localStorage.getItem('lora-lab:predictions')))!)).toEqual({ on: true, picks: { 'one-curve': 'other' } });

  // The next step waits for its own pick; skipping shows its reference at once.
  await tour.getByRole('button', { name: 'Next →' }).click();
  await expect(tour).toHaveAttribute('data-step', 'regularizer');
  await expect(tour.getByTestId('tour-hidden')).toBeVisible();
  await tour.getByTestId('predict-skip').click();
  await expect(tour.getByTestId('predict-result')).toHaveAttribute('data-match', 'skipped');
  await expect(tour.getByTestId('tour-reference')).toBeVisible();

  // The class kit: the worksheet with every step's link and command and the key from the data, the table for slides.
  await tour.getByText('Class kit').click();
  const md = await text(await Promise.all([page.waitForEvent('download'), tour.getByRole('button', { name: 'Worksheet (Markdown)' }).click()]).then(([d]) => d));
  for (const id of ['setup', 'learns-less', 'forgets-less', 'one-curve', 'regularizer', 'diversity', 'high-rank', 'lr-sensitivity', 'best-practices']) {
    expect(md).toContain(`/?tour=${id}&predict=1>`);
  }
  expect(md).toContain('`npm run tour-results -- --only lr-code`');
  const key = md.split('# Teacher’s answer key')[1];
  const oneCurve = key.split('## ').find((s) => s.includes('Finding 3'))!;
  const answers: Record<string, string> = { agrees: '“Yes: one shared trade-off curve”', disagrees: '“No: one of them forgets less for the same learning”' };
  expect(oneCurve).toContain(answers[verdict] ?? 'Answer:');
  const html = await text(await Promise.all([page.waitForEvent('download'), tour.getByRole('button', { name: 'Worksheet (HTML, printable)' }).click()]).then(([d]) => d));
  expect(html).toContain('<h1 class="key">Teacher’s answer key</h1>');
  const svg = await text(await Promise.all([page.waitForEvent('download'), tour.getByRole('button', { name: 'Paper vs here (SVG)' }).click()]).then(([d]) => d));
  expect(svg).toContain(`data-finding="3" data-verdict="${verdict}"`);
  const png = await Promise.all([page.waitForEvent('download'), tour.getByRole('button', { name: 'Paper vs here (PNG)' }).click()]).then(([d]) => d);
  expect(png.suggestedFilename()).toBe('lora-lab-paper-vs-here.png');
  expect([...readFileSync((await png.path())!).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

  // A worksheet link turns predict first on in a browser that never had it, and is not a link with problems.
  const fresh = await browser.newPage();
  await fresh.goto(new URL('/?tour=forgets-less&predict=1', page.url()).toString());
  await expect(fresh.getByTestId('tour-hidden')).toBeVisible();
  await expect(fresh.getByTestId('predict-mode')).toBeChecked();
  await expect(fresh.getByTestId('link-problems')).toHaveCount(0);
  await fresh.close();
});

test('a short run measures this device: time left while it trains, what it took, and Start’s estimate from it', async ({ page }) => {
  await page.goto('/?v=1&preset=english-code&m=full,r8&steps=6&evalEvery=3&evalBatches=1&div=0');
  const status = page.locator('#exp-status');
  await expect(status).toContainText('Expected: unknown on this device until a first step runs.');
  await page.getByRole('region', { name: /Experiment/ }).getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.getByTestId('time-left')).toHaveText(/ · (about \d+ (s|min) left|estimating time left…)/, { timeout: 120_000 });
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await expect(page.getByTestId('time-took')).toHaveText(/^ Took (\d+ s|\d+ min \d+ s)\.$/);
  const record = JSON.parse((await page.evaluate((k) => localStorage.getItem(k), SPEED_KEY))!) as { msPerMethodStep: number; methodSteps: number; methodEvals: number }[];
  expect(record[0]).toMatchObject({ methodSteps: 12, methodEvals: 6 });
  expect(record[0].msPerMethodStep).toBeGreaterThan(0);
  // The same settings again: the estimate is what this run took (its own steps and evaluations at its own pace).
  await expect(status).toContainText(/Start again: about \d+ (s|min) on this device \(measured \d+ \w+: \d+ ms per method-step\)\./);
  const took = (await page.getByTestId('time-took').textContent())!.match(/(\d+)(?: s| min (\d+) s)/)!;
  const tookS = took[2] === undefined ? Number(took[1]) : Number(took[1]) * 60 + Number(took[2]);
  const est = Number(await page.getByTestId('start-estimate').getAttribute('data-seconds'));
  expect(Math.abs(est - tookS)).toBeLessThanOrEqual(Math.max(2, 0.1 * tookS));
});
