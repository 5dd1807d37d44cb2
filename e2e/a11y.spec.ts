// Accessibility: axe-core (through @axe-core/playwright) finds no serious or critical violation
// (WCAG 2.1 A/AA rules and best practices: contrast, labels, landmarks, roles, focusable names)
// on every view, in the light and the dark theme (emulated prefers-color-scheme), with the share
// menu open on the experiment view, with a finished run's charts and status table on screen, and with
// the guided tour open.
// Keyboard: the view tabs move with the arrow keys and every control shows a focus ring.
import type { Page } from '@playwright/test';
import { seriousViolations } from './axe';
import { expect, test } from './fixtures';

const VIEWS = [
  { name: 'experiment', url: '/', ready: (p: Page) => p.getByRole('region', { name: /Experiment/ }).getByRole('button', { name: 'Start', exact: true }) },
  { name: 'sweep', url: '/?view=sweep', ready: (p: Page) => p.getByRole('region', { name: /Sweep:/ }) },
  { name: 'pretrain', url: '/?view=pretrain', ready: (p: Page) => p.getByRole('region', { name: 'Pretrain a base model' }) },
  { name: 'benchmark', url: '/?view=bench', ready: (p: Page) => p.getByRole('button', { name: 'Run benchmark' }) },
  { name: 'diagnostics', url: '/?view=diagnostics', ready: (p: Page) => p.getByRole('region', { name: /Engine check/ }) },
] as const;

for (const scheme of ['light', 'dark'] as const) {
  for (const view of VIEWS) {
    test(`no serious accessibility violations: ${view.name} view, ${scheme} theme`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(view.url);
      await expect(view.ready(page)).toBeVisible();
      expect(await page.evaluate(() => getComputedStyle(document.body).colorScheme)).toContain(scheme);
      if (view.name === 'experiment') {
        await page.getByRole('button', { name: 'Share', exact: true }).click();
        await expect(page.getByRole('button', { name: 'Copy embed code' })).toBeVisible();
      }
      expect(await seriousViolations(page)).toEqual([]);
    });
  }
}

test('a finished run (charts, legend, status table) has no serious violations in either theme', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?v=1&preset=english-code&m=full,r8&steps=2&evalEvery=2&evalBatches=1&divLen=8&bs=2&T=16');
  await page.getByRole('region', { name: /Experiment/ }).getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.locator('p.ll-status')).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await expect(page.locator('[data-chart="targetLoss"] .recharts-line')).toHaveCount(2);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await seriousViolations(page), scheme).toEqual([]);
  }
});

test('the open tour (a step with its measured numbers and probes) has no serious violations in either theme', async ({ page }) => {
  await page.goto('/?tour=forgets-less');
  await expect(page.getByTestId('tour-claim')).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await seriousViolations(page), scheme).toEqual([]);
  }
});

test('keyboard: arrow keys switch views, focus is visible, Escape closes the share menu', async ({ page }) => {
  await page.goto('/');
  const tab = page.getByRole('tab', { name: 'Experiment' });
  await tab.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Sweep' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tab', { name: 'Sweep' })).toBeFocused();
  // A visible focus ring: an outline at least 2px wide on the focused tab.
  const outline = await page.getByRole('tab', { name: 'Sweep' }).evaluate((el) => {
    const s = getComputedStyle(el);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(outline.style).not.toBe('none');
  expect(outline.width).toBeGreaterThanOrEqual(2);
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('region', { name: /Experiment/ })).toBeVisible();

  const share = page.getByRole('button', { name: 'Share', exact: true });
  await share.focus();
  await page.keyboard.press('Enter');
  await expect(share).toHaveAttribute('aria-expanded', 'true');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Copy link' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(share).toHaveAttribute('aria-expanded', 'false');
  await expect(share).toBeFocused();
});

test('the theme picker overrides the system and is remembered', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(await bg()).toBe('rgb(255, 255, 255)');
  await page.getByLabel('Theme').selectOption('dark');
  expect(await bg()).toBe('rgb(21, 23, 28)');
  await page.reload();
  await expect(page.getByLabel('Theme')).toHaveValue('dark');
  expect(await bg()).toBe('rgb(21, 23, 28)');
  await page.getByLabel('Theme').selectOption('system');
  expect(await bg()).toBe('rgb(255, 255, 255)');
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await bg()).toBe('rgb(21, 23, 28)');
});

test('the check can fail: a low-contrast paragraph and an unlabelled input are reported', async ({ page }) => {
  await page.goto('/?view=diagnostics');
  await expect(page.getByRole('region', { name: /Engine check/ })).toBeVisible();
  await page.evaluate(() => {
    const p = document.createElement('p');
    p.textContent = 'faint text';
    p.style.color = '#bbbbbb';
    p.style.background = '#ffffff';
    const input = document.createElement('input');
    document.querySelector('main')!.append(p, input);
  });
  const rules = (await seriousViolations(page)).map((v) => v.rule);
  expect(rules).toContain('color-contrast');
  expect(rules).toContain('label');
});
