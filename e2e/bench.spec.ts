// The benchmark view: `?view=bench` opens it, the quick suite runs in the page's Worker on the
// browser's adapter, the tables fill with numbers, and "Download JSON" saves the same report
// (adapter named, every method's step timed with its dispatch count). Set BENCH_JSON_OUT to
// keep the downloaded report (BENCHMARKS.md quotes one). Table names are matched exactly: the
// peers' tables ("Peer training step", ...) contain the engine's.
// The same run (one quick suite, to keep the e2e time down) checks the benchmark's peers: tf.matMul
// on TensorFlow.js's WebGPU backend, onnxruntime-web's WebGPU execution provider (one-node MatMul,
// its wasm served by this origin under the page's CSP) and the model trained with TF.js. Each
// peer's result matches the engine's, and the TF.js training step passes its loss check (so its
// time is reported). No timing is asserted: only that the figures exist and are finite.
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from './fixtures';

const NUMBER = /\d/;
const FINITE = /^\d[\d.]*( ±|$)/;

test('the benchmark view runs the quick suite with its peers (TF.js, onnxruntime-web) and downloads its JSON', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/?view=bench');
  await expect(page.getByRole('tab', { name: 'Benchmark' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('checkbox', { name: /Quick/ })).toBeChecked();
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  const steps = page.getByRole('table', { name: 'Training step', exact: true });
  await expect(page.getByRole('button', { name: 'Download JSON' })).toBeVisible({ timeout: 540_000 });
  await expect(steps).toBeVisible();
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

  // Matmul rows of both peers, each with a finite median time and an engine/peer ratio.
  const peerRows = page.getByRole('table', { name: 'Peer matmul' }).locator('tbody tr');
  for (const peer of ['TF.js', 'ORT']) {
    const mine = peerRows.filter({ has: page.locator('td:nth-child(4)', { hasText: new RegExp(`^${peer.replace('.', '\\.')}$`) }) });
    expect(await mine.count()).toBeGreaterThan(0);
    await expect(mine.first().locator('td').nth(4)).toHaveText(FINITE);
    await expect(mine.first().locator('td').nth(8)).toHaveText(/^\d[\d.]*×$/);
  }
  // Every check against the engine agrees, the TF.js loss check included.
  const checks = page.getByRole('table', { name: 'Peer checks' }).locator('tbody tr');
  expect(await checks.count()).toBe(7); // 3 forms × 2 peers + the TF.js training step
  for (let i = 0; i < 7; i++) await expect(checks.nth(i).locator('td').last()).toHaveText('yes');
  const peerStepRow = page.getByRole('table', { name: 'Peer training step' }).locator('tbody tr');
  await expect(peerStepRow).toHaveCount(1);
  await expect(peerStepRow.locator('td').nth(4)).toHaveText(FINITE);

  // The report holds the peers' figures.
  expect(report.peers.errors).toEqual([]);
  expect(report.peers.info.map((i: { peer: string }) => i.peer).sort()).toEqual(['ort', 'tfjs']);
  const [peerStep] = report.peers.steps;
  expect(peerStep.lossCheck.ok).toBe(true);
  expect(peerStep.lossCheck.engine).toHaveLength(3);
  expect(Number.isFinite(peerStep.ms.median) && peerStep.ms.median > 0).toBe(true);
  for (const m of report.peers.matmul) expect(Number.isFinite(m.ms.median) && Number.isFinite(m.engineOverPeer)).toBe(true);
  expect(report.notes.join(' ')).not.toMatch(/not installed/);

  // The view is a tab like the others: away and back keeps its URL and its results.
  await page.getByRole('tab', { name: 'Experiment' }).click();
  await expect(page).not.toHaveURL(/view=bench/);
  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await expect(page).toHaveURL(/\?view=bench$/);
  await expect(page.getByRole('table', { name: 'Training step', exact: true }).locator('tbody tr')).toHaveCount(4);
});
