// The CLIs' seed lists: parsing (pure), and `npm run experiment -- --seeds 1,2` run as a user runs it
// and `npm run sweep -- --seeds 1,2` (child processes on Dawn, tiny configs): one file per seed,
// different losses per seed, and the findings over both seeds with their seed count.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../experiment/config';
import { SWEEP_PRESETS } from '../experiment/sweep/presets';
import { claimLines, parseSeeds, seedPrefix } from './seeds';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('parseSeeds', () => {
  it('reads a comma-separated list', () => {
    expect(parseSeeds('1,2,3')).toEqual([1, 2, 3]);
    expect(parseSeeds(' 7 , 0 ')).toEqual([7, 0]);
    expect(seedPrefix('results/x', 2)).toBe('results/x.seed2');
  });

  it('refuses what is not a seed list, saying what it expects', () => {
    for (const bad of ['', 'a', '1.5', '-1', '1,,x', '4294967296']) expect(() => parseSeeds(bad), bad).toThrow(/--seeds expects whole numbers/);
    expect(() => parseSeeds('1,1')).toThrow(/lists a seed twice/);
  });

  it('prints one line per claim with its seed count', () => {
    expect(claimLines([{ finding: 1, title: 't', paper: 'p', measured: 'm.', verdict: 'agrees', seeds: 3 }])).toBe('finding 1 (agrees, 3 seeds): m.');
  });
});

describe('npm run experiment -- --seeds', () => {
  it('trains once per seed and prints the findings over the seeds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seeds-'));
    const base = PRESETS['english-code'].config;
    const config = { ...base, steps: 2, batchSize: 2, seqLen: 16, evalInterval: 1, evalBatches: 1, diversity: { samples: 0, length: 8, temperature: 1 },
      schedule: { kind: 'constant', warmupSteps: 0 }, methods: [base.methods[0], base.methods[2]] };
    writeFileSync(join(dir, 'c.json'), JSON.stringify(config));
    const r = spawnSync(process.execPath, ['scripts/node-gpu.js', 'src/cli/experiment.ts', '--config', join(dir, 'c.json'), '--seeds', '1,2', '--out', join(dir, 'x')],
      { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const seed = (n: number) => JSON.parse(readFileSync(join(dir, `x.seed${n}.json`), 'utf8')) as { config: { seed: number }; evals: Array<{ step: number; targetLoss: number }> };
    expect([seed(1).config.seed, seed(2).config.seed]).toEqual([1, 2]);
    // Different batches: the losses after a step differ between the seeds (step 0, the base model, does not).
    const at = (n: number, step: number) => seed(n).evals.filter((e) => e.step === step).map((e) => e.targetLoss);
    expect(at(1, 0)).toEqual(at(2, 0));
    expect(at(1, 2)).not.toEqual(at(2, 2));
    const summary = JSON.parse(readFileSync(join(dir, 'x.seeds.json'), 'utf8')) as { seeds: number[]; claims: Array<{ finding: number; seeds?: number }> };
    expect(summary.seeds).toEqual([1, 2]);
    expect(summary.claims.find((c) => c.finding === 1)?.seeds).toBe(2);
    expect(r.stdout).toContain('The findings over seeds 1, 2');
    expect(r.stdout).toMatch(/finding 1 \([a-z-]+, 2 seeds\)/);
  }, 240_000);
});

describe('npm run sweep -- --seeds', () => {
  it('runs the grid once per seed and prints the findings over the seeds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-seeds-'));
    const [full, r8] = SWEEP_PRESETS['lr-code'].sweep.families;
    const sweep = { ...SWEEP_PRESETS['lr-code'].sweep, steps: 2, batchSize: 2, seqLen: 16, evalInterval: 1, evalBatches: 1,
      schedule: { kind: 'constant', warmupSteps: 0 }, families: [{ ...full, lrs: [1e-3, 3e-3] }, { ...r8, lrs: [1e-2] }] };
    writeFileSync(join(dir, 's.json'), JSON.stringify(sweep));
    const r = spawnSync(process.execPath, ['scripts/node-gpu.js', 'src/cli/sweep.ts', '--config', join(dir, 's.json'), '--seeds', '1,2', '--out', join(dir, 'y')],
      { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const seed = (n: number) => JSON.parse(readFileSync(join(dir, `y.seed${n}.json`), 'utf8')) as { sweep: { seed: number }; evals: Array<{ step: number; method: string; targetLoss: number }> };
    expect([seed(1).sweep.seed, seed(2).sweep.seed]).toEqual([1, 2]);
    const at = (n: number) => seed(n).evals.filter((e) => e.step === 2 && e.method === 'full-0').map((e) => e.targetLoss);
    expect(at(1)).not.toEqual(at(2));
    const summary = JSON.parse(readFileSync(join(dir, 'y.seeds.json'), 'utf8')) as { seeds: number[]; claims: Array<{ finding: number; seeds?: number }> };
    expect(summary.seeds).toEqual([1, 2]);
    expect(summary.claims.find((c) => c.finding === 1)?.seeds).toBe(2);
    expect(r.stdout).toContain('The findings over seeds 1, 2');
  }, 240_000);
});
