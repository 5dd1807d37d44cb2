// The first screen's script budget, checked over the built files (`npm run test:e2e` runs it right
// after `vite build`): what a visitor downloads before anything trains is index.html's module
// script, its static imports and modulepreloads, and the training Worker's entry with its static
// imports. Everything behind a dynamic import() (the other views, the tour's text, export, the
// charts, TF.js and onnxruntime-web) is left out: it loads when opened. Sizes are gzip at zlib's
// default level (what most servers send). Fails (exit 1) above the budget.
// Usage: node scripts/first-screen-size.mjs [dist] [--budget KB]
// Plain Node with no dependencies; the scanner is unit-tested (src/first-screen-size.test.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The budget for the whole first screen, page and Worker together (KB = 1000 bytes). */
export const BUDGET_KB = 250;

/** `<script type="module" src>` and `<link rel="modulepreload" href>` of an HTML page, in order. */
export function htmlEntries(html) {
  const out = [];
  for (const m of html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)) out.push(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) out.push(m[1]);
  return out;
}

/**
 * The specifiers a built ES chunk imports statically: `import … from "x"`, `import "x"`, `export … from "x"`.
 * A dynamic `import("x")` is not one (no clause or quote follows `import` there, a parenthesis does).
 */
export function staticImports(code) {
  const re = /(?:^|[^\w$.])(?:import|export)\s*(?:[\w$*{}\s,]*?\bfrom\s*)?(["'`])([^"'`\n]+)\1/g;
  return [...code.matchAll(re)].map((m) => m[2]).filter((s) => s.startsWith('.') || s.startsWith('/'));
}

/** The Worker entries a chunk starts: `new Worker(new URL("…", import.meta.url))`. */
export function workerEntries(code) {
  const re = /new\s+(?:Shared)?Worker\(\s*new\s+URL\(\s*(["'`])([^"'`]+)\1/g;
  return [...code.matchAll(re)].map((m) => m[2]);
}

/** A specifier as a path inside dist: absolute ones from dist's root, relative ones from the importing file. */
function resolve(from, spec) {
  const path = spec.startsWith('/') ? spec.slice(1) : posix.join(posix.dirname(from), spec);
  return posix.normalize(path.split(/[?#]/)[0]);
}

/**
 * Every script the first screen loads, with its gzip size: the page's graph from index.html and the Worker
 * graph from each `new Worker(new URL(…))` found in the page's graph.
 * @param {(path: string) => string | null} read  a file of the build by its path inside dist, null if missing
 * @returns {{ page: Array<{file: string, gzip: number}>, worker: Array<{file: string, gzip: number}>, workers: string[], missing: string[] }}
 */
export function firstScreen(read) {
  const html = read('index.html');
  if (html === null) throw new Error('no index.html in the build: run vite build first');
  const missing = [];
  const walk = (roots, seen) => {
    const files = [];
    const queue = [...roots];
    while (queue.length) {
      const file = queue.shift();
      if (seen.has(file)) continue;
      seen.add(file);
      const code = read(file);
      if (code === null) {
        missing.push(file);
        continue;
      }
      files.push({ file, code, gzip: gzipSync(code).length });
      for (const spec of staticImports(code)) queue.push(resolve(file, spec));
    }
    return files;
  };
  const page = walk(htmlEntries(html).map((s) => resolve('index.html', s)), new Set());
  const workers = [...new Set(page.flatMap((f) => workerEntries(f.code).map((s) => resolve(f.file, s))))];
  const worker = walk(workers, new Set());
  const strip = (fs) => fs.map(({ file, gzip }) => ({ file, gzip }));
  return { page: strip(page), worker: strip(worker), workers, missing };
}

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;

function main(argv) {
  const i = argv.indexOf('--budget');
  const budget = i >= 0 ? Number(argv[i + 1]) : BUDGET_KB;
  const dist = argv.find((a, k) => !a.startsWith('--') && argv[k - 1] !== '--budget') ?? 'dist';
  const read = (p) => {
    const file = join(dist, p);
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  };
  const r = firstScreen(read);
  const sum = (fs) => fs.reduce((n, f) => n + f.gzip, 0);
  const total = sum(r.page) + sum(r.worker);
  for (const [name, fs] of [['page', r.page], ['worker', r.worker]]) {
    console.log(`${name}: ${kb(sum(fs))} gzip`);
    for (const f of fs) console.log(`  ${kb(f.gzip).padStart(9)}  ${f.file}`);
  }
  console.log(`first screen: ${kb(total)} gzip of script (budget ${budget} KB)`);
  const problems = [];
  if (r.missing.length) problems.push(`imported but not in ${dist}: ${r.missing.join(', ')}`);
  if (r.workers.length === 0) problems.push('no `new Worker(new URL(...))` in the page\'s first chunks: the Worker was not measured');
  if (total > budget * 1000) problems.push(`the first screen loads ${kb(total)} of script, over the ${budget} KB budget: load more of it on demand (React.lazy, import())`);
  for (const p of problems) console.error(p);
  return problems.length ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
