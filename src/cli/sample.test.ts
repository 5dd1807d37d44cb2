// npm run sample, run as a user runs it (a child process on Dawn): a shipped base continues a prompt
// greedily and the same way twice, and bad arguments stop with the usage and exit code 2.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sample = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/node-gpu.js', 'src/cli/sample.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

describe('npm run sample', () => {
  it('continues the prompt from the shipped base, greedily and reproducibly', () => {
    const a = sample('--base', 'base', '--prompt', 'The ', '--tokens', '6');
    expect(a.stderr).toBe('');
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/^base: 115008 parameters, pretrained 3000 steps \(1536000 bytes\); held-out English 1\.770 nats\/byte$/m);
    const line = a.stdout.trim().split('\n').at(-1)!;
    const text = JSON.parse(line) as string;
    expect(text.startsWith('The ')).toBe(true);
    expect(new TextEncoder().encode(text).length).toBeGreaterThanOrEqual(4 + 1); // 6 bytes; a split UTF-8 character may decode shorter
    expect(sample('--base', 'base', '--prompt', 'The ', '--tokens', '6').stdout).toBe(a.stdout);
  }, 120_000);

  it('refuses bad arguments with the usage, and a base that does not exist by name', () => {
    const bad = sample('--tokens', '0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--tokens must be a whole number ≥ 1 \(got 0\)\nnpm run sample --/);
    const missing = sample('--base', 'results/none/such');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/such\.json/);
  }, 120_000);
});
