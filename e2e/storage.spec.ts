// Storage that fails: with IndexedDB unavailable a run still trains to the end and the page says
// results will not be kept (after a reload the run is gone, as promised); with storage filling
// up mid-run, training goes on, the page says storage is full, and everything saved before the
// fault is still there after a reload (the run resumes from it). Saved runs show their sizes and
// "Delete all saved runs" (with a confirm step in the page) empties the list. The faults come
// from the test hooks (`window.__loraLab.fault`), enabled before the page loads.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { __LORALAB_FAULTS__: boolean }).__LORALAB_FAULTS__ = true;
  });
});

async function fault(page: Page, kind: string): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { __loraLab?: unknown }).__loraLab !== undefined);
  await page.evaluate((k) => (window as unknown as { __loraLab: { fault(kind: string): void } }).__loraLab.fault(k), kind);
}

/** The runs IndexedDB really holds (read in the page, as a new tab would see them). */
function storedRuns(page: Page): Promise<Array<{ id: string; state: string; evals: Array<{ step: number; method: string }>; checkpointStep: number | null }>> {
  return page.evaluate(async () => {
    // Opening a database that does not exist would create an empty one the app could not upgrade.
    if (!(await indexedDB.databases()).some((d) => d.name === 'lora-lab')) return [];
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('lora-lab');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    try {
      if (!db.objectStoreNames.contains('runs')) return [];
      return await new Promise((resolve, reject) => {
        const req = db.transaction('runs').objectStore('runs').getAll();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    } finally {
      db.close();
    }
  });
}

const SHORT = '/?v=1&preset=english-code&m=r8&steps=2&evalEvery=2&evalBatches=1&div=0&bs=2&T=16';

test('with storage unavailable a run trains to the end, the page says results will not be kept, and nothing is kept', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(SHORT);
  const panel = page.getByRole('region', { name: /Experiment/ });
  const status = panel.getByRole('status');
  await fault(page, 'storage-unavailable');
  const banner = page.getByTestId('storage-problem');
  await expect(banner).toContainText('results will not be kept after this tab closes');
  await expect(banner).toHaveAttribute('role', 'alert');
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  // Kept for the session (in memory): listed, and the banner still says it will not last.
  await expect(page.locator('tr[data-run]')).toHaveCount(1);
  await expect(page.locator('tr[data-run]').first()).toContainText('(done)');
  await expect(banner).toBeVisible();
  await page.screenshot({ path: 'test-results/storage-unavailable.png', fullPage: true });
  await page.reload();
  await expect(status).toHaveAttribute('data-state', 'idle');
  expect(await storedRuns(page)).toEqual([]);
  await expect(page.locator('tr[data-run]')).toHaveCount(0);
  await expect(page.getByTestId('storage-problem')).toHaveCount(0);
});

test('storage filling up mid-run: training goes on, the page says storage is full, and what was saved before stays', async ({ page }) => {
  test.setTimeout(480_000);
  await page.goto('/?v=1&preset=english-code&m=r8&steps=10&evalEvery=2&evalBatches=1&div=0');
  const panel = page.getByRole('region', { name: /Experiment/ });
  const status = panel.getByRole('status');
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  // Step 3 starts only after the evaluation and checkpoint of step 2 were saved. The run is paused before the
  // fault, so the fault cannot land after the next evaluation was already saved (a race on a loaded machine).
  await expect(status).toContainText(/running at step [3-7]/, { timeout: 240_000 });
  await panel.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  const [before] = await storedRuns(page);
  const kept = before.checkpointStep ?? -1;
  expect([2, 4, 6, 8]).toContain(kept);
  await fault(page, 'storage-quota');
  await panel.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  const banner = page.getByTestId('storage-problem');
  await expect(banner).toContainText(/Storage is full/);
  await expect(banner).toContainText('Delete old runs in Saved runs to free space');
  await page.screenshot({ path: 'test-results/storage-full.png', fullPage: true });

  // What was stored before storage filled up stays, and nothing after it.
  const [saved] = await storedRuns(page);
  expect(saved.checkpointStep).toBe(kept);
  expect(saved.evals.map((e) => e.step)).toEqual([0, 2, 4, 6, 8].filter((s) => s <= kept));
  expect(saved.state).toBe('paused');

  await page.reload();
  await expect(page.getByTestId('storage-problem')).toHaveCount(0);
  const row = page.locator('tr[data-run]').first();
  await expect(row).toContainText(`interrupted; checkpoint at step ${kept}`);
  // The newest run is reopened with its saved evaluations and can go on from its checkpoint.
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await panel.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await expect(row).toContainText('(done)');
  const [done] = await storedRuns(page);
  expect(done.evals.map((e) => e.step)).toEqual([0, 2, 4, 6, 8, 10]);
});

test('saved runs show their sizes, and "Delete all saved runs" asks in the page, then empties the list', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(SHORT);
  const panel = page.getByRole('region', { name: /Experiment/ });
  const status = panel.getByRole('status');
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  const rows = page.locator('tr[data-run]');
  await expect(rows).toHaveCount(1);
  const size = rows.first().locator('td[data-bytes]');
  await expect(size).toHaveText(/^\d+(\.\d)? (B|kB|MB)$/);
  // The run holds a LoRA checkpoint (adapters and their AdamW moments): well over a kilobyte.
  expect(Number(await size.getAttribute('data-bytes'))).toBeGreaterThan(10_000);
  const total = page.getByTestId('saved-runs-total');
  await expect(total).toContainText(`1 saved run takes about ${await size.textContent()}`);
  await page.screenshot({ path: 'test-results/saved-run-sizes.png', fullPage: true });

  await total.getByRole('button', { name: 'Delete all saved runs' }).click();
  const confirm = page.getByRole('group', { name: 'Confirm deleting all saved runs' });
  await expect(confirm).toContainText('This cannot be undone');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(rows).toHaveCount(1);
  await total.getByRole('button', { name: 'Delete all saved runs' }).click();
  await confirm.getByRole('button', { name: 'Yes, delete all' }).click();
  await expect(rows).toHaveCount(0);
  await page.reload();
  await expect(status).toHaveAttribute('data-state', 'idle');
  expect(await storedRuns(page)).toEqual([]);
  await expect(rows).toHaveCount(0);
});
