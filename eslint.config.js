// ESLint flat config. Fast, syntax-only typescript-eslint rules (no type information) plus
// the layering rule that keeps dependencies one-way: ui → experiment → engine → shaders,
// with cli allowed to use experiment and engine. src/lint.test.ts proves the rule fires.
//
// The layering uses ESLint's built-in `no-restricted-imports` with gitignore-style patterns
// on the import specifier. It needs no module resolver, so it also catches imports of files
// that do not exist yet, `.js`-suffixed specifiers and `?raw` imports. The cost: a pattern
// such as `**/ui` matches any path segment named `ui`, so no layer may have a sub-folder
// named after another layer (engine/ui/, experiment/cli/ ...).
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { noCycle } from './scripts/eslint-no-cycle.js';

/** Import specifiers that reach into a layer's folder (or the shaders folder), relatively. */
const into = (/** @type {string} */ dir) => [`**/${dir}`, `**/${dir}/**`];

/** UI libraries: only src/ui may use them. */
const UI_LIBS = ['react', 'react/**', 'react-dom', 'react-dom/**', 'zustand', 'zustand/**', 'recharts', 'recharts/**'];

/**
 * One `no-restricted-imports` + `no-restricted-syntax` setting per layer. ESLint replaces (does not merge) a rule's
 * options when several config objects match a file, so each layer lists everything it forbids, and a stricter
 * setting for part of a layer (`inner`) repeats the layer's own restrictions next to its extra ones.
 * @param {string} layer
 * @param {{ dirs: string[], libs?: string[], why: string, extra?: { group: string[], message: string }[],
 *   inner?: { name: string, ignores: string[], dirs: string[], message: string } }} spec
 */
function layerRule(layer, { dirs, libs = [], why, inner, extra = [] }) {
  const dirMessage = `src/${layer} must not import from ${dirs.map((d) => (d === 'shaders' ? 'shaders/' : `src/${d}`)).join(', ')}. ${why}`;
  const libMessage = `src/${layer} must not use UI libraries (react, zustand, recharts); only src/ui may.`;
  // `import()` and `new URL('./x', import.meta.url)` (how Vite finds Worker entries) are not
  // import declarations, so no-restricted-imports misses them; match their string literals.
  // esquery regexes cannot contain '/', hence \x2F.
  const dirRe = (/** @type {string[]} */ ds) => `/(^|\\x2F)(${ds.join('|')})(\\x2F|$)/`;
  const libRe = `/^(${UI_LIBS.filter((l) => !l.includes('*')).join('|')})(\\x2F|$)/`;
  const groups = [{ dirs, message: dirMessage }, ...(inner ? [{ dirs: inner.dirs, message: inner.message }] : [])];
  const literalChecks = [
    ...groups.flatMap((g) => [
      { selector: `ImportExpression[source.value=${dirRe(g.dirs)}]`, message: g.message },
      { selector: `NewExpression[callee.name='URL'][arguments.0.value=${dirRe(g.dirs)}]`, message: g.message },
    ]),
    ...(libs.length ? [{ selector: `ImportExpression[source.value=${libRe}]`, message: libMessage }] : []),
  ];
  return {
    name: inner ? `lora-lab/layers/${layer}/${inner.name}` : `lora-lab/layers/${layer}`,
    files: [`src/${layer}/**/*.{ts,tsx,js,mjs}`],
    ...(inner ? { ignores: inner.ignores } : {}),
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...groups.map((g) => ({ group: g.dirs.flatMap(into), message: g.message })),
            ...(libs.length ? [{ group: libs, message: libMessage }] : []),
            ...extra,
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...literalChecks],
    },
  };
}

export default defineConfig(
  globalIgnores(['dist/', 'node_modules/', 'test-results/', 'playwright-report/', 'public/', 'tmp/', 'results/'], 'lora-lab/ignores'),
  {
    name: 'lora-lab/files',
    files: ['src/**/*.{ts,tsx}', 'e2e/**/*.ts', '*.config.{js,ts}', 'scripts/**/*.js'],
  },
  ...tseslint.configs.recommended,
  {
    name: 'lora-lab/language',
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Unused parameters are common in interface implementations; prefix with _ to mark them.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  layerRule('engine', {
    dirs: ['experiment', 'ui', 'cli'],
    libs: UI_LIBS,
    why: 'The engine is the bottom layer (ui → experiment → engine → shaders); expose what others need from src/engine/index.ts.',
  }),
  // The float64 reference is the oracle the engine is tested against; production code that
  // used it would be checked against itself. Tests and test support may import it.
  layerRule('engine', {
    dirs: ['experiment', 'ui', 'cli'],
    libs: UI_LIBS,
    why: 'The engine is the bottom layer (ui → experiment → engine → shaders); expose what others need from src/engine/index.ts.',
    inner: {
      name: 'production',
      ignores: ['src/engine/reference/**', 'src/engine/testing/**', 'src/engine/**/*.test.ts', 'src/engine/**/testkit.ts'],
      dirs: ['reference'],
      message: 'Production engine code must not import from src/engine/reference (the oracle tests check it against); only tests and test support may.',
    },
  }),
  layerRule('experiment', {
    dirs: ['ui', 'cli', 'shaders'],
    libs: UI_LIBS,
    why: 'Dependencies are one-way (ui → experiment → engine); types shared with the UI live in src/experiment.',
  }),
  layerRule('ui', {
    dirs: ['engine', 'cli', 'shaders'],
    why: 'The UI talks to the engine only through src/experiment (types, protocol, the Worker).',
    // The page never loads a training loop: those run in the Worker (new URL(...worker/worker.ts) starts it).
    extra: [{
      group: ['**/experiment/run/runner', '**/experiment/sweep/runner', '**/experiment/pretrain/loop', '**/experiment/pretrain/base', '**/experiment/worker/**'],
      message: 'src/ui imports no module that holds a GPU loop (run/runner, sweep/runner, pretrain/loop and base, worker/): use the pure configs (sweep/config, pretrain/settings) and protocol.ts types.',
    }],
  }),
  // No import circles anywhere in src/, type imports and dynamic import() included (scripts/eslint-no-cycle.js;
  // eslint-plugin-import-x's no-cycle skips type-only imports). src/lint.test.ts proves it fires.
  {
    name: 'lora-lab/no-cycle',
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'lora-lab': { rules: { 'no-cycle': noCycle } } },
    rules: { 'lora-lab/no-cycle': 'error' },
  },
  layerRule('cli', {
    dirs: ['ui', 'shaders'],
    libs: UI_LIBS,
    why: 'The CLI runs in Node over src/experiment and src/engine.',
  }),
);
