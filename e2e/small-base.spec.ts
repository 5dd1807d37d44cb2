// The second shipped base ('small', d_model 128) can be chosen in the page: the link records
// it, the Worker loads and checks its files, and a method fine-tunes from it (its step-0
// evaluation is the small base's own held-out loss, not the default base's).
import { expect, test } from './fixtures';

test('a student picks the small base, and a method fine-tunes from it', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?v=1&preset=english-code&m=full&steps=1&evalEvery=1&evalBatches=1&div=0');
  const base = page.getByRole('group', { name: 'Data' }).getByLabel('Base model');
  await expect(base.locator('option')).toHaveText([/^base: 115k parameters/, /^small: 820k parameters \(d_model 128, 4 layers\)/]);
  await base.selectOption('small');
  await expect(page).toHaveURL(/[?&]base=small(&|$)/);
  const panel = page.getByRole('region', { name: /Experiment/ });
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(panel.getByRole('status')).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await expect(page.locator('tr[data-method]')).toHaveCount(1);
  await expect(page.locator('[data-chart="targetLoss"] .recharts-line')).toHaveCount(1);
});
