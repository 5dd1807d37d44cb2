// The benchmark's peers on the page: the quick suite in the page's Worker also runs tf.matMul on
// TensorFlow.js's WebGPU backend, onnxruntime-web's WebGPU execution provider (one-node MatMul,
// its wasm served by this origin under the page's CSP) and the model trained with TF.js. Each
// peer's result matches the engine's, and the TF.js training step passes its loss check (so its
// time is reported). No timing is asserted: only that the figures exist and are finite.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';

const FINITE = /^\d[\d.]*( ±|$)/;

test('the quick suite runs TF.js and onnxruntime-web beside the engine', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/?view=bench');
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  await expect(page.getByRole('button', { name: 'Download JSON' })).toBeVisible({ timeout: 540_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Matmul rows of both peers, each with a finite median time and an engine/peer ratio.
  const rows = page.getByRole('table', { name: 'Peer matmul' }).locator('tbody tr');
  for (const peer of ['TF.js', 'ORT']) {
    const mine = rows.filter({ has: page.locator('td:nth-child(4)', { hasText: new RegExp(`^${peer.replace('.', '\\.')}$`) }) });
    expect(await mine.count()).toBeGreaterThan(0);
    await expect(mine.first().locator('td').nth(4)).toHaveText(FINITE);
    await expect(mine.first().locator('td').nth(8)).toHaveText(/^\d[\d.]*×$/);
  }
  // Every check against the engine agrees, the TF.js loss check included.
  const checks = page.getByRole('table', { name: 'Peer checks' }).locator('tbody tr');
  expect(await checks.count()).toBe(7); // 3 forms × 2 peers + the TF.js training step
  for (let i = 0; i < 7; i++) await expect(checks.nth(i).locator('td').last()).toHaveText('yes');
  const step = page.getByRole('table', { name: 'Peer training step' }).locator('tbody tr');
  await expect(step).toHaveCount(1);
  await expect(step.locator('td').nth(4)).toHaveText(FINITE);

  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download JSON' }).click()]);
  const report = JSON.parse(readFileSync(await file.path(), 'utf8'));
  expect(report.peers.errors).toEqual([]);
  expect(report.peers.info.map((i: { peer: string }) => i.peer).sort()).toEqual(['ort', 'tfjs']);
  const [s] = report.peers.steps;
  expect(s.lossCheck.ok).toBe(true);
  expect(s.lossCheck.engine).toHaveLength(3);
  expect(Number.isFinite(s.ms.median) && s.ms.median > 0).toBe(true);
  for (const m of report.peers.matmul) expect(Number.isFinite(m.ms.median) && Number.isFinite(m.engineOverPeer)).toBe(true);
  expect(report.notes.join(' ')).not.toMatch(/not installed/);
});
