// Unknown base models and broken asset files, tried as a user would: a link naming a base that is
// not shipped says so when it is opened and trains on the shipped base; a data or model file that
// is missing, replaced by a web page or corrupted is named, with what is wrong, on the page after Start.
import type { Page, Route } from '@playwright/test';
import { expect, test } from './fixtures';

const TINY = 'v=1&preset=english-code&m=full&steps=2&evalEvery=2&warmup=0&evalBatches=1&div=0';

async function startAndReadStatus(page: Page) {
  const panel = page.getByRole('region', { name: /Experiment/ });
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  return page.locator('p.ll-status');
}

test('a link naming a base model that is not shipped says so, and trains on the shipped base', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto(`/?${TINY}&base=medium`);
  const problems = page.getByTestId('link-problems');
  await expect(problems).toContainText('base model "medium" is not shipped with this page (shipped: base, small); keeping base');
  const status = await startAndReadStatus(page);
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
  await expect(page.locator('[data-chart="targetLoss"] .recharts-line')).toHaveCount(1);
  // The link now names only what is used: no unknown base.
  await expect(page).not.toHaveURL(/base=medium/);
});

const garbage = (route: Route) => route.fulfill({ status: 200, contentType: 'application/octet-stream', body: Buffer.alloc(1000, 7) });
const webPage = (route: Route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html><body>index</body></html>' });

const BROKEN: Array<{ what: string; file: string; answer: (r: Route) => Promise<void>; message: RegExp }> = [
  { what: 'a corrupted data file', file: 'data/code.heldout.bin', answer: garbage, message: /data\/code\.heldout\.bin is corrupted \(truncated\): 1000 bytes/ },
  { what: 'a missing data manifest', file: 'data/manifest.json', answer: (r) => r.fulfill({ status: 404, body: 'missing' }), message: /data\/manifest\.json not found \(HTTP 404\)/ },
  { what: 'a data file replaced by a web page', file: 'data/english.train.bin', answer: webPage, message: /data\/english\.train\.bin not found: the server sent a web page in its place/ },
  { what: 'a corrupted base model', file: 'models/base.bin', answer: garbage, message: /models\/base\.bin is corrupted: 1000 bytes, its manifest says 460032/ },
  {
    what: 'a base model whose bytes were altered', file: 'models/base.bin',
    answer: async (route) => {
      const body = await (await route.fetch()).body();
      body[1234] ^= 0x40;
      await route.fulfill({ status: 200, contentType: 'application/octet-stream', body });
    },
    message: /models\/base\.bin is corrupted: checksum mismatch/,
  },
];

for (const b of BROKEN) {
  test(`${b.what} is named on the page after Start`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.route(`**/${b.file}`, b.answer);
    await page.goto(`/?${TINY}`);
    const status = await startAndReadStatus(page);
    await expect(status).toContainText(b.message, { timeout: 60_000 });
    await expect(status).toHaveAttribute('data-state', 'error');
  });
}
