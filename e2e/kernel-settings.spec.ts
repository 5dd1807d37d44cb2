// Diagnostics' kernel-variant setting: forcing the workgroup attention and row reductions
// (written for discrete GPUs) still trains correctly in the browser, the choice survives a
// reload, and "auto" clears it.
import { expect, test } from './fixtures';

test('forced workgroup kernels train the engine check, and the setting persists', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?view=diagnostics');
  const settings = page.getByRole('region', { name: 'Kernel variants' });
  await expect(settings.getByTestId('kernel-variants-state')).toHaveText('Nothing forced: the autotuner chooses.');
  await settings.getByLabel('Attention').selectOption('workgroup');
  await settings.getByLabel(/Row reductions/).selectOption('workgroup');
  await expect(settings.getByTestId('kernel-variants-state')).toHaveText('Forced: attention workgroup, rows workgroup.');
  const demo = page.getByRole('region', { name: /Engine check/ });
  await demo.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(demo.getByRole('status')).toContainText('Done.', { timeout: 240_000 });
  for (const id of ['base', 'full', 'lora8']) {
    const first = Number(await page.getByTestId(`first-loss-${id}`).textContent());
    const last = Number(await page.getByTestId(`loss-${id}`).textContent());
    expect(last, `${id}: loss falls with workgroup kernels (${first} -> ${last})`).toBeLessThan(first - 0.3);
  }
  await page.reload();
  await expect(page.getByRole('region', { name: 'Kernel variants' }).getByLabel('Attention')).toHaveValue('workgroup');
  await page.getByRole('region', { name: 'Kernel variants' }).getByLabel('Attention').selectOption('auto');
  await page.getByRole('region', { name: 'Kernel variants' }).getByLabel(/Row reductions/).selectOption('auto');
  await expect(page.getByTestId('kernel-variants-state')).toHaveText('Nothing forced: the autotuner chooses.');
});
