// `npm run pretrain` re-creates the shipped base model: its defaults must be the settings that
// public/models/base.json records (compared as settings, not by a multi-hour run), and it must
// never overwrite a shipped file without --overwrite.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cliRecipe, continuedTraining, outputRefusal, parsePretrainArgs, PRETRAIN_DEFAULTS, pretrainModelConfig, trainingSettings,
} from './pretrain-options';
import { pretrainSchedule } from '../experiment/pretrain/recipe';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const shipped = JSON.parse(readFileSync(join(ROOT, 'public/models/base.json'), 'utf8'));

describe('continuing a pretraining', () => {
  it('takes --init as a checkpoint prefix, and none by default', () => {
    expect(parsePretrainArgs(['--size', 'small', '--init', 'public/models/small']).init).toBe('public/models/small');
    expect(parsePretrainArgs([]).init).toBeUndefined();
  });

  it('records the totals of both pieces, what each ran, and what it continued', () => {
    const first = { ...trainingSettings(parsePretrainArgs(['--size', 'small', '--steps', '1000', '--warmup', '50'])), seconds: 4926, device: 'gpu', codeVersion: 'a' };
    const prev = { file: 'small.bin', sha256: 'f'.repeat(64), training: first };
    const piece = { ...trainingSettings(parsePretrainArgs(['--steps', '400', '--warmup', '20', '--lr', '2e-3'])), seconds: 1226, device: 'gpu', codeVersion: 'b' };
    const t = continuedTraining(prev, piece);
    expect(t).toMatchObject({ steps: 1400, tokensSeen: 1400 * 8 * 64, seconds: 6152, lr: 0.002, codeVersion: 'b' });
    expect(t.schedule).toBe('1000 steps at lr 0.003 (warmup 50 then cosine to 0.1×), then 400 more at lr 0.002 (warmup 20 then cosine to 0.1×)');
    expect(t.initFrom).toEqual({ file: 'small.bin', sha256: 'f'.repeat(64), steps: 1000, tokensSeen: 512000 });
    // A third piece extends the record rather than restarting it.
    const third = continuedTraining({ file: 'b.bin', sha256: 'e'.repeat(64), training: t }, { ...piece, steps: 100, tokensSeen: 100 * 512 });
    expect(third.steps).toBe(1500);
    expect(third.schedule).toBe(`${t.schedule}, then 100 more at lr 0.002 (warmup 20 then cosine to 0.1×)`);
  });
});

describe('pretrain defaults', () => {
  it('are the shipped base model\'s training settings and model config', () => {
    const { seconds: _s, device: _d, codeVersion: _c, ...recorded } = shipped.training;
    expect(trainingSettings(parsePretrainArgs([]))).toEqual(recorded);
    expect(pretrainModelConfig(PRETRAIN_DEFAULTS)).toEqual(shipped.config);
  });

  it('spell out the manifest\'s numbers (3000 steps, warmup 100, lr 3e-3, B 8, T 64, seed 1, cosine to 0.1×)', () => {
    const recipe = cliRecipe(PRETRAIN_DEFAULTS);
    expect(recipe).toMatchObject({ lr: 3e-3, steps: 3000, warmup: 100, minRatio: 0.1 });
    expect(pretrainSchedule(recipe)).toEqual({ kind: 'cosine', warmupSteps: 100, totalSteps: 3000, minRatio: 0.1 });
    expect(PRETRAIN_DEFAULTS).toMatchObject({ batch: 8, seq: 64, seed: 1, overwrite: false });
  });

  it('write outside public/models by default', () => {
    expect(PRETRAIN_DEFAULTS.out.startsWith('public/')).toBe(false);
    expect(outputRefusal(PRETRAIN_DEFAULTS.out, false, ROOT)).toBeNull();
  });

  it('parse overrides and refuse values that are not numbers', () => {
    expect(parsePretrainArgs(['--steps', '10', '--lr', '1e-3', '--min-ratio', '0.2', '--out', 'x/y', '--overwrite']))
      .toMatchObject({ steps: 10, lr: 1e-3, minRatio: 0.2, out: 'x/y', overwrite: true, warmup: 100 });
    expect(() => parsePretrainArgs(['--steps', '1.5'])).toThrow('--steps 1.5 is not a whole number');
    expect(() => parsePretrainArgs(['--lr', 'fast'])).toThrow('--lr fast');
    expect(() => parsePretrainArgs(['--bogus'])).toThrow();
  });

  it('pretrain other sizes on request and refuse unknown ones', () => {
    const small = parsePretrainArgs(['--size', 'small', '--seq', '64']);
    expect(pretrainModelConfig(small)).toMatchObject({ dModel: 128, nLayers: 4, ffnDim: 384, seqLen: 128 });
    expect(pretrainModelConfig(parsePretrainArgs(['--size', 'tiny', '--seq', '64']))).toMatchObject({ dModel: 32, seqLen: 64 });
    expect(() => parsePretrainArgs(['--size', 'huge'])).toThrow('--size huge: expected one of tiny, base, small');
  });
});

describe('pretrain output refusal', () => {
  const root = '/repo';
  const files = new Set(['/repo/public/models/base.bin', '/repo/public/models/base.json']);
  const exists = (p: string) => files.has(p);

  it('refuses to overwrite a shipped base model, naming the files and the flag', () => {
    const why = outputRefusal('/repo/public/models/base', false, root, exists);
    expect(why).toContain('public/models/base.bin and public/models/base.json are shipped');
    expect(why).toContain('--overwrite');
  });

  it('refuses when only one of the two files exists, and for a relative path into public/models', () => {
    expect(outputRefusal('/repo/public/models/base', false, root, (p) => p.endsWith('.json') && exists(p))).toContain('public/models/base.json is shipped');
    const cwdRoot = process.cwd();
    expect(outputRefusal('public/models/base', false, cwdRoot, (p) => p === join(cwdRoot, 'public/models/base.bin'))).toContain('public/models/base.bin');
  });

  it('allows --overwrite, a new name under public/models, and any path outside it', () => {
    expect(outputRefusal('/repo/public/models/base', true, root, exists)).toBeNull();
    expect(outputRefusal('/repo/public/models/small', false, root, exists)).toBeNull();
    expect(outputRefusal('/repo/results/pretrain/base', false, root, () => true)).toBeNull();
    expect(outputRefusal('/repo/public/models-old/base', false, root, () => true)).toBeNull();
  });

  it('refuses the real shipped files of this repository', () => {
    expect(outputRefusal(join(ROOT, 'public/models/base'), false, ROOT)).toContain('refusing to overwrite');
  });
});
