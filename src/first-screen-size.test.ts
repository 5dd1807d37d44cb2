// The first screen's script budget (scripts/first-screen-size.mjs, run by test:e2e after the build):
// the scanner follows static imports and modulepreloads from index.html and from the Worker entry,
// and leaves out what loads on demand (dynamic import()), over a small fake build.
import { describe, expect, it } from 'vitest';
import { firstScreen, htmlEntries, staticImports, workerEntries } from '../scripts/first-screen-size.mjs';

const build: Record<string, string> = {
  'index.html': '<script type="module" crossorigin src="/assets/index-a.js"></script><link rel="modulepreload" crossorigin href="/assets/pre-b.js">',
  'assets/index-a.js': 'import{a as e}from"./react-c.js";import"./side-d.js";const V=()=>import(`./view-e.js`);new Worker(new URL(`/assets/worker-f.js`,``+import.meta.url),{type:`module`})',
  'assets/pre-b.js': 'export const b=1',
  'assets/react-c.js': 'export*from"./shared-g.js"',
  'assets/side-d.js': 'console.log("import \\"./nowhere.js\\"")',
  'assets/view-e.js': 'x'.repeat(5000),
  'assets/worker-f.js': 'import{e}from"./shared-g.js";const h=await import("./export-h.js")',
  'assets/shared-g.js': 'export const e=2',
  'assets/export-h.js': 'y'.repeat(5000),
};
const read = (p: string) => build[p] ?? null;

describe('first screen size', () => {
  it('reads the module script and modulepreloads from index.html', () => {
    expect(htmlEntries(build['index.html'])).toEqual(['/assets/index-a.js', '/assets/pre-b.js']);
  });

  it('tells static imports from dynamic ones', () => {
    expect(staticImports(build['assets/index-a.js'])).toEqual(['./react-c.js', './side-d.js']);
    expect(staticImports(build['assets/react-c.js'])).toEqual(['./shared-g.js']);
    expect(staticImports(build['assets/worker-f.js'])).toEqual(['./shared-g.js']);
    expect(workerEntries(build['assets/index-a.js'])).toEqual(['/assets/worker-f.js']);
  });

  it('sums the page graph and the Worker graph, without what loads on demand', () => {
    const r = firstScreen(read);
    expect(r.page.map((f) => f.file)).toEqual(['assets/index-a.js', 'assets/pre-b.js', 'assets/react-c.js', 'assets/side-d.js', 'assets/shared-g.js']);
    expect(r.worker.map((f) => f.file)).toEqual(['assets/worker-f.js', 'assets/shared-g.js']);
    expect(r.workers).toEqual(['assets/worker-f.js']);
    // side-d only mentions an import inside a string.
    expect(r.missing).toEqual([]);
    for (const f of [...r.page, ...r.worker]) expect(f.gzip).toBeGreaterThan(0);
  });

  it('reports a statically imported file the build lacks', () => {
    const r = firstScreen((p) => (p === 'assets/pre-b.js' ? 'import"./gone.js"' : read(p)));
    expect(r.missing).toEqual(['assets/gone.js']);
  });
});
