// Embed mode: a course page on another origin (127.0.0.1:4174, served by the test) iframes the
// playground with `embed=1&hide=controls,text`; the page's policy allows the framing
// (frame-ancestors), the charts show and fill with a short run inside the frame, the hidden parts
// are gone, and the frame reports its height to the course page. The share menu's embed code is
// an <iframe> of the current experiment.
import { createServer } from 'node:http';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const APP = 'http://127.0.0.1:4173';
const COURSE = 'http://127.0.0.1:4174/course.html';
const QUERY = 'v=1&preset=english-code&m=full,r8&steps=2&evalEvery=2&evalBatches=1&div=0&bs=2&T=16';

test('a course page on another origin embeds the playground, which hides the chosen parts and trains', async ({ page }) => {
  test.setTimeout(300_000);
  // A real server on 127.0.0.1 (not a routed response): Chromium's local-network-access checks treat a
  // routed page as public and would refuse to frame a loopback address from it.
  const course = `<!doctype html><html lang="en"><head><title>Course</title></head><body>
      <h1>Week 3: fine-tuning</h1>
      <iframe id="lab" src="${APP}/?${QUERY}&embed=1&hide=controls,text" width="960" height="720" title="LoRA Lab"></iframe>
      <script>
        window.heights = [];
        addEventListener('message', (e) => { if (e.data && e.data.type === 'lora-lab:height') window.heights.push(e.data.height); });
      </script></body></html>`;
  const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(course));
  await new Promise<void>((resolve) => server.listen(4174, '127.0.0.1', resolve));
  try {
    await embedded(page);
  } finally {
    server.close();
  }
});

async function embedded(page: Page) {
  await page.goto(COURSE);
  const lab = page.frameLocator('#lab');
  const panel = lab.getByRole('region', { name: /Experiment/ });
  await expect(panel).toBeVisible();
  for (const chart of ['targetLoss', 'sourceLoss', 'tradeoff']) await expect(lab.locator(`[data-chart="${chart}"]`)).toBeVisible();
  // Hidden: the settings column and the page's prose; kept: the run buttons and the charts.
  await expect(lab.locator('.ll-controls')).toBeHidden();
  await expect(lab.locator('.ll-pitch')).toBeHidden();
  await expect(lab.locator('[data-chart="targetLoss"] > .ll-hint')).toBeHidden();
  await expect(lab.getByRole('tab')).toHaveCount(0);
  await expect(lab.getByRole('link', { name: /Open the full playground/ })).toHaveAttribute('href', new RegExp(`^${APP}/\\?v=1&preset=english-code`));
  // No page margin: the body starts at the frame's edge.
  expect(await lab.locator('body').evaluate((b) => getComputedStyle(b).margin)).toBe('0px');

  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(lab.locator('p.ll-status')).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await expect(lab.locator('[data-chart="targetLoss"] .recharts-line')).toHaveCount(2);
  // The frame kept embed mode in its address while the experiment rewrote the query.
  const frame = page.frames().find((f) => f.url().startsWith(APP));
  expect(new URL(frame!.url()).searchParams.get('embed')).toBe('1');
  // The course page heard the frame's height.
  const heights = await page.evaluate(() => (window as unknown as { heights: number[] }).heights);
  expect(heights.length).toBeGreaterThan(0);
  expect(Math.max(...heights)).toBeGreaterThan(300);
  await page.screenshot({ path: 'test-results/screenshots/embed-course-page.png' });
}

test('Copy embed code gives an iframe of the current experiment in embed mode', async ({ page }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`/?${QUERY}`);
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByRole('checkbox', { name: 'settings' }).check();
  await page.getByRole('button', { name: 'Copy embed code' }).click();
  const code = await page.evaluate(() => navigator.clipboard.readText());
  const doc = new DOMParserish(code);
  expect(doc.tag).toBe('iframe');
  const src = new URL(doc.attr('src')!.replace(/&amp;/g, '&'));
  expect(src.origin).toBe(APP);
  expect(src.searchParams.get('embed')).toBe('1');
  expect(src.searchParams.get('hide')?.split(',').sort()).toEqual(['controls', 'text', 'tour']);
  expect(src.searchParams.get('steps')).toBe('2');
  expect(src.searchParams.get('m')).toBe('full,r8');
  expect(Number(doc.attr('width'))).toBeGreaterThan(300);
  expect(Number(doc.attr('height'))).toBeGreaterThan(300);
  expect(doc.attr('title')).toMatch(/LoRA Lab/);
  await expect(page.getByLabel('Copied text')).toHaveValue(code);
});

/** Just enough parsing of one tag for the snippet (Node has no DOMParser). */
class DOMParserish {
  readonly tag: string;
  private readonly attrs = new Map<string, string>();
  constructor(html: string) {
    const m = /^<(\w+)([^>]*)><\/\1>$/.exec(html.trim());
    if (!m) throw new Error(`not a single element: ${html}`);
    this.tag = m[1];
    for (const a of m[2].matchAll(/(\w[\w-]*)="([^"]*)"/g)) this.attrs.set(a[1], a[2]);
  }
  attr(name: string) {
    return this.attrs.get(name);
  }
}
