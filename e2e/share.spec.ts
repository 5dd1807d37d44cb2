// Links: the URL holds the experiment (only what differs from the preset), a link restores
// it, and a malformed or hostile link shows what was not used while the page keeps working
// and no injected script runs.
import { expect, test } from './fixtures';

test('the URL follows the settings and a link restores them', async ({ page, context }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\?v=1&preset=english-code$/);
  await page.getByLabel('Preset').selectOption('english-math');
  await page.getByLabel('Steps', { exact: true }).fill('37');
  await expect(page).toHaveURL(/preset=english-math&steps=37/);
  const link = page.url();
  const other = await context.newPage();
  await other.goto(link);
  await expect(other.getByLabel('Preset')).toHaveValue('english-math');
  await expect(other.getByLabel('Steps', { exact: true })).toHaveValue('37');
  await expect(other.getByTestId('link-problems')).toHaveCount(0);
});

const HOSTILE = [
  '?v=1&preset=english-code&steps=abc',
  '?v=1&preset=nope&steps=99999999',
  '?v=9&preset=english-code&full.lr=-1',
  '?v=1&preset=english-code&m=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E',
  '?v=1&preset=english-code&r8.label=%3Cimg%20src%3Dx%20onerror%3Dwindow.__pwned%3D1%3E',
  '?%zz=%E0%A4%A',
];

for (const q of HOSTILE) {
  test(`a malformed link shows a message and a working page: ${q.slice(0, 60)}`, async ({ page }) => {
    await page.goto(`/${q}`);
    await expect(page.getByTestId('link-problems')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Start' })).toBeEnabled();
    const steps = Number(await page.getByLabel('Steps', { exact: true }).inputValue());
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(steps).toBeLessThanOrEqual(5000);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.getByTestId('link-problems').innerHTML()).not.toContain('<script');
  });
}
