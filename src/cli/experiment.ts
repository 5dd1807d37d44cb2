// npm run experiment -- --preset <name> [overrides]: runs an experiment in Node (the same
// runner the browser Worker uses) with a progress display, and writes its metrics as JSON
// and CSV; with --seeds 1,2,3 it trains once per seed, writes each seed's files, and prints the
// findings over the seeds under the noise rule. --help lists presets and options.

import { mkdirSync, writeFileSync } from 'node:fs';
import { claimMethodsOf, runClaims, type SeedRun } from '../experiment/analysis/claims';
import { BASE_FACTS } from '../experiment/bases';
import { dirname } from 'node:path';
import { acquireDevice, createKernelContext } from '../engine/index';
import { loadCheckpoint } from '../experiment/checkpoint';
import { ConfigError, parseExperiment, PRESETS, type ExperimentConfig } from '../experiment/config';
import { fsAssetSource, loadAssetsFromDisk } from '../experiment/data/node-assets';
import { customTargetFromFile } from '../experiment/data/custom-node';
import type { CustomTextAssets } from '../experiment/data/custom-text';
import type { DataAssets } from '../experiment/data/assets';
import { ExperimentRunner, type BaseModel } from '../experiment/run/runner';
import { cliArgs } from './args';
import { metricsCsv, summaryTable } from './metrics';
import { printProgress, progressLine } from './progress';
import { claimLines, parseSeeds, seedPrefix } from './seeds';

const HELP = `Usage: npm run experiment -- --preset <name> [options]

Presets:
${Object.entries(PRESETS).map(([k, p]) => `  ${k.padEnd(16)} ${p.title}: ${p.description}`).join('\n')}

Options (override the preset):
  --steps N            training steps (shared by all methods)
  --batch N            batch size          --seq N      sequence length
  --seed N             seed of batches, dropout and LoRA init
  --seeds N,N,...      train once per seed (PREFIX.seedN.json each) and print the findings over the seeds
  --eval-interval N    evaluate every N steps
  --eval-batches N     held-out batches per evaluation
  --lr id=LR           learning rate of one method (repeatable), e.g. --lr full=1e-3 --lr r8=1e-2
  --rank id=R          LoRA rank of one method (alpha follows as 2R unless --alpha is given)
  --alpha id=A         LoRA alpha of one method
  --only id,id         keep only these methods
  --config FILE.json   a whole experiment config (JSON) instead of a preset
  --target-file FILE   train on your own text (UTF-8 .txt, .md or source file) as the target
  --out PREFIX         output prefix (default: results/<preset>), writes PREFIX.json and PREFIX.csv
  --help               this text`;

const { values: a } = cliArgs(HELP, {
  options: {
    preset: { type: 'string' },
    config: { type: 'string' },
    steps: { type: 'string' },
    batch: { type: 'string' },
    seq: { type: 'string' },
    seed: { type: 'string' },
    seeds: { type: 'string' },
    'eval-interval': { type: 'string' },
    'eval-batches': { type: 'string' },
    lr: { type: 'string', multiple: true },
    rank: { type: 'string', multiple: true },
    alpha: { type: 'string', multiple: true },
    only: { type: 'string' },
    'target-file': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

function pairs(list: string[] | undefined, what: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of list ?? []) {
    const [id, v] = s.split('=');
    if (!id || v === undefined || !Number.isFinite(Number(v))) throw new ConfigError([`--${what} expects id=value, got "${s}"`]);
    out.set(id, Number(v));
  }
  return out;
}

async function buildConfig(): Promise<{ name: string; config: ExperimentConfig; customAssets?: CustomTextAssets }> {
  let name = a.preset ?? 'custom';
  let raw: Record<string, unknown>;
  if (a.config) {
    const { readFileSync } = await import('node:fs');
    raw = JSON.parse(readFileSync(a.config, 'utf8'));
  } else {
    const preset = PRESETS[a.preset ?? ''];
    if (!preset) throw new ConfigError([`unknown preset "${a.preset ?? ''}"; choose one of: ${Object.keys(PRESETS).join(', ')}`]);
    raw = structuredClone(preset.config) as unknown as Record<string, unknown>;
    name = a.preset!;
  }
  const num = (k: string, v: string | undefined) => (v === undefined ? undefined : (raw[k] = Number(v)));
  num('steps', a.steps);
  num('batchSize', a.batch);
  num('seqLen', a.seq);
  num('seed', a.seed);
  num('evalInterval', a['eval-interval']);
  num('evalBatches', a['eval-batches']);
  let methods = raw.methods as Array<Record<string, unknown>>;
  if (a.only) {
    const keep = a.only.split(',');
    methods = methods.filter((m) => keep.includes(String(m.id)));
  }
  const lr = pairs(a.lr, 'lr');
  const rank = pairs(a.rank, 'rank');
  const alpha = pairs(a.alpha, 'alpha');
  for (const id of [...lr.keys(), ...rank.keys(), ...alpha.keys()]) {
    if (!methods.some((m) => m.id === id)) throw new ConfigError([`no method "${id}" in this experiment`]);
  }
  for (const m of methods) {
    const id = String(m.id);
    if (lr.has(id)) m.lr = lr.get(id);
    if (rank.has(id)) {
      m.rank = rank.get(id);
      m.alpha = 2 * rank.get(id)!;
      m.label = `LoRA r=${m.rank}`;
    }
    if (alpha.has(id)) m.alpha = alpha.get(id);
  }
  raw.methods = methods;
  if (a['target-file']) {
    const own = customTargetFromFile(a['target-file'], { batchSize: Number(raw.batchSize), seqLen: Number(raw.seqLen) });
    raw.target = own.target;
    return { name, config: parseExperiment(raw), customAssets: own.assets };
  }
  return { name, config: parseExperiment(raw) };
}

/** Trains one config (one seed) and writes PREFIX.json / PREFIX.csv; returns what the claims need. */
async function trainOne(
  ctx: ReturnType<typeof createKernelContext>, name: string, config: ExperimentConfig, base: BaseModel, assets: DataAssets, out: string,
): Promise<SeedRun> {
  const t0 = performance.now();
  let last = '';
  const diverged: Record<string, number> = {};
  const runner = new ExperimentRunner(ctx, config, base, assets, (e) => {
    if (e.type === 'eval') last = `eval@${e.point.step} ${e.point.method}: target ${e.point.targetLoss.toFixed(3)} source ${e.point.sourceLoss.toFixed(3)}`;
    if (e.type === 'step' && e.point.method === config.methods[config.methods.length - 1].id) {
      printProgress(progressLine(e.point.step, config.steps, t0, last));
    }
    if (e.type === 'diverged') {
      diverged[e.method] = e.step;
      console.log(`\n${e.method} diverged at step ${e.step} (${e.reason ?? 'non-finite'}; loss ${e.loss})`);
    }
  });
  await runner.init();
  console.log(`${name} (seed ${config.seed}): ${config.methods.map((m) => m.label ?? m.id).join(', ')}; ${config.steps} steps of ${config.batchSize}×${config.seqLen}`);
  await runner.run();
  printProgress(progressLine(config.steps, config.steps, t0, last), true);
  mkdirSync(dirname(out), { recursive: true });
  const methods = runner.methodInfo();
  writeFileSync(`${out}.json`, JSON.stringify({ name, config, methods, evals: runner.evals, diverged, steps: runner.stepLog }, null, 2));
  writeFileSync(`${out}.csv`, metricsCsv(runner.evals));
  console.log(summaryTable(config, methods, runner.evals));
  console.log(`wrote ${out}.json and ${out}.csv`);
  const evals = runner.evals;
  runner.destroy();
  return { evals, diverged };
}

async function main() {
  if (a.help) {
    console.log(HELP);
    return;
  }
  const { name, config, customAssets } = await buildConfig();
  const seeds = a.seeds !== undefined ? parseSeeds(a.seeds) : null;
  const [assets, base] = await Promise.all([
    loadAssetsFromDisk(),
    loadCheckpoint(fsAssetSource(new URL('../../public/models/', import.meta.url).pathname), `${config.base}.json`),
  ]);
  const gpu = await acquireDevice();
  const ctx = createKernelContext(gpu.device);
  const model = { config: base.manifest.config, params: base.params };
  const out = a.out ?? `results/${name}`;
  if (!seeds) {
    await trainOne(ctx, name, config, model, { ...assets, ...customAssets }, out);
  } else {
    const runs: SeedRun[] = [];
    for (const seed of seeds) runs.push(await trainOne(ctx, name, { ...config, seed }, model, { ...assets, ...customAssets }, seedPrefix(out, seed)));
    const claims = runClaims(claimMethodsOf(config), runs, undefined, BASE_FACTS[config.base]?.dModel);
    writeFileSync(`${out}.seeds.json`, JSON.stringify({ name, config, seeds, claims }, null, 2));
    console.log(`\nThe findings over seeds ${seeds.join(', ')} (a difference counts only beyond the seed-to-seed range):\n${claimLines(claims)}`);
    console.log(`wrote ${out}.seeds.json`);
  }
  gpu.device.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof ConfigError ? e.message : e instanceof Error ? e.message : e);
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
