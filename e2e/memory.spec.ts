// An experiment the GPU cannot hold is refused before anything is allocated: with the Worker's
// memory budget lowered through the test hook (window.__loraLab.fault('memory-budget', bytes),
// enabled by window.__LORALAB_FAULTS__ before the page loads), Start on a small link is refused
// with a message naming the budget and what to lower, nothing trains and nothing is saved; with
// the budget raised again the same link trains to the end.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** full + LoRA r=8 at the preset's batch 8 × sequence 64: about 22 MiB on the shipped model (run/memory-check.ts). */
const LINK = '/?v=1&preset=english-code&m=full,r8&steps=2&evalEvery=2&warmup=0&evalBatches=1&div=0';
const MiB = 2 ** 20;

const setBudget = (page: Page, bytes: number) =>
  page.evaluate((b) => (window as unknown as { __loraLab: { fault(k: string, bytes: number): void } }).__loraLab.fault('memory-budget', b), bytes);

/** Runs saved in IndexedDB (none when the database has no runs store yet). */
function savedRunCount(page: Page): Promise<number> {
  return page.evaluate(() => new Promise<number>((resolve, reject) => {
    const req = indexedDB.open('lora-lab');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('runs')) {
        db.close();
        return resolve(0);
      }
      const count = db.transaction('runs').objectStore('runs').count();
      count.onerror = () => reject(count.error);
      count.onsuccess = () => {
        db.close();
        resolve(count.result);
      };
    };
  }));
}

test('a config over the memory budget is refused with what to lower, and trains once the budget allows it', async ({ page }) => {
  test.setTimeout(300_000);
  await page.addInitScript(() => {
    (window as unknown as { __LORALAB_FAULTS__: boolean }).__LORALAB_FAULTS__ = true;
  });
  await page.goto(LINK);
  const panel = page.getByRole('region', { name: /Experiment/ });
  const status = panel.getByRole('status').first();
  const button = (name: string) => panel.getByRole('button', { name, exact: true });
  const dots = page.locator('[data-chart="targetLoss"] .recharts-line-dots circle, [data-chart="targetLoss"] .recharts-dot');

  await setBudget(page, 12 * MiB);
  await button('Start').click();
  await expect(status).toHaveAttribute('data-state', 'error', { timeout: 120_000 });
  await expect(status).toContainText('more than the memory budget of 12 MiB');
  await expect(status).toContainText(/To fit: lower the batch size to \d+, or the sequence length to \d+/);
  await page.screenshot({ path: 'test-results/memory-refused.png', fullPage: true });
  // Refused before anything ran: no evaluation on the chart, no run saved.
  await expect(dots).toHaveCount(0);
  expect(await savedRunCount(page)).toBe(0);

  await setBudget(page, 1024 * MiB);
  await button('Start').click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  expect(await dots.count()).toBeGreaterThan(0);
  expect(await savedRunCount(page)).toBe(1);
});
