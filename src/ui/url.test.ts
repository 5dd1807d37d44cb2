// Only src/ui/url.ts writes the page's address: every other module calls its replaceQuery. The
// scan covers src/ (tests excepted) and is proven to catch each way of writing the URL.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const WRITES = /history\.(replaceState|pushState)\s*\(|location\.(search|href|hash)\s*=(?!=)|location\.(assign|replace)\s*\(/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

describe('one module writes the URL', () => {
  it('no module but ui/url.ts writes the address', () => {
    const writers = files(join(root, 'src'))
      .filter((f) => WRITES.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f));
    expect(writers).toEqual(['src/ui/url.ts']);
  });

  it('the scan catches replaceState, pushState and assignments to location', () => {
    for (const code of [
      "window.history.replaceState(null, '', url);", 'history.pushState({}, "", u)', 'window.location.search = q;',
      'location.href = next', "location.assign('/x')",
    ]) expect(WRITES.test(code), code).toBe(true);
    expect(WRITES.test("if (window.location.search === '') go();")).toBe(false);
    expect(WRITES.test('replaceQuery(q);')).toBe(false);
  });
});
