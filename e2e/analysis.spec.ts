// The analysis panels on a tiny run from a link: before data the findings box claims nothing;
// after the run it gives every finding a verdict with numbers, the diversity and rank charts have
// a point per evaluation and method, the generation panel samples base + each method with stats,
// and the spectra panel draws full fine-tuning's and LoRA's singular values with rank@90% numbers;
// after a reload, both analyses work again from the run's checkpoint saved in IndexedDB.
import { expect, test } from './fixtures';

/** Where the screenshots go (test-results is cleared by every Playwright run). */
const SHOTS = process.env.ANALYSIS_SHOTS ?? 'test-results';
const LINK = '/?v=1&preset=english-code&m=full,r8&steps=4&evalEvery=2&evalBatches=1&bs=2&T=32&div=4&divLen=8';

test('findings, diversity, generations and spectra come from the run on screen', async ({ page }) => {
  test.setTimeout(480_000);
  await page.goto(LINK);
  const panel = page.getByRole('region', { name: /Experiment/ });
  const status = panel.getByRole('status');
  const findings = page.getByTestId('run-findings');
  await expect(findings).toContainText('Nothing measured yet');
  await expect(findings.locator('li[data-verdict]')).toHaveCount(0);

  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 300_000 });

  // Eight findings, each with a verdict; the measured ones quote numbers.
  await expect(findings.locator('li[data-verdict]')).toHaveCount(8);
  for (const f of ['1', '2']) {
    const li = findings.locator(`li[data-finding="${f}"]`);
    await expect(li).toHaveAttribute('data-verdict', /^(agrees|disagrees|mixed|within-noise)$/);
    await expect(li).toContainText(/\d\.\d{2}/);
    await expect(li).toContainText('Paper (7B)');
  }

  // Three evaluations (steps 0, 2, 4) × two methods.
  for (const chart of ['diversity', 'entropy', 'rank90']) {
    await expect(page.locator(`[data-chart="${chart}"] .recharts-line`)).toHaveCount(2);
    await expect(page.locator(`[data-chart="${chart}"] .recharts-line-dot`)).toHaveCount(6);
  }

  const gen = page.getByTestId('generation-panel');
  await gen.getByLabel('Count').fill('3');
  await gen.getByLabel('Length').fill('12');
  await gen.getByRole('button', { name: 'Generate' }).click();
  await expect(gen.getByTestId('gen-summary')).toContainText('at step 4', { timeout: 120_000 });
  await expect(gen.getByTestId('gen-summary')).toContainText('engine (WebGPU)');
  for (const id of ['base', 'full', 'r8']) {
    const col = gen.locator(`[data-model="${id}"]`);
    await expect(col.locator('li')).toHaveCount(3);
    await expect(col.getByTestId('gen-stats')).toContainText(/distinct\d+%/);
    await expect(col.getByTestId('gen-stats')).toContainText(/entropy\d+\.\d\d nats/);
  }

  const spectra = page.getByTestId('spectra-panel');
  await spectra.getByRole('button', { name: 'Compute spectra' }).click();
  await expect(spectra.getByTestId('rank-table').locator('tbody tr')).toHaveCount(3, { timeout: 120_000 });
  // full, LoRA r=8 and the random reference drawn on both charts.
  await expect(spectra.locator('[data-chart="singular"] .recharts-line')).toHaveCount(3);
  await expect(spectra.locator('[data-chart="explained"] .recharts-line')).toHaveCount(3);
  const fullRank = Number(await spectra.locator('[data-rank="full"]').textContent());
  const loraRank = Number(await spectra.locator('[data-rank="r8"]').textContent());
  expect(fullRank).toBeGreaterThanOrEqual(1);
  expect(loraRank).toBeGreaterThanOrEqual(1);
  expect(loraRank).toBeLessThanOrEqual(8); // rank ≤ r by construction
  await expect(spectra.getByTestId('rank-table').locator('tr[data-method="full"]')).toContainText(/\d+\.\d/);
  // The embedding is offered for full fine-tuning.
  await expect(spectra.getByLabel('Matrix').locator('option', { hasText: 'embedding wte' })).toHaveCount(1);

  await page.screenshot({ path: `${SHOTS}/analysis.png`, fullPage: true });
  await page.locator('.ll-chart-area').screenshot({ path: `${SHOTS}/analysis-charts.png` });
  await gen.screenshot({ path: `${SHOTS}/analysis-generations.png` });
  await spectra.screenshot({ path: `${SHOTS}/analysis-spectra.png` });
  // The view a student sees: the generations above the spectra charts.
  await page.evaluate(() => document.querySelector('[data-chart="singular"]')?.scrollIntoView({ block: 'end' }));
  await page.screenshot({ path: `${SHOTS}/analysis-view.png` });

  // After a reload the run comes back from IndexedDB: both analyses read its saved checkpoint.
  await page.reload();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await gen.getByRole('button', { name: 'Generate' }).click();
  await expect(gen.getByTestId('gen-summary')).toContainText('at step 4', { timeout: 120_000 });
  await expect(gen.locator('[data-model]')).toHaveCount(3);
  await spectra.getByRole('button', { name: 'Compute spectra' }).click();
  await expect(spectra.getByTestId('rank-table').locator('tbody tr')).toHaveCount(3, { timeout: 120_000 });
  expect(Number(await spectra.locator('[data-rank="full"]').textContent())).toBe(fullRank);
});
