// Charts a projector can show (issue 20, item 7), measured on the built page with the tour's recorded
// runs drawn at once (no training): at 1920×1080 every plot area is at least 240 px tall and its tick
// text at least 14 px (18 px with "Presentation" on, which also puts one chart per row and is
// remembered); ticks are nice numbers; no marker pokes out of its plot; the legend lists the methods
// in the preset's order (not alphabetically: r=1, r=8, r=64), the Pareto front's mark is a line and the
// base model's a dot; hovering or focusing a legend entry highlights that series and fades the others;
// the sweep's charts fill two columns (no empty third). On a 390×844 phone the status table's loss
// columns are reached by scrolling the table inside its panel, with a visible cue. Axe finds no
// serious or critical violation in the charts, the top bar or the table, in either theme.
// The experiment step's curves come from e2e/fixtures/tour-curves/english-code.json (as in
// reference.spec.ts); the sweep step's are the shipped public/tour/curves/lr-code.json.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { seriousViolations } from './axe';
import { expect, test } from './fixtures';

const DIR = 'test-results/screenshots';

async function serveExperimentCurves(page: Page) {
  const body = readFileSync(new URL('./fixtures/tour-curves/english-code.json', import.meta.url), 'utf8');
  await page.route('**/tour/curves/english-code.json', (r) => r.fulfill({ status: 200, contentType: 'application/json', body }));
}

interface Measured {
  chart: string;
  plotHeight: number;
  minTick: number;
  xTicks: string[];
  yTicks: string[];
  outside: string[];
  marks: number;
  /** Fill of the axis titles and of the tick labels (the titles were recharts' grey, 3.9:1 on white). */
  titleFills: string[];
  tickFill: string;
}

/** Each drawn chart: its plot area (recharts' chart clip rect), its tick text sizes, and every marker not wholly inside the plot. */
async function measureCharts(page: Page): Promise<Measured[]> {
  return page.evaluate(() => [...document.querySelectorAll('figure.ll-chart')].flatMap((fig) => {
    const svg = fig.querySelector('svg.recharts-surface');
    const rect = svg && [...svg.querySelectorAll('clipPath')].find((c) => /-clip$/.test(c.id))?.querySelector('rect');
    if (!svg || !rect) return [];
    const at = svg.getBoundingClientRect();
    const n = (a: string) => Number(rect.getAttribute(a));
    const plot = { left: at.left + n('x'), top: at.top + n('y'), right: at.left + n('x') + n('width'), bottom: at.top + n('y') + n('height') };
    const tickEls = [...svg.querySelectorAll('.recharts-cartesian-axis-tick-value')];
    const axisTicks = (axis: string) => [...svg.querySelectorAll(`.recharts-${axis}Axis .recharts-cartesian-axis-tick-value`)].map((t) => t.textContent ?? '');
    const outside: string[] = [];
    const marks = [...svg.querySelectorAll('circle, path.recharts-symbols')].filter((el) => !el.closest('defs'));
    for (const el of marks) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const style = getComputedStyle(el);
      const half = style.stroke && style.stroke !== 'none' ? (parseFloat(style.strokeWidth) || 0) / 2 : 0;
      const tol = 0.5;
      if (r.left - half < plot.left - tol || r.right + half > plot.right + tol || r.top - half < plot.top - tol || r.bottom + half > plot.bottom + tol) {
        outside.push(`${el.closest('[class*="ll-k-"]')?.getAttribute('class') ?? el.getAttribute('class')} at ${Math.round(r.left - plot.left)},${Math.round(r.top - plot.top)}`);
      }
    }
    return [{
      chart: fig.getAttribute('data-chart') ?? '?',
      plotHeight: n('height'),
      minTick: Math.min(...tickEls.map((t) => parseFloat(getComputedStyle(t).fontSize))),
      xTicks: axisTicks('x'),
      yTicks: axisTicks('y'),
      outside,
      marks: marks.length,
      titleFills: [...svg.querySelectorAll('.recharts-label.ll-axis-label')].map((t) => getComputedStyle(t).fill),
      tickFill: tickEls[0] ? getComputedStyle(tickEls[0]).fill : '',
    }];
  }));
}

async function expectProjectorSized(page: Page, minTick: number, charts: string[]) {
  // recharts measures its container after a resize or a change of sizes: give it a moment.
  await expect.poll(async () => (await measureCharts(page)).map((m) => m.chart).sort()).toEqual([...charts].sort());
  await expect.poll(async () => Math.min(...(await measureCharts(page)).map((m) => m.minTick))).toBeGreaterThanOrEqual(minTick);
  for (const m of await measureCharts(page)) {
    expect(m.plotHeight, `${m.chart}: plot height`).toBeGreaterThanOrEqual(240);
    expect(m.minTick, `${m.chart}: tick text`).toBeGreaterThanOrEqual(minTick);
    expect(m.outside, `${m.chart}: markers cut by the plot's edge`).toEqual([]);
    expect(m.marks, `${m.chart}: nothing drawn`).toBeGreaterThan(0);
    expect(m.titleFills.length, `${m.chart}: axis titles`).toBeGreaterThanOrEqual(1);
    for (const f of m.titleFills) expect(f, `${m.chart}: axis title colour`).toBe(m.tickFill);
  }
}

/** Numeric tick labels of an axis are multiples of one step of 1, 2, 2.5 or 5 × 10^k. */
function expectNiceTicks(labels: string[], what: string) {
  const values = labels.map((l) => Number(l.replace('%', ''))).filter(Number.isFinite);
  if (values.length < 3) return;
  const step = Math.abs(values[1] - values[0]);
  const m = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
  expect([1, 2, 2.5, 5].some((x) => Math.abs(x - m) < 1e-6), `${what}: step ${step} in ${labels.join(' ')}`).toBe(true);
  for (let i = 1; i < values.length; i++) expect(Math.abs(Math.abs(values[i] - values[i - 1]) - step), `${what}: ${labels.join(' ')}`).toBeLessThan(step * 1e-6 + 1e-9);
}

/** The opacity of every series of a chart, by its first key. */
async function opacities(page: Page, chart: string) {
  return page.locator(`.ll-chart[data-chart="${chart}"] svg .ll-series`).evaluateAll((els) => els.map((e) => ({
    key: (e.getAttribute('class') ?? '').split(' ').find((c) => c.startsWith('ll-k-'))!.slice(5),
    keys: (e.getAttribute('class') ?? '').split(' ').filter((c) => c.startsWith('ll-k-')).map((c) => c.slice(5)),
    opacity: Number(getComputedStyle(e).opacity),
  })));
}

const legendTexts = (page: Page, chart: string) => page.locator(`.ll-chart[data-chart="${chart}"] .ll-legend-item`).allTextContents();
const EXPERIMENT_CHARTS = ['targetLoss', 'sourceLoss', 'tradeoff', 'diversity', 'entropy', 'rank90'];
const SWEEP_CHARTS = ['lr-target', 'lr-source', 'plane'];

test('at 1920×1080 the experiment charts are projector-sized, ordered, and a legend entry picks its series out', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await serveExperimentCurves(page);
  await page.goto('/?tour=setup');
  await expect(page.locator('.ll-chart[data-chart="targetLoss"] circle.ll-ref-point')).toHaveCount(44);
  await expectProjectorSized(page, 14, EXPERIMENT_CHARTS);
  for (const m of await measureCharts(page)) {
    expectNiceTicks(m.yTicks, `${m.chart} y axis`);
    expectNiceTicks(m.xTicks, `${m.chart} x axis`);
  }

  // The legend in the preset's method order (full, r=1, r=8, r=64), then the reference; the base model on the plane.
  await expect.poll(() => legendTexts(page, 'targetLoss')).toEqual(['Full fine-tuning', 'LoRA r=1', 'LoRA r=8', 'LoRA r=64', 'reference: 200 steps, base “base”, 2 seeds']);
  expect((await legendTexts(page, 'tradeoff')).at(-1)).toBe('base model (step 0)');

  // Hovering LoRA r=8 highlights its reference line and band; every other series fades.
  const entry = page.locator('.ll-chart[data-chart="targetLoss"] .ll-legend-item', { hasText: 'LoRA r=8' });
  await entry.hover();
  await expect(page.locator('.ll-chart[data-chart="targetLoss"] .ll-chart-body')).toHaveAttribute('data-highlight', 'r8');
  for (const s of await opacities(page, 'targetLoss')) expect(s.opacity, s.keys.join(' ')).toBe(s.keys.includes('r8') ? 1 : 0.12);
  await page.mouse.move(0, 0);
  for (const s of await opacities(page, 'targetLoss')) expect(s.opacity).toBe(1);
  // By keyboard: focusing an entry highlights it, Enter keeps it highlighted after the focus leaves.
  const r64 = page.locator('.ll-chart[data-chart="sourceLoss"] .ll-legend-item', { hasText: 'LoRA r=64' });
  await r64.focus();
  await expect(page.locator('.ll-chart[data-chart="sourceLoss"] .ll-chart-body')).toHaveAttribute('data-highlight', 'r64');
  await page.keyboard.press('Enter');
  await expect(r64).toHaveAttribute('aria-pressed', 'true');
  // The next entry takes the focus, and the highlight, while it has it; then the kept one is back.
  await page.keyboard.press('Tab');
  await expect(page.locator('.ll-chart[data-chart="sourceLoss"] .ll-chart-body')).toHaveAttribute('data-highlight', 'reference');
  await page.locator('.ll-chart[data-chart="sourceLoss"] figcaption').click();
  await expect(page.locator('.ll-chart[data-chart="sourceLoss"] .ll-chart-body')).toHaveAttribute('data-highlight', 'r64');
  for (const s of await opacities(page, 'sourceLoss')) expect(s.opacity, s.keys.join(' ')).toBe(s.keys.includes('r64') ? 1 : 0.12);
  // The whole reference's entry highlights every recorded line.
  const ref = page.locator('.ll-chart[data-chart="targetLoss"] .ll-legend-item', { hasText: 'reference:' });
  await ref.hover();
  for (const s of await opacities(page, 'targetLoss')) expect(s.opacity, s.keys.join(' ')).toBe(s.keys.includes('reference') ? 1 : 0.12);
  await page.mouse.move(0, 0);

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await seriousViolations(page, ['.ll-topbar', '.ll-chart-area']), scheme).toEqual([]);
  }

  // Presentation: a labelled toggle in the top bar; larger type, one chart per row, remembered.
  const toggle = page.getByRole('banner').getByRole('button', { name: 'Presentation' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-presentation', '');
  await expectProjectorSized(page, 18, EXPERIMENT_CHARTS);
  const lefts = await page.locator('.ll-chart-area figure.ll-chart').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
  expect(new Set(lefts).size, 'one chart per row').toBe(1);
  expect(parseFloat(await page.locator('.ll-chart .ll-hint').first().evaluate((e) => getComputedStyle(e).fontSize))).toBeGreaterThanOrEqual(18);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.locator('.ll-chart[data-chart="targetLoss"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${DIR}/charts-presentation-1920x1080-${scheme}.png` });
    expect(await seriousViolations(page, ['.ll-topbar', '.ll-chart-area']), `presentation, ${scheme}`).toEqual([]);
  }
  expect(await page.evaluate(() => localStorage.getItem('lora-lab:presentation'))).toBe('1');
});

test('at 1920×1080 the sweep step fills two columns, its front and base model have distinct marks, presentation is remembered', async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.addInitScript(() => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem('lora-lab:presentation', '1');
      sessionStorage.setItem('seeded', '1');
    }
  });
  await page.goto('/?tour=one-curve');
  await expect(page.locator('.ll-chart[data-chart="plane"] circle.ll-ref-point').first()).toBeAttached();
  const toggle = page.getByRole('banner').getByRole('button', { name: 'Presentation' });
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const columns = () => page.locator('.ll-sweep .ll-charts').evaluate((e) => getComputedStyle(e).gridTemplateColumns.split(' ').length);
  expect(await columns()).toBe(1);
  await expectProjectorSized(page, 18, SWEEP_CHARTS);

  await toggle.click();
  await expect(page.locator('html')).not.toHaveAttribute('data-presentation', '');
  expect(await page.evaluate(() => localStorage.getItem('lora-lab:presentation'))).toBeNull();
  // Two columns at 1920 px: the learning-rate pair side by side, the plane across both, no empty third column.
  expect(await columns()).toBe(2);
  const box = async (c: string) => (await page.locator(`.ll-chart[data-chart="${c}"]`).boundingBox())!;
  const grid = (await page.locator('.ll-sweep .ll-charts').boundingBox())!;
  expect((await box('lr-target')).width + (await box('lr-source')).width).toBeGreaterThan(grid.width * 0.95);
  expect((await box('plane')).width).toBeGreaterThan(grid.width * 0.99);
  await expectProjectorSized(page, 14, SWEEP_CHARTS);
  for (const m of await measureCharts(page)) if (m.chart === 'plane') {
    expectNiceTicks(m.xTicks, 'plane x axis');
    expectNiceTicks(m.yTicks, 'plane y axis');
  }

  // The sweep's families in its order; the front is a line in the legend, the base model a dot.
  await expect.poll(() => legendTexts(page, 'plane')).toEqual([
    'Full FT', 'LoRA r=8', 'reference: 200 steps, base “base”, 3 seeds', 'Pareto front (reference)', 'base model (step 0)',
  ]);
  const icon = (text: string) => page.locator('.ll-chart[data-chart="plane"] .ll-legend-item', { hasText: text }).locator('svg');
  await expect(icon('Pareto front').locator('line')).toHaveCount(1);
  await expect(icon('Pareto front').locator('circle')).toHaveCount(0);
  await expect(icon('base model').locator('circle')).toHaveCount(1);
  await expect(icon('base model').locator('line')).toHaveCount(0);
  // Hovering a family picks its checkpoints out of the cloud.
  await page.locator('.ll-chart[data-chart="plane"] .ll-legend-item', { hasText: 'LoRA r=8' }).hover();
  for (const s of await opacities(page, 'plane')) expect(s.opacity, s.keys.join(' ')).toBe(s.keys.includes('r8') ? 1 : 0.12);
  await page.mouse.move(0, 0);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await seriousViolations(page, ['.ll-topbar', '.ll-sweep .ll-charts']), scheme).toEqual([]);
  }
});

test('on a 390×844 phone the status table scrolls inside its panel to the loss columns, with a cue', async ({ page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?v=1&preset=english-code&steps=1&evalEvery=1&warmup=0&evalBatches=1&bs=2&T=16');
  await page.getByRole('region', { name: /Experiment/ }).getByRole('button', { name: 'Start', exact: true }).click();
  await expect(page.locator('p.ll-status')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
  const wrap = page.locator('.ll-scroll-x');
  await expect(page.getByTestId('table-scroll-cue')).toBeVisible();
  expect(await wrap.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true);
  // The page itself does not scroll sideways: only the table does.
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  const inside = async (testId: string) => {
    const cell = (await page.getByTestId(testId).boundingBox())!;
    const box = (await wrap.boundingBox())!;
    return cell.x >= box.x - 1 && cell.x + cell.width <= box.x + box.width + 1;
  };
  // By keyboard: the table takes the focus and the arrow keys scroll it.
  await wrap.focus();
  for (let i = 0; i < 60 && !(await inside('target-full')); i++) await page.keyboard.press('ArrowRight');
  expect(await inside('target-full'), 'the target loss column scrolled into view').toBe(true);
  await expect(page.getByTestId('target-full')).toHaveText(/\d\.\d{3}/);
  // The method column stays in view while the table scrolls.
  const method = (await page.locator('.ll-scroll-x tbody th[scope="row"]').first().boundingBox())!;
  expect(method.x).toBeGreaterThanOrEqual((await wrap.boundingBox())!.x - 1);
  await page.getByTestId('source-full').scrollIntoViewIfNeeded();
  expect(await inside('source-full')).toBe(true);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await wrap.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${DIR}/status-table-390x844-${scheme}.png` });
    expect(await seriousViolations(page, ['.ll-scroll-x', '[data-testid="table-scroll-cue"]']), scheme).toEqual([]);
  }
});
