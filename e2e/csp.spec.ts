// The built page runs under its Content Security Policy (vite.config.ts: a response header of the
// preview server and a <meta> in the built index.html): the paths that load extra code (the training
// Worker, onnxruntime-web's wasm on the CPU and on WebGPU, the PNG chart export through a blob: image,
// a download) run without a single violation, and the policy is really enforced (an inline script
// does not run).
import type { Page, Worker } from '@playwright/test';
import { expect, test } from './fixtures';

interface Violation { directive: string; blocked: string; source: string }
type Recorder = { __csp?: Violation[] };

/** Records every violation in a page or Worker global, with what was blocked. */
function recordViolations() {
  const g = globalThis as unknown as Recorder & { addEventListener: typeof addEventListener };
  g.__csp = [];
  g.addEventListener('securitypolicyviolation', (e) => {
    const v = e as SecurityPolicyViolationEvent;
    g.__csp!.push({ directive: v.effectiveDirective, blocked: v.blockedURI, source: `${v.sourceFile}:${v.lineNumber}` });
  });
}

async function violations(page: Page, workers: Worker[]): Promise<Violation[]> {
  const read = () => (globalThis as unknown as Recorder).__csp ?? [];
  const all = [...(await page.evaluate(read))];
  for (const w of workers) all.push(...(await w.evaluate(read).catch(() => [])));
  return all;
}

test('the built page, its Worker, onnxruntime-web and the chart export run without a CSP violation', async ({ page }) => {
  test.setTimeout(400_000);
  await page.addInitScript(recordViolations);
  // The Worker starts with the page; its violations fire in its own global, so listen there too
  // (the training and the data fetches all happen after Start, well after this is attached).
  const workers: Worker[] = [];
  page.on('worker', (w) => {
    workers.push(w);
    void w.evaluate(recordViolations).catch(() => undefined);
  });
  const response = await page.goto('/?v=1&preset=english-code&m=full&steps=2&evalEvery=2&warmup=0&evalBatches=1&div=0&bs=2&T=16');
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', /default-src 'self'/);

  const panel = page.getByRole('region', { name: /Experiment/ });
  const status = page.locator('p.ll-status');
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await expect(page.locator('[data-chart="targetLoss"] .recharts-line')).toHaveCount(1);
  expect(workers.length, 'the training Worker started').toBeGreaterThan(0);

  // A PNG of a chart (an SVG drawn through a blob: image) and a file download (a blob: link).
  const png = page.waitForEvent('download');
  await page.locator('[data-chart="targetLoss"]').getByRole('button', { name: /PNG/ }).click();
  expect((await png).suggestedFilename()).toMatch(/\.png$/);
  const exp = page.getByRole('region', { name: 'Export and import' });
  const json = page.waitForEvent('download');
  await exp.getByRole('button', { name: 'Run JSON', exact: true }).click();
  expect((await json).suggestedFilename()).toMatch(/\.json$/);

  // onnxruntime-web on the CPU (its wasm) and with WebGPU where the browser has it, from the base model.
  const gen = page.getByRole('group', { name: 'Generate with onnxruntime-web' });
  await gen.getByLabel('Bytes to generate').fill('2');
  for (const runtime of ['wasm', 'auto']) {
    await gen.getByLabel('Runtime').selectOption(runtime);
    await gen.getByRole('button', { name: 'Generate with onnxruntime-web' }).click();
    await expect(gen.getByTestId('ort-runtime')).toContainText(runtime === 'wasm' ? /wasm execution provider/ : /Produced by onnxruntime-web/, { timeout: 90_000 });
    await expect(gen.getByRole('button', { name: 'Generate with onnxruntime-web' })).toBeEnabled({ timeout: 90_000 });
  }

  expect(await violations(page, workers)).toEqual([]);
});

test('the policy is enforced: an inline script does not run, and the Worker gets the header too', async ({ page, browser }) => {
  const started = page.waitForEvent('worker');
  const response = await page.goto('/');
  const policy = response?.headers()['content-security-policy'] ?? '';
  // frame-ancestors * : course pages embed the playground (embed mode, e2e/embed.spec.ts).
  for (const d of ["default-src 'self'", "worker-src 'self'", "connect-src 'self'", "object-src 'none'", 'frame-ancestors *']) {
    expect(policy).toContain(d);
  }
  expect(policy).not.toContain('unsafe-inline');
  expect(policy).not.toMatch(/'unsafe-eval'|https?:/);
  // Served with every file, so the Worker's script (which takes its policy from its own response) has it too.
  const workerUrl = (await started).url();
  expect(workerUrl).toMatch(/\/assets\/worker[^/]*\.js$/);
  expect((await page.request.get(workerUrl)).headers()['content-security-policy']).toBe(policy);

  // In a page of its own: the refusal is a console error there, which this test expects.
  const context = await browser.newContext();
  try {
    const probe = await context.newPage();
    await probe.addInitScript(recordViolations);
    await probe.goto('/');
    const ran = await probe.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.append(s);
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false;
    });
    expect(ran, 'an inline script ran: the policy is not active').toBe(false);
    // Reported once per policy (the header and the <meta> both forbid it).
    await expect.poll(() => violations(probe, [])).toContainEqual(expect.objectContaining({ directive: 'script-src-elem', blocked: 'inline' }));
  } finally {
    await context.close();
  }
});
