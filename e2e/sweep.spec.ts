// Sweeps in the browser, against the production build: a tiny grid from a link trains group by
// group in the Worker with a progress bar, every chart gets data (checked in recharts' DOM), both
// comparison tables and the findings fill, Copy link round-trips the grid; a reload mid-sweep
// brings it back paused and it resumes from its checkpoint to the end; a malformed sweep link
// lists what it could not use while the page keeps working.
import { expect, test } from './fixtures';

/** Tiny settings: SwiftShader is slow. */
const TINY = 'bs=2&T=16&warmup=0&evalEvery=2&evalBatches=1';
/** Six cells in one group: full at two rates, LoRA r=4 (all modules) at two, LoRA r=1 and LoRA r=4 on attention. */
const GRID = `/?view=sweep&v=1&preset=rank-code&steps=4&${TINY}&f=full,r4,r1,a4&full.lrs=1e-3,3e-3&r4.lrs=1e-2,3e-2&r1.lrs=1e-2`
  + '&a4.kind=lora&a4.rank=4&a4.alpha=8&a4.targets=q,k,v,o&a4.lrs=1e-2';
/** Two families × two rates, long enough to reload after the first checkpoint (step 2). */
const RELOAD = `/?view=sweep&v=1&preset=lr-code&steps=8&${TINY}&full.lrs=1e-3,3e-3&r8.lrs=1e-2,3e-2`;

/** The plane's checkpoints (not the Pareto front's line, which has no dots). */
const CHECKPOINTS = '.recharts-scatter:not(.ll-front) .recharts-scatter-symbol';

const panel = (page: import('@playwright/test').Page) => page.getByRole('region', { name: /Sweep:/ });

test('a tiny sweep trains with a progress bar and fills every chart, both tables and the findings', async ({ page, context }) => {
  test.setTimeout(420_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(GRID);
  const sweep = panel(page);
  await expect(page.getByRole('tab', { name: 'Sweep' })).toHaveAttribute('aria-selected', 'true');
  await expect(sweep.getByTestId('link-problems')).toHaveCount(0);
  await expect(sweep.getByTestId('sweep-size')).toContainText('6 runs in 1 group');

  // Copy link: the clipboard holds the page's URL, and that link opens the same grid.
  await sweep.getByRole('button', { name: 'Copy link' }).click();
  await expect(sweep.getByTestId('copied')).toContainText('Link copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(page.url());
  const other = await context.newPage();
  await other.goto(copied);
  await expect(panel(other).getByTestId('sweep-size')).toContainText('6 runs in 1 group');
  await expect(panel(other).getByTestId('link-problems')).toHaveCount(0);
  await expect(other.locator('[data-family-card="a4"]').getByLabel('Target modules')).toHaveValue('attention');
  await expect(other.locator('[data-family-card="full"]').getByLabel('Learning rates')).toHaveValue('1e-3, 3e-3');
  expect(new URL(other.url()).search).toBe(new URL(copied).search);
  await other.close();

  await sweep.getByRole('button', { name: 'Start', exact: true }).click();
  const status = sweep.getByRole('status');
  const bar = sweep.getByTestId('sweep-progress');
  // The bar advances: some cell-steps done before the end.
  await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 240_000 }).toBeGreaterThan(0);
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  expect(Number(await bar.getAttribute('value'))).toBe(Number(await bar.getAttribute('max')));
  expect(Number(await bar.getAttribute('max'))).toBe(6 * 4);

  // Every chart has its series and points: 4 families on the LR charts, LoRA ranks 1 and 4, two
  // module sets at rank 4, and every checkpoint after step 0 (6 cells × 2) on the plane plus its front.
  for (const chart of ['lr-target', 'lr-source']) {
    await expect(page.locator(`[data-chart="${chart}"] .recharts-scatter`)).toHaveCount(4);
    await expect(page.locator(`[data-chart="${chart}"] .recharts-scatter-line`).first()).toBeVisible();
    await expect(page.locator(`[data-chart="${chart}"] .recharts-scatter-symbol`)).toHaveCount(6);
  }
  for (const chart of ['rank-target', 'rank-source']) {
    await expect(page.locator(`[data-chart="${chart}"] .recharts-reference-line`)).toHaveCount(1); // full fine-tuning
    await expect(page.locator(`[data-chart="${chart}"] .recharts-scatter-symbol path, [data-chart="${chart}"] .recharts-scatter-symbol circle`).first()).toBeVisible();
  }
  for (const chart of ['modules-target', 'modules-source']) {
    await expect(page.locator(`[data-chart="${chart}"] .recharts-scatter`)).toHaveCount(2);
  }
  const plane = page.locator('[data-chart="plane"]');
  await expect(plane.locator(CHECKPOINTS)).toHaveCount(12);
  await expect(plane.locator('.ll-front .recharts-scatter-line')).toHaveCount(1);

  const bestRows = page.getByTestId('best-lr-table').locator('tbody tr');
  await expect(bestRows).toHaveCount(4);
  await expect(bestRows.first()).toContainText(/\de-3/);
  const equal = page.getByTestId('equal-learning-table');
  await expect(equal.locator('tbody tr[data-family]')).toHaveCount(4);
  // The default level is the best LoRA's target loss, which that LoRA reaches by definition.
  await expect(equal.getByLabel('Target-loss level')).not.toHaveValue('');
  await expect(equal).toContainText('the best LoRA’s target loss');
  await expect(equal.locator('tbody tr').filter({ hasText: 'yes' })).not.toHaveCount(0);
  await expect(page.getByTestId('sweep-findings').locator('li').first()).toBeVisible();
  await expect(page.locator('tr[data-sweep]')).toHaveCount(1);
  await expect(page.locator('tr[data-sweep]')).toContainText('done');
  await page.screenshot({ path: 'test-results/sweep-full.png', fullPage: true });
  await page.locator('.ll-sweep .ll-charts').screenshot({ path: 'test-results/sweep-charts.png' });
  await page.getByTestId('best-lr-table').screenshot({ path: 'test-results/sweep-best-lr.png' });
  await page.getByTestId('equal-learning-table').screenshot({ path: 'test-results/sweep-equal.png' });
  await page.getByTestId('sweep-findings').screenshot({ path: 'test-results/sweep-findings.png' });
  // The view at 1280×800, scrolled to the progress bar and the first charts.
  await page.evaluate(() => document.querySelector('.ll-sweep .ll-runbar')?.scrollIntoView());
  await page.screenshot({ path: '/work/plan/shots/sweep.png' });
});

test('a reload mid-sweep brings it back paused, and it resumes from its checkpoint to the end', async ({ page }) => {
  test.setTimeout(480_000);
  await page.goto(RELOAD);
  const sweep = panel(page);
  const status = sweep.getByRole('status');
  await sweep.getByRole('button', { name: 'Start', exact: true }).click();
  const bar = sweep.getByTestId('sweep-progress');
  // 4 cells: past 3 lockstep steps, the evaluation and checkpoint of step 2 are saved.
  await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 300_000 }).toBeGreaterThanOrEqual(12);
  await page.reload();
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  const row = page.locator('tr[data-sweep]').first();
  await expect(row).toContainText(/interrupted; checkpoint in group 1 of 1/);
  await expect(page.locator(`[data-chart="plane"] ${CHECKPOINTS}`)).not.toHaveCount(0);
  await sweep.locator('.ll-runbar').getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  await expect(row).toContainText('done');
  // Every cell was evaluated at steps 0, 2, 4, 6 and 8 exactly once, checkpoint or not.
  await expect(page.getByTestId('best-lr-table').locator('tbody tr')).toHaveCount(2);
  await expect(page.locator(`[data-chart="plane"] ${CHECKPOINTS}`)).toHaveCount(4 * 4);
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(page.locator('tr[data-sweep]')).toHaveCount(0);
});

const MALFORMED = [
  '?view=sweep&v=1&preset=nope&steps=abc',
  '?view=sweep&v=1&preset=lr-code&full.lrs=-1,zz&r8.rank=9999&f=full,r8,%3Cscript%3E',
  '?view=sweep&v=7&preset=lr-code&r8.label=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E&x.kind=bad',
];

for (const q of MALFORMED) {
  test(`a malformed sweep link lists its problems and the page works: ${q.slice(12, 70)}`, async ({ page }) => {
    await page.goto(`/${q}`);
    const sweep = panel(page);
    const problems = sweep.getByTestId('link-problems');
    await expect(problems).toBeVisible();
    expect(await problems.locator('li').count()).toBeGreaterThan(0);
    await expect(sweep.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
    expect(await problems.innerHTML()).not.toContain('<script');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // The URL now holds the grid in use, which reads back without problems.
    const again = await page.context().newPage();
    await again.goto(page.url());
    await expect(panel(again).getByTestId('link-problems')).toHaveCount(0);
  });
}

test('the view tabs switch between experiment and sweep, each keeping its own link', async ({ page }) => {
  await page.goto('/?v=1&preset=english-code&steps=37');
  await page.getByRole('tab', { name: 'Sweep' }).click();
  await expect(page).toHaveURL(/view=sweep/);
  await expect(panel(page)).toBeVisible();
  await panel(page).getByLabel('Steps', { exact: true }).fill('12');
  await expect(page).toHaveURL(/steps=12/);
  await page.getByRole('tab', { name: 'Experiment' }).click();
  await expect(page).toHaveURL(/\?v=1&preset=english-code&steps=37$/);
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('37');
  await page.getByRole('tab', { name: 'Sweep' }).click();
  await expect(panel(page).getByLabel('Steps', { exact: true })).toHaveValue('12');
});

test('one thing trains at a time: starting a run stops the sweep, and starting a sweep stops the run', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?v=1&preset=english-code&m=full,r8&steps=500&bs=2&T=16&evalEvery=100&evalBatches=1&div=0');
  const experiment = page.getByRole('region', { name: /Experiment/ });
  const sweep = panel(page);
  await page.getByRole('tab', { name: 'Sweep' }).click();
  for (const [label, value] of [['Steps', '500'], ['Batch size', '2'], ['Sequence length', '16'], ['Evaluation batches', '1']]) {
    await sweep.getByLabel(label, { exact: true }).fill(value);
  }
  const startSweep = async () => {
    await sweep.getByRole('button', { name: 'Start', exact: true }).click();
    await expect.poll(async () => Number(await sweep.getByTestId('sweep-progress').getAttribute('value')), { timeout: 120_000 }).toBeGreaterThan(0);
  };
  await startSweep();
  await expect(sweep.locator('.ll-progress')).toContainText(/group 1 of 2 · (about [\d.]+ (s|min|h) left|estimating time left…)/);
  await page.getByRole('tab', { name: 'Experiment' }).click();
  await experiment.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(experiment.getByRole('status')).toContainText(/running at step [1-9]/, { timeout: 120_000 });
  await page.getByRole('tab', { name: 'Sweep' }).click();
  await expect(sweep.getByRole('status')).toHaveAttribute('data-state', 'stopped', { timeout: 60_000 });
  await startSweep();
  await page.getByRole('tab', { name: 'Experiment' }).click();
  await expect(experiment.getByRole('status')).toHaveAttribute('data-state', 'stopped', { timeout: 60_000 });
  await page.getByRole('tab', { name: 'Sweep' }).click();
  await expect(sweep.getByRole('status')).toHaveAttribute('data-state', 'running');
  await sweep.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(sweep.getByRole('status')).toHaveAttribute('data-state', 'stopped', { timeout: 60_000 });
});
