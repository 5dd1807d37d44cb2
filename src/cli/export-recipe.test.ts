// `npm run export -- --recipe` writes the same zip as the page's "Run this at scale" button for
// the same experiment and choices: the CLI runs as a user runs it (a child process), and its
// file is compared byte for byte with recipeDownload, the function the page's Export panel calls.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseExperiment, PRESETS } from '../experiment/config';
import { defaultRecipeOptions, recipeDownload } from '../experiment/export/recipe/index';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const exportCli = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/node-gpu.js', 'src/cli/export.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

describe('npm run export -- --recipe', () => {
  it("writes the page's zip, byte for byte, with the page's defaults and with chosen settings", () => {
    const out = mkdtempSync(join(tmpdir(), 'export-recipe-'));
    const r = exportCli('--recipe', '--preset', 'english-math', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const config = parseExperiment(structuredClone(PRESETS['english-math'].config));
    const page = recipeDownload(config, defaultRecipeOptions(config), 'english-math');
    expect(r.stdout).toContain(`wrote ${join(out, page.name)}`);
    expect(Buffer.from(readFileSync(join(out, page.name))).equals(Buffer.from(page.bytes))).toBe(true);

    const chosen = exportCli(
      '--recipe', '--preset', 'english-code', '--steps', '50', '--model', 'Qwen/Qwen2.5-0.5B', '--dataset', 'bigcode/starcoderdata',
      '--tokens', '512', '--sequences', '16', '--micro-batch', '4', '--out', out,
    );
    expect(chosen.stderr).toBe('');
    expect(chosen.status).toBe(0);
    const code = parseExperiment({ ...structuredClone(PRESETS['english-code'].config), steps: 50 });
    const page2 = recipeDownload(code, { model: 'Qwen/Qwen2.5-0.5B', dataset: 'bigcode/starcoderdata', seqLen: 512, globalBatchSize: 16, microBatchSize: 4 }, 'english-code');
    expect(Buffer.from(readFileSync(join(out, page2.name))).equals(Buffer.from(page2.bytes))).toBe(true);
  }, 120_000);

  it('refuses recipe settings that do not fit, in one line, with exit code 2', () => {
    const wrong = exportCli('--recipe', '--preset', 'english-math', '--dataset', 'bigcode/starcoderdata', '--out', mkdtempSync(join(tmpdir(), 'x-')));
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/bigcode\/starcoderdata is code data, but this experiment's target is math/);
    const stray = exportCli('--tokens', '512', '--base-only', '--out', mkdtempSync(join(tmpdir(), 'x-')));
    expect(stray.status).toBe(2);
    expect(stray.stderr).toMatch(/--tokens choose the recipe's settings: add --recipe/);
  }, 120_000);
});
