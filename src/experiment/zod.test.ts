// Every module that builds zod schemas sets zod's interpreted parsing first (zod.ts): since the
// Worker imports its hosts lazily, any of them may be the first to create a schema, and a compiled
// parser would break the page's Content Security Policy (e2e/csp.spec.ts sees it in the browser).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('.', import.meta.url).pathname;
/** Page-only modules that run after config.ts (in the page's first chunk), named with why. */
const PAGE_ONLY = new Set(['tour/curves.ts']);

function modules(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory()) return modules(rel);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [rel] : [];
  });
}

describe('zod configuration', () => {
  it('reaches every schema module before its schemas exist', () => {
    const unsafe = modules('').filter((f) => {
      if (f === 'zod.ts' || PAGE_ONLY.has(f)) return false;
      const src = readFileSync(join(ROOT, f), 'utf8');
      if (!/from 'zod'/.test(src)) return false;
      // Importing config.ts (which takes zod from zod.ts) runs the setting before this module's body.
      return !/from '(\.\.?\/)+(config|zod)'/.test(src);
    });
    expect(unsafe).toEqual([]);
  });
});
