// The engine trains in the browser: the production build pretrains a tiny model, then
// fine-tunes it with full fine-tuning and with LoRA in a Web Worker on WebGPU (SwiftShader
// in CI); every loss falls.
import { expect, test } from './fixtures';

test('training in a Worker lowers the loss for pretraining, full fine-tuning and LoRA', async ({ page }) => {
  await page.goto('/?view=diagnostics');
  const demo = page.getByRole('region', { name: /Engine check/ });
  await demo.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(demo.getByRole('status')).toContainText('Done.', { timeout: 170_000 });
  const loss = async (id: string, which: 'first-loss' | 'loss') => Number(await page.getByTestId(`${which}-${id}`).textContent());
  expect(await loss('base', 'first-loss'), 'a fresh model starts near ln(256) = 5.55').toBeGreaterThan(5);
  for (const id of ['base', 'full', 'lora8']) {
    const first = await loss(id, 'first-loss');
    const last = await loss(id, 'loss');
    expect(last, `${id}: loss falls (${first} -> ${last})`).toBeLessThan(first - 0.3);
  }
  await page.screenshot({ path: 'test-results/engine-demo.png', fullPage: true });
});
