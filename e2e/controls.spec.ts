// Controls reach the run: changing a LoRA method's rank and learning rate through the form
// and starting again trains with the new settings (shown in the status table and written to
// the URL), with each method's achieved GFLOP/s as a share of the measured device peak; the same
// link and seed give the same first losses on a new page.
import { expect, test } from './fixtures';

const LINK = '/?v=1&preset=english-code&m=full,r8&steps=2&evalEvery=2&evalBatches=1&div=0&bs=2&T=16';

test('changed rank and learning rate are used by the next run and land in the URL', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto(LINK);
  const card = page.locator('[data-method-card="r8"]');
  await card.getByLabel('Rank r', { exact: true }).fill('4');
  await card.getByLabel('Learning rate', { exact: true }).fill('0.02');
  await expect(page).toHaveURL(/r8\.rank=4/);
  await expect(page).toHaveURL(/r8\.lr=0?\.02|r8\.lr=2e-2/);
  const panel = page.getByRole('region', { name: /Experiment/ });
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(panel.getByRole('status')).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await expect(page.getByTestId('settings-r8')).toContainText('r=4');
  await expect(page.getByTestId('settings-r8')).toContainText('lr 2e-2');
  // Speed against the device: the FMA peak was measured before the run, and each method's rate is a share of it.
  await expect(page.getByTestId('peak-note')).toContainText(/against [\d.]+ GFLOP\/s/);
  for (const id of ['full', 'r8']) {
    const rate = (await page.getByTestId(`rate-${id}`).textContent())!;
    const m = /^([\d.]+) \(([\d.]+)%\)$/.exec(rate);
    expect(m, `rate of ${id}: "${rate}"`).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![2])).toBeGreaterThan(0);
  }
  // The link switches to the Benchmark tab in place.
  await page.getByTestId('peak-note').getByRole('link', { name: 'Benchmark this device' }).click();
  await expect(page).toHaveURL(/view=bench/);
  await expect(page.getByRole('tab', { name: 'Benchmark' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'Experiment' }).click();
  // Training lowered the held-out target loss for both methods.
  for (const id of ['full', 'r8']) {
    const [before, after] = (await page.getByTestId(`target-${id}`).textContent())!.split('→').map(Number);
    expect(after, `${id} target loss ${before} → ${after}`).toBeLessThan(before);
  }
});

test('the same link and seed give the same first losses on a new page', async ({ page, browser }) => {
  test.setTimeout(300_000);
  const losses: string[] = [];
  // A separate context: its own IndexedDB, so nothing is shared but the link.
  const fresh = await (await browser.newContext({ baseURL: test.info().project.use.baseURL })).newPage();
  for (const p of [page, fresh]) {
    await p.goto(LINK);
    const panel = p.getByRole('region', { name: /Experiment/ });
    await panel.getByRole('button', { name: 'Start', exact: true }).click();
    await expect(panel.getByRole('status')).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
    losses.push(`${await p.getByTestId('target-full').textContent()} | ${await p.getByTestId('target-r8').textContent()}`);
  }
  expect(losses[1]).toBe(losses[0]);
});
