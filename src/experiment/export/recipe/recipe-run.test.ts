// The recipe run as far as a machine without a GPU and without torch, transformers, peft,
// accelerate, datasets or lm-eval can run it:
// - train.py's training and held-out losses, computed by transformers' causal-LM convention
//   (standin/check_train_loss.py, pure Python), equal the plain next-token cross-entropy of known
//   documents; the same check fails on a train.py that shifts the labels before the model;
// - every generated script end to end with stand-in libraries and commands: run_all.sh trains
//   each method (accelerate launch → train.py), eval.sh runs the stand-in lm_eval, plot.py draws;
// - requirements.txt's lm-eval minimum covers every task and flag eval.sh uses.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExperiment, type ExperimentConfig } from '../../config';
import { compareVersions, defaultRecipeOptions, LM_EVAL_SINCE, recipeFiles, recipeZip, type RecipeOptions } from './index';
import { STANDIN_DIR, standinPath, unpackZip } from './standin/harness';

const small = (target: ExperimentConfig['target']): ExperimentConfig => parseExperiment({
  source: { domain: 'english' }, target, steps: 3, batchSize: 4, seqLen: 32, schedule: { kind: 'cosine', warmupSteps: 1 },
  seed: 3, evalInterval: 2, evalBatches: 1,
  methods: [
    { id: 'full', kind: 'full', lr: 1e-3, dropout: 0 },
    { id: 'r4', kind: 'lora', label: 'LoRA r=4', lr: 1e-2, rank: 4, alpha: 8, targets: ['q', 'v'], scaling: 'standard', dropout: 0 },
  ],
});
const tiny = (c: ExperimentConfig): RecipeOptions => ({ ...defaultRecipeOptions(c), seqLen: 16, globalBatchSize: 4, microBatchSize: 2 });

function unpack(c: ExperimentConfig, o: RecipeOptions): string {
  return join(unpackZip(recipeZip(c, o, 'p')), 'lora-lab-p-at-scale');
}

describe('the recipe run with stand-in libraries', () => {
  it("computes train.py's training and held-out losses as transformers does (a double shift fails)", () => {
    const dir = unpack(small({ domain: 'math', answerOnly: true }), tiny(small({ domain: 'math' })));
    const check = (train: string) => spawnSync('python3', [join(STANDIN_DIR, 'check_train_loss.py'), train, mkdtempSync(join(tmpdir(), 'loss-'))], { encoding: 'utf8' });
    const ok = check(join(dir, 'train.py'));
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/ok: code, whole text, full fine-tuning: 3 steps and 2 evaluations equal the plain next-token cross-entropy/);
    expect(ok.stdout).toMatch(/ok: math, answers only, LoRA r=3: 3 steps and 2 evaluations/);

    // The bug this guards against: labels shifted before a model that shifts them again.
    const src = readFileSync(join(dir, 'train.py'), 'utf8');
    const shifted = src.replace('model(input_ids=ids, labels=labels,', 'model(input_ids=ids[:, :-1], labels=labels[:, 1:],');
    expect(shifted).not.toBe(src);
    writeFileSync(join(dir, 'train_shifted.py'), shifted);
    const bad = check(join(dir, 'train_shifted.py'));
    expect(bad.status).toBe(1);
    const m = /step 1 training loss (\d+\.\d+), but the plain next-token cross-entropy of the step's windows is (\d+\.\d+) \(scored against the token after next, as a double shift does: (\d+\.\d+)\)/.exec(bad.stderr);
    expect(m, bad.stderr).not.toBeNull();
    expect(m![1]).toBe(m![3]); // the logged loss is exactly the after-next one
    expect(bad.stderr).toMatch(/labels are not the input tokens/);
  }, 60_000);

  for (const target of [{ domain: 'math', answerOnly: true }, { domain: 'code' }] as const) {
    it(`runs run_all.sh's three stages end to end (${target.domain}): training, lm_eval, the plot`, () => {
      const c = small(target);
      const dir = unpack(c, tiny(c));
      const r = spawnSync('bash', ['run_all.sh'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH: standinPath(dir) } });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      for (const m of c.methods) {
        const lines = readFileSync(join(dir, 'runs', m.id, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
        expect(lines.map((l) => l.step)).toEqual([1, 2, 3]);
        expect(lines.filter((l) => 'heldout_loss' in l).map((l) => l.step)).toEqual([2, 3]);
        for (const l of lines) expect(Number.isFinite(l.loss)).toBe(true);
        expect(JSON.parse(readFileSync(join(dir, 'runs', m.id, 'settings.json'), 'utf8')).answer_only).toBe(target.domain === 'math');
      }
      for (const id of ['base', ...c.methods.map((m) => m.id)]) expect(readdirSync(join(dir, 'results', id)).length).toBe(1);
      const fig = JSON.parse(readFileSync(join(dir, 'learn_vs_forget.png'), 'utf8')); // the stand-in figure's record
      expect(fig.points.map((p: { label: string }) => p.label)).toEqual(['base model', 'full', 'LoRA r=4']);
      // Fits the 6-inch figure: DejaVu Sans at 10 pt averages about 6 pt a character, so ~70 fit; keep a margin.
      for (const label of [fig.xlabel, fig.ylabel]) for (const line of label.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
      expect(r.stdout).toMatch(/wrote learn_vs_forget\.png/);
    }, 60_000);
  }

  it('asks for the first lm-eval release that has every task and flag eval.sh uses', () => {
    for (const target of [{ domain: 'math' }, { domain: 'code' }] as const) {
      const c = small(target);
      const f = recipeFiles(c, defaultRecipeOptions(c), 'p');
      const tasks = /--tasks (\S+)/.exec(f['eval.sh'])![1].split(',');
      const flags = f['eval.sh'].match(/--[a-z_]+/g)!;
      const modelArgs = [...f['eval.sh'].matchAll(/[",]([a-z_]+=)/g)].map((x) => x[1]);
      const used = [...new Set([...tasks, ...flags, ...modelArgs])];
      for (const u of used) expect(LM_EVAL_SINCE[u], `${u}: add it to LM_EVAL_SINCE with the lm-eval release it first appeared in`).toBeDefined();
      const need = used.map((u) => LM_EVAL_SINCE[u]).reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
      if (target.domain === 'code') {
        expect(tasks).toContain('humaneval');
        expect(flags).toContain('--confirm_run_unsafe_code');
        expect(need).toBe('0.4.8'); // humaneval and --confirm_run_unsafe_code are not in 0.4.5-0.4.7
      }
      const min = /^lm-eval\[hf\]>=(\S+)$/m.exec(f['requirements.txt'])![1];
      expect(compareVersions(min, need)).toBeGreaterThanOrEqual(0);
    }
    expect(compareVersions('0.4.10', '0.4.8')).toBeGreaterThan(0);
  });

  it("says in its README what was checked here and what was not", () => {
    const c = small({ domain: 'code' });
    const readme = recipeFiles(c, defaultRecipeOptions(c), 'p')['README.md'];
    expect(readme).toContain('## What was checked, and what was not');
    expect(readme).toMatch(/no GPU and none of torch, transformers, peft,\naccelerate, datasets or lm-eval installed/);
    expect(readme).toMatch(/Not checked: nothing here was trained on a GPU or run with the real libraries/);
    expect(existsSync(join(STANDIN_DIR, 'check_train_loss.py'))).toBe(true);
  });
});
