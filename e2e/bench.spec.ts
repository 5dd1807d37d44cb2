// The benchmark view: `?view=bench` opens it, the quick suite runs in the page's Worker on the
// browser's adapter, the tables fill with numbers, and "Download JSON" saves the same report
// (adapter named, every method's step timed with its dispatch count). Set BENCH_JSON_OUT to
// keep the downloaded report (BENCHMARKS.md quotes one). Table names are matched exactly: the
// peers' tables ("Peer training step", ...) contain the engine's (e2e/bench-peers.spec.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from './fixtures';

const NUMBER = /\d/;

test('the benchmark view runs the quick suite and downloads its JSON', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?view=bench');
  await expect(page.getByRole('tab', { name: 'Benchmark' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('checkbox', { name: /Quick/ })).toBeChecked();
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  const steps = page.getByRole('table', { name: 'Training step', exact: true });
  await expect(steps).toBeVisible({ timeout: 240_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);

  // full and LoRA r = 1, 8, 64 at the tiny size, each row with numbers in its timing columns.
  const rows = steps.locator('tbody tr');
  await expect(rows).toHaveCount(4);
  for (let i = 0; i < 4; i++) {
    const cells = rows.nth(i).locator('td');
    await expect(cells.nth(0)).toHaveText('tiny');
    await expect(cells.nth(3)).toHaveText(NUMBER); // ms/step
    await expect(cells.nth(6)).toHaveText(/^[1-9]\d*$/); // dispatches per step, never 0
  }
  await expect(page.getByRole('table', { name: 'Device peak' }).locator('tbody tr')).toHaveCount(2);
  expect(await page.getByRole('table', { name: 'Matmul', exact: true }).locator('tbody tr').count()).toBeGreaterThan(0);

  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
  expect(file.suggestedFilename()).toMatch(/^lora-lab-bench-.*\.json$/);
  const text = readFileSync(await file.path(), 'utf8');
  const report = JSON.parse(text);
  if (process.env.BENCH_JSON_OUT) writeFileSync(process.env.BENCH_JSON_OUT, text);
  expect(report.runtime).toBe('browser');
  expect(report.quick).toBe(true);
  expect(report.adapter).not.toBe('unknown adapter');
  await expect(page.getByText(`adapter: ${report.adapter}`)).toBeVisible();
  expect(report.peak.fmaGflops.median).toBeGreaterThan(0);
  expect(report.steps.map((s: { method: string }) => s.method)).toEqual(['full', 'lora r=1 (all)', 'lora r=8 (all)', 'lora r=64 (all)']);
  for (const s of report.steps) {
    expect(s.ms.median).toBeGreaterThan(0);
    expect(s.dispatchesPerStep).toBeGreaterThan(0);
    expect(s.submitsPerStep).toBeGreaterThan(0);
  }

  // The view is a tab like the others: away and back keeps its URL and its results.
  await page.getByRole('tab', { name: 'Experiment' }).click();
  await expect(page).not.toHaveURL(/view=bench/);
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await expect(page).toHaveURL(/\?view=bench$/);
  await expect(page.getByRole('table', { name: 'Training step', exact: true }).locator('tbody tr')).toHaveCount(4);
});
