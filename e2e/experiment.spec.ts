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
  // Sampling completions is the analysis spec's (it costs a forward pass per sampled byte): not this run's.
  await page.getByLabel('Diversity samples').fill('0');
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

test('training pauses while the tab is hidden and resumes when it returns', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?v=1&preset=english-code&m=full,r8&steps=500&evalEvery=100&evalBatches=1&div=0');
  const panel = page.getByRole('region', { name: /Experiment/ });
  const status = panel.getByRole('status');
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(status).toContainText(/running at step [1-9]/, { timeout: 120_000 });
  const setHidden = (hidden: boolean) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'hidden', { value: h, configurable: true });
      Object.defineProperty(document, 'visibilityState', { value: h ? 'hidden' : 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
  await setHidden(true);
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await setHidden(false);
  await expect(status).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
  await panel.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'stopped', { timeout: 60_000 });
});
