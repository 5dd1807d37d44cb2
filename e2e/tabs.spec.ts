// Several tabs on one origin share one IndexedDB: two tabs training at the same time each save
// their own run intact (its own settings and evaluations, its own checkpoint), and a run one tab
// holds (paused there) cannot be resumed in another tab, which says why, until the first tab
// closes. Both tabs are pages of one browser context, so they share storage and Web Locks.
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

interface Stored {
  id: string;
  state: string;
  config: { methods: Array<{ id: string; lr: number }> };
  evals: Array<{ step: number; method: string; targetLoss: number }>;
  checkpointStep: number | null;
}

/** Runs and checkpoint steps as IndexedDB holds them. */
function stored(page: Page): Promise<{ runs: Stored[]; checkpoints: Record<string, number> }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('lora-lab');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const all = <T,>(store: string, keys: boolean) => new Promise<T[]>((resolve, reject) => {
      const s = db.transaction(store).objectStore(store);
      const req = keys ? s.getAllKeys() : s.getAll();
      req.onsuccess = () => resolve(req.result as T[]);
      req.onerror = () => reject(req.error);
    });
    try {
      const runs = await all<Stored>('runs', false);
      const ids = await all<string>('checkpoints', true);
      const steps = await all<{ step: number }>('checkpoints', false);
      return { runs, checkpoints: Object.fromEntries(ids.map((id, i) => [id, steps[i].step])) };
    } finally {
      db.close();
    }
  });
}

/** A second tab: its console errors fail the test too, as the fixtures do for the first. */
async function secondTab(page: Page, errors: string[]): Promise<Page> {
  const tab = await page.context().newPage();
  tab.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`second tab console.error: ${msg.text()}`);
  });
  tab.on('pageerror', (err) => errors.push(`second tab page error: ${err.message}`));
  return tab;
}

const panelOf = (p: Page) => p.getByRole('region', { name: /Experiment/ });
const statusOf = (p: Page) => panelOf(p).getByRole('status');
const LINK = (lr: string) => `/?v=1&preset=english-code&m=r8&steps=2&evalEvery=2&evalBatches=1&div=0&bs=2&T=16&r8.lr=${lr}`;

test('two tabs training at the same time each save their own run intact', async ({ page, pageErrors }) => {
  test.setTimeout(480_000);
  const other = await secondTab(page, pageErrors);
  await page.goto(LINK('1e-2'));
  await other.goto(LINK('3e-3'));
  await Promise.all([page, other].map((p) => panelOf(p).getByRole('button', { name: 'Start', exact: true }).click()));
  await Promise.all([page, other].map((p) => expect(statusOf(p)).toHaveAttribute('data-state', 'done', { timeout: 400_000 })));
  for (const p of [page, other]) {
    await p.reload();
    await expect(p.locator('tr[data-run]')).toHaveCount(2);
    await expect(p.locator('tr[data-run]', { hasText: '(done)' })).toHaveCount(2);
  }
  const { runs, checkpoints } = await stored(page);
  expect(runs).toHaveLength(2);
  const byLr = new Map(runs.map((r) => [r.config.methods[0].lr, r]));
  expect([...byLr.keys()].sort()).toEqual([3e-3, 1e-2]);
  for (const r of runs) {
    expect(r.state).toBe('done');
    expect(r.evals.map((e) => `${e.method}@${e.step}`)).toEqual(['r8@0', 'r8@2']);
    expect(r.checkpointStep).toBe(2);
    expect(checkpoints[r.id]).toBe(2);
  }
  // Same base model and data at step 0; different learning rates part by step 2: each run kept its own curve.
  const [a, b] = [byLr.get(1e-2)!, byLr.get(3e-3)!];
  expect(a.evals[0].targetLoss).toBeCloseTo(b.evals[0].targetLoss, 4);
  expect(a.evals[1].targetLoss).not.toBeCloseTo(b.evals[1].targetLoss, 4);
  await other.close();
});

test('a run held by one tab cannot be resumed in another until that tab closes', async ({ page, pageErrors }) => {
  test.setTimeout(480_000);
  // Long enough to pause mid-run (a step takes well under a second here); step 5 follows the step-4 checkpoint.
  await page.goto('/?v=1&preset=english-code&m=r8&steps=20&evalEvery=4&evalBatches=1&div=0');
  await panelOf(page).getByRole('button', { name: 'Start', exact: true }).click();
  await expect(statusOf(page)).toContainText(/running at step ([5-9]|1\d)/, { timeout: 240_000 });
  await panelOf(page).getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(statusOf(page)).toHaveAttribute('data-state', 'paused', { timeout: 120_000 });

  const other = await secondTab(page, pageErrors);
  await other.goto('/');
  // The second tab reopens the newest saved run: the one paused in the first tab, offered for resuming.
  const row = other.locator('tr[data-run]').first();
  await expect(row).toContainText('interrupted; checkpoint at step');
  await expect(statusOf(other)).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await panelOf(other).getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(statusOf(other)).toContainText('open in another tab', { timeout: 60_000 });
  await other.screenshot({ path: 'test-results/tabs-run-held.png', fullPage: true });
  // The first tab still has it, paused, and nothing was written over it.
  await expect(statusOf(page)).toHaveAttribute('data-state', 'paused');

  await page.close();
  await row.getByRole('button', { name: 'Open' }).click();
  await expect(statusOf(other)).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await panelOf(other).getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(statusOf(other)).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  await expect(row).toContainText('(done)');
  const { runs } = await stored(other);
  expect(runs).toHaveLength(1);
  expect(runs[0].evals.map((e) => e.step)).toEqual([0, 4, 8, 12, 16, 20]);
  await other.close();
});
