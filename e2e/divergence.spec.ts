// A real learning rate that blows up (full fine-tuning at lr 1 from step 1, no warmup) next to a
// normal LoRA: only full fine-tuning is marked diverged (note, table, every loss chart), LoRA
// trains to the last step with all its evaluations, no NaN reaches the page, and the loss axis
// still shows LoRA's curve instead of the blow-up.
import { expect, test } from './fixtures';

const LINK = '/?v=1&preset=english-code&m=full,r8&steps=14&evalEvery=4&evalBatches=1&warmup=0&bs=2&T=16&div=0&full.lr=1';

test('a diverging learning rate stops only that method and says why', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(LINK);
  const panel = page.getByRole('region', { name: /Experiment/ });
  const status = panel.locator('p.ll-status');
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });

  // The table: full fine-tuning diverged at step N (8 steps above the bound: N ≥ 9), LoRA is fine and reached step 14.
  const cell = page.getByTestId('status-full');
  await expect(cell).toHaveText(/^diverged at step \d+$/);
  const step = Number((await cell.textContent())!.match(/\d+/)![0]);
  expect(step).toBeGreaterThanOrEqual(9);
  expect(step).toBeLessThan(14);
  await expect(page.getByTestId('status-r8')).toHaveText('ok');
  await expect(page.locator('tr[data-method="r8"] td').nth(1)).toHaveText('14');
  await expect(page.locator('tr[data-method="full"] td').nth(1)).toHaveText(String(step));

  // The note: which method, where, with what loss; the others went on; finding 7 told the right way round.
  const note = page.getByTestId('diverged-full');
  await expect(note).toContainText(new RegExp(`Full fine-tuning diverged at step ${step}: its training loss stayed above 11\\.09 nats per byte`));
  await expect(note).toContainText(/reached \d+\.\d\d\./);
  await expect(note).toContainText('Only its training stopped: LoRA r=8 trained on to the end on the same batches.');
  await expect(note).toContainText('it is full fine-tuning, not LoRA, that diverged');
  await expect(page.getByTestId('diverged-r8')).toHaveCount(0);

  // Every loss chart marks it; LoRA's evaluations go on to the end (0, 4, 8, 12, 14), full fine-tuning's end where it stopped.
  for (const chart of ['targetLoss', 'sourceLoss', 'tradeoff']) {
    const fig = page.locator(`[data-chart="${chart}"]`);
    await expect(fig.locator('.recharts-legend-item-text', { hasText: `Full fine-tuning (diverged at step ${step})` })).toHaveCount(1);
    await expect(fig).toContainText(`✕ diverged (step ${step})`);
  }
  const dots = page.locator('[data-chart="targetLoss"] .recharts-line-dots');
  await expect(dots.nth(1).locator('circle')).toHaveCount(5);
  await expect(dots.nth(0).locator('circle')).toHaveCount([0, 4, 8, 12, 14].filter((s) => s < step).length + 1);
  await expect(page.locator('[data-chart="rank90"]')).toContainText(`Full fine-tuning (diverged at step ${step})`);

  // The blow-up (tens of nats) runs off the top: the target-loss axis stays at LoRA's scale, below 2 ln 256.
  const ticks = await page.locator('[data-chart="targetLoss"] .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
  expect(ticks.length).toBeGreaterThan(1);
  expect(Math.max(...ticks.map(Number))).toBeLessThan(11.1);
  await expect(panel).not.toContainText('NaN');
  await page.locator('.ll-chart-area').screenshot({ path: 'test-results/divergence-charts.png' });
  await page.screenshot({ path: 'test-results/divergence.png', fullPage: true });
});
