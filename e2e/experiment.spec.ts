// An experiment runs in the Worker from the shipped base model and data assets: every
// method gets evaluated at step 0 (the base model) and after training, the three charts
// draw, and pause/resume works.
import { expect, test } from './fixtures';

test('an english→code experiment runs in the browser, pauses, resumes and fills the charts', async ({ page }) => {
  test.setTimeout(400_000);
  await page.goto('/');
  await page.getByLabel('Preset').selectOption('english-code');
  await page.getByLabel('Steps', { exact: true }).fill('4');
  await page.getByLabel('Evaluate every').fill('2');
  await page.getByRole('button', { name: 'Start' }).click();
  const status = page.getByRole('region', { name: /Experiment/ }).getByRole('status');
  await expect(status).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await expect(page.locator('tr[data-method]')).toHaveCount(4, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 120_000 });
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 170_000 });
  for (const chart of ['targetLoss', 'sourceLoss', 'tradeoff']) {
    await expect(page.locator(`[data-chart="${chart}"] svg`).first()).toBeVisible();
  }
  // One line (or scatter path) per method in each chart.
  await expect(page.locator('[data-chart="targetLoss"] .recharts-line')).toHaveCount(4);
  await expect(page.locator('[data-chart="tradeoff"] .recharts-scatter')).toHaveCount(4);
  await page.screenshot({ path: 'test-results/experiment.png', fullPage: true });
});
