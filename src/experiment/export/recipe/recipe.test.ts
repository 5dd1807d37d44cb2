// The real-scale recipe: the zip holds the expected files, the Python compiles with the
// machine's python3, and a table-driven check that every playground setting reaches
// train.py's parsed arguments: run_all.sh is executed by bash with a stand-in `accelerate`
// that runs `python3 train.py ... --dry-run`, which prints what argparse resolved.
// (recipe-run.test.ts runs the scripts for real with stand-in libraries.)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { learningRate } from '../../../engine/index';
import { parseExperiment, type ExperimentConfig, type MethodConfig } from '../../config';
import { defaultRecipeOptions, estimateCost, recipeFiles, recipeZip } from './index';
import { standinPath, unpackZip } from './standin/harness';

// Every value differs from train.py's defaults and from the other methods', so a setting that
// does not reach the script cannot pass by accident.
const config: ExperimentConfig = parseExperiment({
  source: { domain: 'english' }, target: { domain: 'math', answerOnly: true },
  steps: 333, batchSize: 12, seqLen: 48, schedule: { kind: 'cosine', warmupSteps: 7 }, maxGradNorm: 0.5, seed: 4242,
  evalInterval: 11, evalBatches: 5, diversity: { samples: 3, length: 9, temperature: 0.7 },
  methods: [
    { id: 'full-wd', kind: 'full', label: "Full, it's wd", lr: 2.5e-4, weightDecay: 0.05, dropout: 0.2 },
    { id: 'lora3', kind: 'lora', label: 'LoRA r=3 "k,up"', lr: 0.0123, weightDecay: 0.01, rank: 3, alpha: 12, targets: ['up', 'k'], scaling: 'rslora', dropout: 0.15 },
    { id: 'lora5', kind: 'lora', lr: 0.003, weightDecay: 0, rank: 5, alpha: 7, targets: ['q', 'o', 'down'], scaling: 'standard', dropout: 0 },
  ],
});

const PEFT: Record<string, string> = { q: 'q_proj', k: 'k_proj', v: 'v_proj', o: 'o_proj', gate: 'gate_proj', up: 'up_proj', down: 'down_proj' };
type Row = [setting: string, key: string, expected: (m: MethodConfig, c: ExperimentConfig) => unknown];
/** Playground setting → train.py's argparse destination → the value it must hold. */
const TABLE: Row[] = [
  ['method id', 'method_id', (m) => m.id],
  ['label', 'label', (m) => m.label ?? m.id],
  ['kind', 'kind', (m) => m.kind],
  ['learning rate', 'lr', (m) => m.lr],
  ['weight decay', 'weight_decay', (m) => m.weightDecay],
  ['full: input dropout', 'dropout', (m) => (m.kind === 'full' ? m.dropout : 0)],
  ['LoRA rank', 'rank', (m) => (m.kind === 'lora' ? m.rank : 8)],
  ['LoRA alpha', 'alpha', (m) => (m.kind === 'lora' ? m.alpha : 16)],
  ['LoRA scaling', 'use_rslora', (m) => m.kind === 'lora' && m.scaling === 'rslora'],
  ['LoRA targets', 'target_modules', (m) => (m.kind === 'lora' ? ['q', 'k', 'v', 'o', 'gate', 'up', 'down'].filter((p) => m.targets.includes(p as never)).map((p) => PEFT[p]) : Object.values(PEFT))],
  ['LoRA dropout', 'lora_dropout', (m) => (m.kind === 'lora' ? m.dropout : 0)],
  ['steps', 'steps', (_, c) => c.steps],
  ['schedule', 'schedule', (_, c) => c.schedule.kind],
  ['warmup steps', 'warmup_steps', (_, c) => c.schedule.warmupSteps],
  ['gradient clipping', 'max_grad_norm', (_, c) => c.maxGradNorm],
  ['seed', 'seed', (_, c) => c.seed],
  ['batch size (sequences per step)', 'global_batch_size', (_, c) => c.batchSize],
  ['evaluation interval', 'eval_every', (_, c) => c.evalInterval],
  ['evaluation batches (of the batch size)', 'eval_batches', (_, c) => c.evalBatches],
  ['answer-only loss (math)', 'answer_only', (_, c) => c.target.domain === 'math' && c.target.answerOnly === true],
];
/** Settings that do not become train.py arguments, and why. */
const NOT_ARGUMENTS: Record<string, string> = {
  version: 'schema version', base: 'the recipe chooses a real base model', source: 'forgetting is measured by lm-eval tasks (eval.sh)',
  target: 'chooses the dataset and the learning benchmark (checked below); answerOnly is a row of the table', seqLen: 'bytes in the playground, tokens at scale: a recipe option',
  diversity: 'measured in the playground only', methods: 'one train.py call per method',
};

function unpack(): string {
  return join(unpackZip(recipeZip(config, defaultRecipeOptions(config), 'test-preset')), 'lora-lab-test-preset-at-scale');
}

describe('real-scale recipe', () => {
  it('zips the expected files', () => {
    const names = Object.keys(unzipSync(recipeZip(config, defaultRecipeOptions(config), 'p'))).map((n) => n.replace(/^[^/]+\//, '')).sort();
    expect(names).toEqual([
      'README.md', 'accelerate/multi_gpu.yaml', 'accelerate/multi_node.yaml', 'accelerate/one_gpu.yaml', 'eval.sh', 'experiment.json',
      'methods.json', 'plot.py', 'requirements.txt', 'run_all.sh', 'train.py',
    ]);
  });

  it('generates Python that compiles', () => {
    const dir = unpack();
    for (const f of ['train.py', 'plot.py']) {
      const r = spawnSync('python3', ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)', join(dir, f), join(dir, `${f}c`)], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    for (const f of ['run_all.sh', 'eval.sh']) expect(spawnSync('bash', ['-n', join(dir, f)]).status).toBe(0);
  });

  it('covers every playground setting (a row in the table or a stated reason)', () => {
    const methodKeys = new Set(config.methods.flatMap((m) => Object.keys(m)));
    const covered = new Set(['id', 'label', 'kind', 'lr', 'weightDecay', 'dropout', 'rank', 'alpha', 'scaling', 'targets']);
    expect([...methodKeys].filter((k) => !covered.has(k))).toEqual([]);
    const shared = Object.keys(config).filter((k) => !(k in NOT_ARGUMENTS));
    expect(shared.sort()).toEqual(['batchSize', 'evalBatches', 'evalInterval', 'maxGradNorm', 'schedule', 'seed', 'steps']);
  });

  it('passes every playground setting to train.py (run_all.sh run by bash, argparse dry run)', () => {
    const dir = unpack();
    const r = spawnSync('bash', [join(dir, 'run_all.sh')], { encoding: 'utf8', env: { ...process.env, PATH: standinPath(dir, { dryRun: true }), STAGES: 'train' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const parsed = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(parsed.map((p) => p.method_id)).toEqual(config.methods.map((m) => m.id));
    for (const [i, m] of config.methods.entries()) {
      for (const [setting, key, expected] of TABLE) {
        expect(parsed[i][key], `${m.id}: ${setting} → --${key.replace(/_/g, '-')}`).toEqual(expected(m, config));
      }
      expect(parsed[i].dataset).toBe('meta-math/MetaMathQA'); // target math → the paper's math data
      expect(parsed[i].model).toBe('meta-llama/Llama-2-7b-hf');
    }
  });

  it('evaluates learning on the target domain and forgetting on the three source benchmarks', () => {
    const evalSh = recipeFiles(config, defaultRecipeOptions(config), 'p')['eval.sh'];
    expect(evalSh).toContain('--tasks gsm8k,hellaswag,arc_challenge,winogrande');
    expect(evalSh).toContain('run_eval lora3 "pretrained=$MODEL,peft=runs/lora3,dtype=bfloat16"');
    expect(evalSh).toContain('run_eval full-wd "pretrained=runs/full-wd,dtype=bfloat16"');
    const code = parseExperiment({ ...config, target: { domain: 'code' } });
    const f = recipeFiles(code, defaultRecipeOptions(code), 'p');
    expect(f['eval.sh']).toContain('--tasks humaneval,hellaswag,arc_challenge,winogrande');
    expect(f['run_all.sh']).toContain('--dataset ise-uiuc/Magicoder-Evol-Instruct-110K');
    expect(f['README.md']).toContain('HumanEval pass@1');
  });

  it("uses the playground's learning-rate schedule (train.py's learning_rate against the engine's learningRate)", () => {
    const dir = unpack();
    const steps = [1, 3, 7, 8, 100, 200, 333];
    for (const kind of ['constant', 'cosine'] as const) {
      const py = `import importlib.util, json, sys, types
spec = importlib.util.spec_from_file_location("train", sys.argv[1]); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
a = types.SimpleNamespace(lr=0.02, warmup_steps=7, schedule="${kind}", steps=333, min_lr_ratio=0.1)
print(json.dumps([m.learning_rate(a, s) for s in ${JSON.stringify(steps)}]))`;
      const r = spawnSync('python3', ['-c', py, join(dir, 'train.py')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      const got: number[] = JSON.parse(r.stdout);
      steps.forEach((s, i) => expect(got[i]).toBeCloseTo(learningRate(0.02, { kind, warmupSteps: 7, totalSteps: 333 }, s), 12));
    }
  });

  it('scores answers only where the playground does and the dataset has questions (the prompt gets label -100)', () => {
    const withQuestions = recipeFiles(config, defaultRecipeOptions(config), 'p');
    expect(withQuestions['run_all.sh']).toContain('--answer-only');
    expect(withQuestions['README.md']).toContain('- Loss: answers only, as in the playground');
    const owm = recipeFiles(config, { ...defaultRecipeOptions(config), dataset: 'open-web-math/open-web-math' }, 'p');
    expect(owm['run_all.sh']).not.toContain('--answer-only');
    expect(owm['README.md']).toContain('OpenWebMath has no question/answer split, so at scale the whole text is scored');
    const whole = parseExperiment({ ...config, target: { domain: 'math' } });
    expect(recipeFiles(whole, defaultRecipeOptions(whole), 'p')['run_all.sh']).not.toContain('--answer-only');
  });

  it('refuses a dataset of the other domain, naming the right ones', () => {
    expect(() => recipeFiles(config, { ...defaultRecipeOptions(config), dataset: 'bigcode/starcoderdata' }, 'p'))
      .toThrow(/bigcode\/starcoderdata is code data, but this experiment's target is math: choose one of meta-math\/MetaMathQA, open-web-math/);
  });

  it('estimates cost from the settings (6N and 4N FLOPs per token)', () => {
    const c = estimateCost(config, { ...defaultRecipeOptions(config), seqLen: 1000 });
    expect(c.tokens).toBe(333 * 12 * 1000);
    expect(c.gpuHours.full).toBeCloseTo((6 * 6.74e9 * 333 * 12 * 1000) / 125e12 / 3600, 6);
    expect(c.gpuHours.lora / c.gpuHours.full).toBeCloseTo(4 / 6, 9);
  });
});
