// Smoke test: the production build loads, shows its title, and WebGPU hands out an adapter
// both on the page and inside a dedicated Worker (where training will run).
import { expect, test } from './fixtures';

test('the page loads and WebGPU gives an adapter on the page and in a Worker', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page).toHaveTitle('LoRA Lab');
  await expect(page.getByRole('heading', { level: 1, name: 'LoRA Lab' })).toBeVisible();
  await expect(page.getByText('WebGPU ready')).toBeVisible();

  const onPage = await page.evaluate(async () => {
    const adapter = await navigator.gpu?.requestAdapter();
    return adapter ? { architecture: adapter.info.architecture, vendor: adapter.info.vendor } : null;
  });
  expect(onPage, 'navigator.gpu.requestAdapter() on the page').not.toBeNull();

  // The Worker script is served from the page's origin (a routed URL): the page's Content Security Policy
  // allows workers from 'self' only, like the training Worker, not from blob: URLs.
  await page.route('**/__smoke-worker.js', (route) => route.fulfill({
    contentType: 'text/javascript',
    body: `
      const adapter = await navigator.gpu?.requestAdapter();
      postMessage(adapter ? { architecture: adapter.info.architecture, vendor: adapter.info.vendor } : null);
    `,
  }));
  const inWorker = await page.evaluate(async () => {
    const worker = new Worker('/__smoke-worker.js', { type: 'module' });
    try {
      return await new Promise((resolve, reject) => {
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
      });
    } finally {
      worker.terminate();
    }
  });
  expect(inWorker, 'navigator.gpu.requestAdapter() in a module Worker').not.toBeNull();
  testInfo.annotations.push({ type: 'adapter', description: JSON.stringify({ onPage, inWorker }) });

  await page.screenshot({ path: 'test-results/smoke.png', fullPage: true });
});

test('without WebGPU the page says how to enable it', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'gpu', { value: undefined, configurable: true });
  });
  await page.goto('/');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('does not offer WebGPU');
  await expect(alert).toContainText('--enable-unsafe-webgpu');
  await page.screenshot({ path: 'test-results/no-webgpu.png', fullPage: true });
});
