// Faults and races in the built page: clicks that used to interleave in the Worker (two "Step
// once" then Resume) give the same losses as an uninterrupted run; a lost GPU device, a crashed
// and a hung Worker each keep every evaluation shown and resume from the last checkpoint with
// one click; Copy link after opening a saved run shares that run; the engine check trains in the
// page's one Worker. Faults are injected through the test hooks (window.__loraLab, enabled by
// window.__LORALAB_FAULTS__ before the page loads).
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

interface StoredEval { step: number; method: string; targetLoss: number; sourceLoss: number }
interface StoredRun { id: string; state: string; createdAt: number; evals: StoredEval[]; config: { methods: Array<{ id: string; lr: number }> } }

/** The runs saved in IndexedDB, oldest first (read in the page, as the Worker wrote them). */
function savedRuns(page: Page): Promise<StoredRun[]> {
  return page.evaluate(() => new Promise<StoredRun[]>((resolve, reject) => {
    const req = indexedDB.open('lora-lab');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const all = db.transaction('runs').objectStore('runs').getAll();
      all.onerror = () => reject(all.error);
      all.onsuccess = () => {
        db.close();
        resolve((all.result as StoredRun[]).sort((a, b) => a.createdAt - b.createdAt));
      };
    };
  }));
}

const losses = (evals: StoredEval[]) => evals.map((e) => `${e.step}:${e.method}:${e.targetLoss.toFixed(6)}:${e.sourceLoss.toFixed(6)}`).sort();

async function withFaults(page: Page, url: string) {
  await page.addInitScript(() => {
    (window as unknown as { __LORALAB_FAULTS__: boolean }).__LORALAB_FAULTS__ = true;
  });
  await page.goto(url);
  const panel = page.getByRole('region', { name: /Experiment/ });
  return { panel, status: panel.getByRole('status').first(), button: (name: string) => panel.getByRole('button', { name, exact: true }) };
}

// The fault tests' run: 12 steps at batch 2 × 16, evaluated and checkpointed every 2 steps. A fault
// lands while the status says step 3 to 11, so after the checkpoint of step 2 and before the end.
const FAULT_LINK = '/?v=1&preset=english-code&m=full,r8&steps=12&evalEvery=2&evalBatches=1&div=0&bs=2&T=16';
const EVAL_STEPS = ['0', '2', '4', '6', '8', '10', '12'];

const fault = (page: Page, kind: string) => page.evaluate((k) => (window as unknown as { __loraLab: { fault(k: string): void } }).__loraLab.fault(k), kind);

test('two Step once clicks and Resume give the same losses as the run without interruption', async ({ page }) => {
  test.setTimeout(420_000);
  const link = '/?v=1&preset=english-code&m=full,r8&steps=16&evalEvery=8&warmup=8&evalBatches=1&div=0&bs=2&T=16';
  const { status, button } = await withFaults(page, link);
  await button('Start').click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  await page.goto(link);
  await button('Start').click();
  await expect(status).toContainText(/running at step ([1-9]|1[01]) /, { timeout: 120_000 });
  await button('Pause').click();
  await expect(status).toHaveAttribute('data-state', 'paused', { timeout: 60_000 });
  await button('Step once').dblclick();
  await button('Resume').click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  const [plain, interrupted] = await savedRuns(page);
  expect(plain.state).toBe('done');
  expect(interrupted.state).toBe('done');
  expect(losses(interrupted.evals)).toEqual(losses(plain.evals));
});

test('a lost GPU device keeps every evaluation and the run resumes from its checkpoint', async ({ page }) => {
  test.setTimeout(420_000);
  const { status, button } = await withFaults(page, FAULT_LINK);
  await button('Start').click();
  // Step 3 starts only after the evaluation and checkpoint of step 2 were saved.
  await expect(status).toContainText(/running at step ([3-9]|1[01]) /, { timeout: 180_000 });
  await fault(page, 'lose-device');
  await expect(status).toContainText('The GPU device was lost', { timeout: 30_000 });
  await expect(status).toHaveAttribute('data-state', 'paused');
  await expect(status).toContainText(/Press Resume to continue each method from its checkpoint at step ([2468]|10)\b/);
  const shown = await page.locator('[data-chart="targetLoss"] .recharts-line-dots circle, [data-chart="targetLoss"] .recharts-dot').count();
  await page.screenshot({ path: 'test-results/device-lost.png', fullPage: true });
  await button('Resume').click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  const [run] = await savedRuns(page);
  expect(run.evals.map((e) => `${e.step}:${e.method}`).sort()).toEqual(
    EVAL_STEPS.flatMap((s) => [`${s}:full`, `${s}:r8`]).sort(),
  );
  const after = await page.locator('[data-chart="targetLoss"] .recharts-line-dots circle, [data-chart="targetLoss"] .recharts-dot').count();
  expect(after).toBeGreaterThanOrEqual(shown);
});

for (const kind of ['crash', 'hang'] as const) {
  test(`a ${kind === 'crash' ? 'crashed' : 'hung'} Worker is noticed, restarted, and the run resumes from its checkpoint`, async ({ page }) => {
    test.setTimeout(420_000);
    const { status, button } = await withFaults(page, FAULT_LINK);
    await button('Start').click();
    await expect(status).toContainText(/running at step ([3-9]|1[01]) /, { timeout: 180_000 });
    const t0 = Date.now();
    await fault(page, kind);
    await expect(status).toContainText(kind === 'crash' ? 'The training Worker crashed' : 'The training Worker stopped responding', { timeout: 30_000 });
    const noticedMs = Date.now() - t0;
    expect(noticedMs, 'noticed within seconds').toBeLessThan(kind === 'crash' ? 5_000 : 20_000);
    await expect(status).toHaveAttribute('data-state', 'paused');
    await expect(status).toContainText(/Resume to continue from the checkpoint at step ([2468]|10)\b/);
    await button('Resume').click();
    await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
    const [run] = await savedRuns(page);
    expect(run.state).toBe('done');
    expect(run.evals.map((e) => `${e.step}:${e.method}`).sort()).toEqual(
      EVAL_STEPS.flatMap((s) => [`${s}:full`, `${s}:r8`]).sort(),
    );
    // The old Worker is gone: the page runs one.
    expect(page.workers()).toHaveLength(1);
  });
}

test('Copy link after opening a saved run shares that run, and the engine check uses the page\'s Worker', async ({ page }) => {
  test.setTimeout(300_000);
  const { status, button } = await withFaults(page, '/?v=1&preset=english-code&m=full&steps=2&evalEvery=2&evalBatches=1&div=0&bs=2&T=16&full.lr=0.002');
  await button('Start').click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  await page.goto('/?v=1&preset=english-code&m=full&steps=3&evalBatches=1&div=0&bs=2&T=16');
  expect(new URL(page.url()).searchParams.get('full.lr')).toBeNull();
  await page.locator('tr[data-run]').first().getByRole('button', { name: 'Open' }).click();
  await expect.poll(() => Number(new URL(page.url()).searchParams.get('full.lr'))).toBe(0.002);
  expect(new URL(page.url()).searchParams.get('steps')).toBe('2');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  // Copy link is in the top bar's share menu.
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByRole('button', { name: 'Copy link', exact: true }).click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(Number(new URL(copied).searchParams.get('full.lr'))).toBe(0.002);

  // The engine check is in the Diagnostics tab; switching tabs keeps the page (and its Worker).
  await page.getByRole('tab', { name: 'Diagnostics' }).click();
  const demo = page.getByRole('region', { name: /Engine check/ });
  await demo.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(demo.locator('tr[data-method="base"]')).toBeVisible({ timeout: 120_000 });
  expect(page.workers()).toHaveLength(1);
});
