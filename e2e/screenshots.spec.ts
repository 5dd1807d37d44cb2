// Screenshots for people to look at (not compared against anything): every view at a laptop
// (1280×800), a projector (1920×1080) and a phone (390×844), light and dark, into
// test-results/screenshots/ (gitignored). The experiment is shot after a short run, so its
// charts, legend and status table have data. Each shot also checks that nothing is wider than
// the screen (no sideways scrolling on a phone).
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const SIZES = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1920x1080', width: 1920, height: 1080 },
  { name: '390x844', width: 390, height: 844 },
] as const;
const SCHEMES = ['light', 'dark'] as const;
const DIR = 'test-results/screenshots';

/** Each size is loaded afresh (the page picks some defaults by width, e.g. folded settings on a phone); `ready` waits for its content. */
async function shoot(page: Page, view: string, ready: (p: Page) => Promise<void>) {
  for (const size of SIZES) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.reload();
    await ready(page);
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(() => window.scrollTo(0, 0));
      // recharts measures its container after a resize: give it a frame or two.
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await page.screenshot({ path: `${DIR}/${view}-${size.name}-${scheme}.png` });
      expect.soft(overflow, `${view} at ${size.name} ${scheme}: the page scrolls sideways`).toBeLessThanOrEqual(0);
    }
  }
}

test('screenshots of the experiment after a short run', async ({ page }) => {
  test.setTimeout(400_000);
  await page.goto('/?v=1&preset=english-code&steps=4&evalEvery=2&evalBatches=1&divLen=8&bs=2&T=16');
  await page.getByRole('region', { name: /Experiment/ }).getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.locator('p.ll-status')).toHaveAttribute('data-state', 'done', { timeout: 300_000 });
  // A reload reopens the newest saved run: the same charts, drawn at each size.
  await shoot(page, 'experiment', (p) => expect(p.locator('[data-chart="targetLoss"] .recharts-line')).toHaveCount(4));
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `${DIR}/experiment-full-${scheme}.png`, fullPage: true });
  }
});

for (const [view, url] of [['sweep', '/?view=sweep'], ['benchmark', '/?view=bench'], ['diagnostics', '/?view=diagnostics']] as const) {
  test(`screenshots of the ${view} view`, async ({ page }) => {
    await page.goto(url);
    await shoot(page, view, (p) => expect(p.getByRole('tab', { selected: true })).toBeVisible());
  });
}

test('screenshots of embed mode and the open share menu', async ({ page }) => {
  await page.setViewportSize({ width: 960, height: 720 });
  await page.goto('/?v=1&preset=english-code&embed=1&hide=controls,text');
  await expect(page.locator('[data-chart="targetLoss"]')).toBeVisible();
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `${DIR}/embed-960x720-${scheme}.png` });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByRole('button', { name: 'Copy embed code' }).click();
  await page.screenshot({ path: `${DIR}/share-menu-1280x800-light.png` });
});

test('screenshots of every tour step', async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?tour=setup');
  const tour = page.getByTestId('tour');
  for (let i = 1; ; i++) {
    await expect(tour.getByTestId('tour-measured')).toHaveAttribute('data-source', 'file');
    await expect(tour.getByTestId('tour-claim')).toBeVisible();
    const id = await tour.getAttribute('data-step');
    await page.evaluate(() => window.scrollTo(0, 0));
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${DIR}/tour-${i}-${id}-1280x800-${scheme}.png` });
    }
    const next = tour.getByRole('button', { name: 'Next →' });
    if (await next.isDisabled()) break;
    await next.click();
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?tour=one-curve');
  await expect(tour.getByTestId('tour-measured')).not.toContainText('Loading the stored numbers');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.screenshot({ path: `${DIR}/tour-one-curve-390x844-dark.png`, fullPage: true });
  expect.soft(overflow, 'the tour scrolls sideways on a phone').toBeLessThanOrEqual(0);
});
