#!/usr/bin/env node
// npm run bench:page: the benchmark suite in headless Chromium, as the Benchmark view runs it
// (the page's training Worker, the browser's WebGPU: SwiftShader on a machine without a GPU).
// It builds the app, serves it with `vite preview` on 127.0.0.1, opens `?view=bench` through
// Playwright's library API with the e2e config's browser and flags (playwright.config.ts), runs
// the suite, and writes the downloaded JSON and the tables (text and markdown) to bench-results/.
// This is where the TensorFlow.js training-step peer runs: Node cannot load TF.js's gradients.
//
// Usage: npm run bench:page [-- --full] [--no-build] [--out DIR]
//   --full      the full suite (base and small shapes, 1024³, tiny and base steps); default: quick
//   --no-build  serve the existing dist/
//   --out DIR   where to write (default bench-results)
// Runs under tsx (package.json), so it can read the TypeScript config and table code.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import config from '../playwright.config.ts';
import { markdownTable, reportHeader, reportTables, textTable } from '../src/experiment/bench/table.ts';

const { values: args } = parseArgs({
  options: { full: { type: 'boolean', default: false }, 'no-build': { type: 'boolean', default: false }, out: { type: 'string', default: 'bench-results' } },
});

const BASE = config.use.baseURL;

async function waitForServer(url, ms = 120_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

async function runSuite(page) {
  await page.goto(`${BASE}/?view=bench`);
  const quick = page.getByRole('checkbox', { name: /Quick/ });
  if ((await quick.isChecked()) === args.full) await quick.click();
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  const done = page.getByRole('button', { name: 'Download JSON' });
  const failed = page.getByRole('alert');
  let last = '';
  while (!(await done.isVisible())) {
    if (await failed.isVisible()) throw new Error(await failed.innerText());
    const status = await page.getByRole('status').innerText().catch(() => '');
    if (status && status !== last) console.log(status);
    last = status;
    await page.waitForTimeout(2000);
  }
  const [file] = await Promise.all([page.waitForEvent('download'), done.click()]);
  return readFileSync(await file.path(), 'utf8');
}

async function main() {
  if (!args['no-build']) {
    const b = spawnSync('npx', ['vite', 'build'], { stdio: 'inherit' });
    if (b.status !== 0) throw new Error('vite build failed');
  }
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', '4173', '--strictPort'], { stdio: 'ignore', detached: true });
  try {
    await waitForServer(BASE);
    const { executablePath, args: flags } = config.use.launchOptions;
    const browser = await chromium.launch({ executablePath, args: flags, headless: true });
    try {
      const load = () => `${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
      const hostAtStart = load();
      const page = await browser.newPage();
      page.on('console', (m) => { if (m.type() === 'error') console.error(`page: ${m.text()}`); });
      const json = await runSuite(page);
      const report = JSON.parse(json);
      // The page cannot see the host's load; this script can, and writes it into the report it keeps.
      report.host ??= `start: ${hostAtStart}; end: ${load()} (measured by scripts/bench-page.mjs)`;
      mkdirSync(args.out, { recursive: true });
      const name = `bench-page${args.full ? '' : '-quick'}`;
      writeFileSync(join(args.out, `${name}.json`), JSON.stringify(report, null, 2));
      const text = [reportHeader(report), ...reportTables(report).map(textTable), ...report.notes.map((n) => `note: ${n}`)].join('\n\n');
      writeFileSync(join(args.out, `${name}.txt`), `${text}\n`);
      writeFileSync(join(args.out, `${name}.md`), [reportHeader(report), ...reportTables(report).map((t) => `**${t.title}**\n\n${markdownTable(t)}`)].join('\n\n') + '\n');
      console.log(text);
      console.log(`wrote ${join(args.out, name)}.{json,txt,md}`);
    } finally {
      await browser.close();
    }
  } finally {
    process.kill(-server.pid);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
