// ESLint rule lora-lab/no-cycle: no import circles in src/, type imports, re-exports and dynamic
// import() included. eslint-plugin-import-x's no-cycle skips type-only imports, and a circle
// closed by types still ties modules together (the nine-file one through protocol.ts was). The
// graph is read with TypeScript's preProcessFile (a scanner, no type checking): relative
// specifiers only, resolved to .ts, .tsx or an index; `?raw` and packages are leaves.
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

const EXTENSIONS = ['.ts', '.tsx', '/index.ts', '/index.tsx'];

/** @type {Map<string, { mtime: number, imports: { spec: string, file: string }[] }>} */
const cache = new Map();

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The source file a relative specifier names, or null (a package, an asset, a file that does not exist). */
export function resolveSpecifier(from, spec) {
  if (!spec.startsWith('.') || spec.includes('?')) return null;
  const base = resolve(dirname(from), spec.replace(/\.js$/, ''));
  if (/\.tsx?$/.test(base) && isFile(base)) return base;
  for (const ext of EXTENSIONS) if (isFile(base + ext)) return base + ext;
  return null;
}

/** Every module `file` imports (static, type-only, re-export or dynamic), resolved. */
export function importsOf(file) {
  const mtime = statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && hit.mtime === mtime) return hit.imports;
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const imports = info.importedFiles.flatMap(({ fileName }) => {
    const target = resolveSpecifier(file, fileName);
    return target ? [{ spec: fileName, file: target }] : [];
  });
  cache.set(file, { mtime, imports });
  return imports;
}

/** A path of modules from `start` back to `file` (start first), or null when there is none. */
export function pathBack(start, file) {
  const seen = new Set([start]);
  const stack = [[start, [start]]];
  while (stack.length) {
    const [at, route] = stack.pop();
    for (const { file: next } of importsOf(at)) {
      if (next === file) return route;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push([next, [...route, next]]);
    }
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'No import circles, type imports included' },
    schema: [],
    messages: { cycle: 'Import circle: {{route}}. Move what both sides need into a module neither imports back (for types that cross the Worker boundary: protocol.ts).' },
  },
  create(context) {
    const file = context.filename;
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const target = resolveSpecifier(file, spec);
      if (!target || target === file) return;
      const route = pathBack(target, file);
      if (!route) return;
      const cwd = context.cwd;
      const names = [file, ...route, file].map((p) => relative(cwd, p));
      context.report({ node, messageId: 'cycle', data: { route: names.join(' → ') } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      TSImportType: (node) => {
        const arg = node.argument;
        const lit = arg?.type === 'TSLiteralType' ? arg.literal : arg;
        if (lit?.type === 'Literal') check(node, lit.value);
      },
    };
  },
};
