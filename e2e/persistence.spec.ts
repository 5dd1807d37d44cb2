// Runs that last: a reload mid-run brings the run back (curves and all) from IndexedDB, and
// it resumes from its last checkpoint to the end; a finished run can be deleted.
import { expect, test } from './fixtures';

test('a reload mid-run restores the run, which resumes from its checkpoint', async ({ page }) => {
  test.setTimeout(480_000);
  await page.goto('/?v=1&preset=english-code&m=full,r8&steps=6&evalEvery=2&evalBatches=1&div=0');
  const panel = page.getByRole('region', { name: /Experiment/ });
  const status = panel.getByRole('status');
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  // Step 3 starts only after the evaluation and checkpoint of step 2 were saved.
  await expect(status).toContainText(/running at step [3-6]/, { timeout: 240_000 });
  await page.reload();
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  const row = page.locator('tr[data-run]').first();
  await expect(row).toContainText(/interrupted; checkpoint at step [246]/);
  await expect(page.locator('[data-chart="targetLoss"] .recharts-line')).toHaveCount(2);
  await page.screenshot({ path: 'test-results/restored-after-reload.png', fullPage: true });
  await panel.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  await expect(row).toContainText('(done)');
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(page.locator('tr[data-run]')).toHaveCount(0);
});

test('saved runs can be overlaid to compare, and Reset clears the charts', async ({ page }) => {
  test.setTimeout(300_000);
  const panel = page.getByRole('region', { name: /Experiment/ });
  const status = panel.getByRole('status');
  const rows = page.locator('tr[data-run]');
  for (const [i, lr] of ['1e-3', '3e-3'].entries()) {
    await page.goto(`/?v=1&preset=english-code&m=full,r8&steps=2&evalEvery=2&evalBatches=1&div=0&bs=2&T=16&full.lr=${lr}`);
    if (i > 0) {
      // A link with other settings than the newest saved run's opens those settings: the finished run
      // stays in the list, and is not reopened over the link (its settings would replace the link's).
      await expect(rows).toHaveCount(i);
      await page.waitForTimeout(1500);
      await expect(status).toHaveAttribute('data-state', 'idle');
      expect(new URL(page.url()).searchParams.get('full.lr')).toBe(lr);
    }
    await panel.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  }
  await expect(rows).toHaveCount(2);
  await rows.nth(1).getByRole('button', { name: 'Compare' }).click();
  await expect(rows.nth(1).getByRole('button', { name: 'Compare' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('[data-chart="targetLoss"] .recharts-line')).toHaveCount(4);
  await page.screenshot({ path: 'test-results/compare.png', fullPage: true });
  await panel.getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'idle');
  await expect(page.locator('[data-chart="targetLoss"] .recharts-line')).toHaveCount(2); // the overlay stays
  await rows.nth(1).getByRole('button', { name: 'Compare' }).click();
  await expect(page.locator('[data-chart="targetLoss"]')).toContainText('No data yet');
});
