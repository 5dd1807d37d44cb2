// The guided tour in the page: a step's own link opens it with the paper's number and the numbers of
// the shipped results file; the steps' charts are outlined; the tour remembers where a student
// stopped; a step's button configures and starts its experiment or sweep; a finished run of the
// student's appears beside the file's numbers, never in their place; embed mode's hide=tour removes it.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';

/** The verdict chip's words (ClaimList's VERDICT_LABEL). */
const LABEL: Record<string, string> = {
  agrees: 'Agrees with the paper.', disagrees: 'Disagrees with the paper.', mixed: 'Mixed.', 'within-noise': 'Within noise at this scale.',
  inconclusive: 'Inconclusive.', 'not-measured': 'Not measured.',
};
const CHIP = /^(Agrees with the paper|Disagrees with the paper|Mixed|Within noise at this scale|Inconclusive|Not measured)\.\s*/;

const results = JSON.parse(readFileSync(new URL('../public/tour/results.json', import.meta.url), 'utf8')) as {
  runs: Record<string, { claims: Array<{ finding: number; measured: string; verdict: string }>; seeds: number[]; legacy?: boolean }>;
};

test("a step's link opens it with the paper's figure and the results file's numbers", async ({ page }) => {
  await page.goto('/?tour=one-curve');
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('data-step', 'one-curve');
  await expect(tour.getByText('Step 4 of 9')).toBeVisible();
  await expect(tour.getByRole('heading', { name: 'Finding 3: one learn–forget trade-off' })).toBeVisible();
  await expect(tour.getByText(/Paper \(Llama-2-7B\):.*roughly one learn–forget curve/)).toBeVisible();
  const claim = results.runs['lr-code'].claims[2];
  const measured = tour.getByTestId('tour-measured');
  await expect(measured).toHaveAttribute('data-source', 'file');
  await expect(measured).toContainText(claim.measured);
  await expect(measured).toContainText(/Reference: fine-tuned from the base model “base” \(115k parameters, d_model 64, 2 layers, pretrained 3000 steps\); measured by npm run tour-results on .+, \d{4}-\d\d-\d\d/);
  await expect(measured.getByTestId('tour-verdict')).toHaveText(LABEL[claim.verdict]);
  await expect(measured.getByTestId('verdict-rule')).toContainText('How verdicts are decided');
  if (claim.verdict !== 'agrees' && claim.verdict !== 'not-measured') {
    // The probe on model size shows the larger base's numbers from the file, beside the step's (the 115k base's).
    await expect(tour.getByRole('button', { name: 'The same learning-rate sweep on the larger base' })).toBeVisible();
    const probe = results.runs['lr-code-small'];
    const line = tour.getByTestId('tour-probe-results').first();
    await expect(line).toContainText(probe.claims[2].measured);
    // Its own verdict under the same rule (the larger base may differ from the step's).
    await expect(line.getByTestId('tour-verdict')).toHaveText(probe.legacy ? /^One seed, not judged against noise/ : LABEL[probe.claims[2].verdict]);
    await expect(line).toContainText(`(${probe.seeds.length} seed`);
  }
  // A sweep step shows the Sweep view with its own grid (not started), so the outlined chart is about it.
  await expect(page.getByRole('tab', { name: 'Sweep' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Sweep preset')).toHaveValue('lr-code');
  await tour.getByRole('link', { name: '4' }).click();
  await expect(page.getByLabel('Sweep preset')).toHaveValue('regularizers-code');
  await expect(page.getByTestId('sweep-size')).toBeVisible();
  await expect(page.getByTestId('link-problems')).toHaveCount(0);
  // Finding 6 shows the second width's comparison under its own claim, with its own verdict.
  await page.goto('/?tour=high-rank');
  await expect(tour.getByTestId('tour-claim')).toContainText(results.runs['english-code'].claims[5].measured);
  const wide = results.runs['rank-width-small'].claims[5];
  await expect(tour.getByTestId('tour-also-claim')).toContainText(wide.measured);
  await expect(tour.getByTestId('tour-also-claim').getByTestId('tour-verdict')).toHaveText(LABEL[wide.verdict]);
});

test('the tour outlines the charts of its step and remembers where the student stopped', async ({ page }) => {
  await page.goto('/?v=1&preset=english-code');
  await page.getByTestId('tour-open').click();
  const tour = page.getByTestId('tour');
  await expect(tour).toHaveAttribute('data-step', 'setup');
  await tour.getByRole('button', { name: 'Next →' }).click();
  await expect(tour).toHaveAttribute('data-step', 'learns-less');
  await expect(page).toHaveURL(/[?&]tour=learns-less(&|$)/);
  const outline = (chart: string) => page.locator(`.ll-chart[data-chart="${chart}"]`).evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(await outline('targetLoss')).toBe('solid');
  expect(await outline('sourceLoss')).toBe('none');
  await tour.getByRole('button', { name: 'Next →' }).click();
  expect(await outline('sourceLoss')).toBe('solid');
  await tour.getByRole('link', { name: '6' }).click();
  await expect(tour).toHaveAttribute('data-step', 'high-rank');
  await tour.getByRole('button', { name: 'Close the tour' }).click();
  await expect(tour).toHaveCount(0);
  expect(await outline('targetLoss')).toBe('none');
  // A reload without a tour link offers to continue where the student stopped.
  await page.goto('/?v=1&preset=english-code');
  await expect(page.getByTestId('tour-open')).toHaveText(/^Continue at step 7: Finding 6/);
  await page.getByTestId('tour-open').click();
  await expect(page.getByTestId('tour')).toHaveAttribute('data-step', 'high-rank');
  // An unknown step in a link is ignored, not an error.
  await page.goto('/?tour=no-such-step');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-step', 'high-rank');
});

test('a remembered step does not take over an experiment link, and moving on shows its view', async ({ page }) => {
  await page.goto('/?tour=one-curve');
  await expect(page.getByRole('tab', { name: 'Sweep' })).toHaveAttribute('aria-selected', 'true');
  expect(await page.evaluate(() => localStorage.getItem('lora-lab:tour'))).toBe('{"step":"one-curve","open":true}');
  await page.goto('/?v=1&preset=english-code&steps=3');
  await expect(page.getByTestId('tour')).toHaveAttribute('data-step', 'one-curve');
  await expect(page.getByRole('tab', { name: 'Experiment' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('region', { name: /Experiment/ }).getByLabel('Steps', { exact: true })).toHaveValue('3');
  await page.getByTestId('tour').getByRole('button', { name: 'Next →' }).click();
  await expect(page.getByRole('tab', { name: 'Sweep' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Sweep preset')).toHaveValue('regularizers-code');
});

test("a step's button configures and starts its experiment, and a sweep step starts its sweep", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/?tour=setup');
  const tour = page.getByTestId('tour');
  await tour.getByTestId('tour-run').click();
  const panel = page.getByRole('region', { name: /Experiment/ });
  await expect(panel.getByLabel('Preset')).toHaveValue('english-code');
  await expect(panel.getByRole('status')).toHaveAttribute('data-state', 'running');
  await expect(tour.getByTestId('tour-run')).toBeDisabled();
  await expect(tour.getByTestId('tour-measured')).toContainText('Your run is training');
  await panel.getByRole('button', { name: 'Stop' }).click();
  // The Worker stops between steps; the base model's first evaluation (with samples) is slow on SwiftShader.
  await expect(panel.getByRole('status')).toHaveAttribute('data-state', 'stopped', { timeout: 150_000 });
  await tour.getByRole('link', { name: '7' }).click();
  await expect(tour).toHaveAttribute('data-step', 'lr-sensitivity');
  await tour.getByTestId('tour-run').click();
  await expect(page.getByRole('tab', { name: 'Sweep' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByLabel('Sweep preset')).toHaveValue('lr-code');
  await expect(page).toHaveURL(/[?&]view=sweep(&|$)/);
  await expect(page.getByTestId('sweep-progress')).toBeVisible();
  await expect(tour.getByTestId('tour-measured')).toContainText('Your sweep is training');
  await page.getByRole('region', { name: /Sweep/ }).getByRole('button', { name: 'Stop' }).click();
});

test("a student's finished run appears beside the results file's numbers", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/?v=1&preset=english-code&m=full,r8&steps=2&evalEvery=1&evalBatches=1&div=0&tour=learns-less');
  const panel = page.getByRole('region', { name: /Experiment/ });
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(panel.getByRole('status')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
  const measured = page.getByTestId('tour-measured');
  await expect(measured).toHaveAttribute('data-source', 'yours');
  await expect(measured.getByTestId('tour-yours')).toContainText('Your run, with settings of your own (not this step’s):');
  // The reference stays on the card beside it.
  await expect(measured.getByTestId('tour-claim')).toContainText(results.runs['english-code'].claims[0].measured);
  // The same sentence as the run's own findings box (one seed, judged against the shipped noise).
  const box = await page.getByTestId('run-findings').locator('li[data-finding="1"]').textContent();
  const text = await measured.getByTestId('tour-your-claim').textContent();
  expect(box).toContain(text!.replace(CHIP, ''));
});

test('embed mode with hide=tour shows no tour', async ({ page }) => {
  await page.goto('/?tour=learns-less&embed=1&hide=tour');
  await expect(page.getByRole('region', { name: /Experiment/ })).toBeVisible();
  await expect(page.locator('.ll-tour')).toHaveCount(0);
  expect(await page.evaluate(() => document.documentElement.dataset.tourLook)).toBeUndefined();
});
