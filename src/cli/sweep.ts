// npm run sweep -- --preset <name> [overrides]: runs a sweep (families × learning rates, as lockstep
// groups) in Node with the runner the browser Worker uses, shows its progress, checkpoints after
// every evaluation (and on Ctrl+C, after the current step) so --resume continues an interrupted
// sweep, and writes every evaluation plus the analysis (learning-rate curves, best cell per family,
// learn–forget front, the paper's claims checked against the data) as JSON and CSV; with --seeds it
// runs the grid once per seed and prints the claims over the seeds under the noise rule.

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { acquireDevice, createKernelContext } from '../engine/index';
import {
  bestPerFamily, bestPoint, basePoint, defaultEqualLevel, equalLearning, lrSensitivity, mergeSeedCells, paretoFront,
} from '../experiment/analysis/front';
import { sweepClaims } from '../experiment/analysis/claims';
import { loadCheckpoint } from '../experiment/checkpoint';
import { ConfigError } from '../experiment/config';
import { fsAssetSource, loadAssetsFromDisk } from '../experiment/data/node-assets';
import type { EvalPoint } from '../experiment/protocol';
import { cellResults, type SweepCellResult } from '../experiment/sweep/cells';
import { defaultFamilyLabel, expandSweep, parseSweep, type SweepConfig } from '../experiment/sweep/config';
import { sweepCheckpointFromJson, sweepCheckpointToJson, SweepRunner, type SweepCheckpoint } from '../experiment/sweep/runner';
import type { SweepEvent } from '../experiment/protocol';
import { SWEEP_PRESETS } from '../experiment/sweep/presets';
import { judgeFor, parseTourResults, TOUR_RESULTS_PATH } from '../experiment/tour/results';
import { cliArgs } from './args';
import { formatSeconds, printProgress } from './progress';
import { claimLines, parseSeeds, seedPrefix } from './seeds';

const HELP = `Usage: npm run sweep -- --preset <name> [options]

Presets:
${Object.entries(SWEEP_PRESETS).map(([k, p]) => `  ${k.padEnd(18)} ${p.title} (findings ${p.findings.join(', ')})`).join('\n')}

Options (override the preset):
  --steps N             training steps of every cell
  --batch N             batch size          --seq N      sequence length
  --seed N              seed of batches, dropout and LoRA init (shared by all cells)
  --seeds N,N,...       run the grid once per seed (PREFIX.seedN.json each; --resume resumes each) and print
                        the findings over the seeds
  --eval-interval N     evaluate every N steps
  --eval-batches N      held-out batches per evaluation
  --only fam,fam        keep only these families
  --lrs fam=LR,LR,...   learning rates of one family (repeatable), e.g. --lrs full=1e-3,3e-3
  --config FILE.json    a whole sweep config (JSON) instead of a preset
  --out PREFIX          output prefix (default: results/sweep-<preset>): writes PREFIX.json, PREFIX.csv,
                        and PREFIX.ckpt.json after every evaluation while the sweep runs
  --resume              continue from PREFIX.ckpt.json (same sweep options) instead of starting over
  --help                this text`;

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
    only: { type: 'string' },
    lrs: { type: 'string', multiple: true },
    out: { type: 'string' },
    resume: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function buildSweep(): { name: string; sweep: SweepConfig } {
  let name = a.preset ?? 'custom';
  let raw: Record<string, unknown>;
  if (a.config) raw = JSON.parse(readFileSync(a.config, 'utf8'));
  else {
    const preset = SWEEP_PRESETS[a.preset ?? ''];
    if (!preset) throw new ConfigError([`unknown sweep preset "${a.preset ?? ''}"; choose one of: ${Object.keys(SWEEP_PRESETS).join(', ')}`]);
    raw = structuredClone(preset.sweep) as unknown as Record<string, unknown>;
    name = a.preset!;
  }
  const num = (k: string, v: string | undefined) => (v === undefined ? undefined : (raw[k] = Number(v)));
  num('steps', a.steps);
  num('batchSize', a.batch);
  num('seqLen', a.seq);
  num('seed', a.seed);
  num('evalInterval', a['eval-interval']);
  num('evalBatches', a['eval-batches']);
  let families = (raw.families ?? []) as Array<Record<string, unknown>>;
  if (a.only) {
    const keep = a.only.split(',');
    for (const id of keep) if (!families.some((f) => f.id === id)) throw new ConfigError([`--only: no family "${id}" in this sweep`]);
    families = families.filter((f) => keep.includes(String(f.id)));
  }
  for (const s of a.lrs ?? []) {
    const [id, list] = s.split('=');
    const lrs = (list ?? '').split(',').filter(Boolean).map(Number);
    if (!id || !lrs.length || lrs.some((x) => !Number.isFinite(x))) throw new ConfigError([`--lrs expects family=LR,LR,..., got "${s}"`]);
    const f = families.find((x) => x.id === id);
    if (!f) throw new ConfigError([`--lrs: no family "${id}" in this sweep`]);
    f.lrs = lrs;
  }
  raw.families = families;
  return { name, sweep: parseSweep(raw) };
}

/** What the CLI keeps across an interruption: the runner's checkpoint and the step each cell diverged at. */
interface CliCheckpoint {
  checkpoint: SweepCheckpoint;
  divergedAt: Record<string, number>;
}

const defaultLabel = (f: SweepConfig['families'][number]) => f.label ?? defaultFamilyLabel(f);

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function sweepCsv(sweep: SweepConfig, evals: readonly EvalPoint[], divergedAt: Record<string, number>): string {
  const cells = new Map(expandSweep(sweep).map((c) => [c.id, c]));
  const rows = evals.map((e) => {
    const c = cells.get(e.method);
    const diverged = Object.hasOwn(divergedAt, e.method) && divergedAt[e.method] <= e.step;
    return [e.method, c?.family ?? '', c?.lr ?? '', e.step, e.targetLoss, e.sourceLoss, e.targetAccuracy ?? '', diverged ? 1 : 0].join(',');
  });
  return `cell,family,lr,step,target_loss,source_loss,target_accuracy,diverged\n${rows.join('\n')}\n`;
}

/** What a one-seed sweep is judged against: the shipped tour results' noise for the same setup (see judgeFor). */
function judgeOf(sweep: SweepConfig) {
  try {
    return judgeFor(parseTourResults(JSON.parse(readFileSync(new URL(`../../public/${TOUR_RESULTS_PATH}`, import.meta.url), 'utf8'))), 'sweep', sweep);
  } catch {
    return undefined;
  }
}

/** The sweep's analysis, as the sweep view computes it (analysis/front.ts). */
function analysis(cells: readonly SweepCellResult[], sweep: SweepConfig) {
  const best = bestPerFamily(cells);
  const level = defaultEqualLevel(best);
  const points = cells.flatMap((c) => c.evals.filter((e) => e.step > 0).map((e) => ({ ...e, cell: c.cellId, family: c.family })));
  return {
    lrCurves: lrSensitivity(cells),
    bestPerFamily: best.map((c) => ({ family: c.family, label: c.familyLabel, cell: c.cellId, lr: c.lr, best: bestPoint(c.evals), base: basePoint(c.evals) })),
    paretoFront: paretoFront(points),
    equalLearning: level === null ? null : {
      level,
      rows: equalLearning(best.map((c) => ({ key: c.cellId, label: `${c.familyLabel} @ ${c.lr}`, evals: c.evals })), level),
    },
    claims: sweepClaims(cells, judgeOf(sweep)),
  };
}

function summary(cells: readonly SweepCellResult[]): string {
  const lines = ['| family | best lr | best target loss | source loss there | source rise | step |', '|---|---|---|---|---|---|'];
  for (const c of bestPerFamily(cells)) {
    const b = bestPoint(c.evals)!;
    const base = basePoint(c.evals);
    const rise = base ? `${b.sourceLoss - base.sourceLoss >= 0 ? '+' : ''}${(b.sourceLoss - base.sourceLoss).toFixed(3)}` : '–';
    lines.push(`| ${c.familyLabel} | ${c.lr} | ${b.targetLoss.toFixed(3)} | ${b.sourceLoss.toFixed(3)} | ${rise} | ${b.step} |`);
  }
  return lines.join('\n');
}

function readResume(path: string, sweep: SweepConfig): CliCheckpoint | null {
  if (!a.resume) return null;
  if (!existsSync(path)) {
    console.log(`no checkpoint at ${path}; starting the sweep from the beginning`);
    return null;
  }
  // The reviver restores typed arrays and non-finite numbers anywhere in the file, wrapper included.
  const saved = sweepCheckpointFromJson(readFileSync(path, 'utf8')) as unknown as CliCheckpoint;
  const checkpoint = saved.checkpoint;
  if (JSON.stringify(parseSweep(checkpoint.sweep)) !== JSON.stringify(sweep)) {
    throw new ConfigError([`${path} belongs to a different sweep; resume with the same options, or drop --resume to start over`]);
  }
  return { checkpoint, divergedAt: saved.divergedAt ?? {} };
}

/** Prints the progress line: on every step on a terminal, every 10 s (and at the end) in a log. */
function progressPrinter(): (e: SweepEvent) => void {
  const t0 = performance.now();
  let last = '';
  let printedAt = -Infinity;
  return (e) => {
    if (e.type === 'eval') last = `eval@${e.point.step} ${e.point.method}: target ${e.point.targetLoss.toFixed(3)} source ${e.point.sourceLoss.toFixed(3)}`;
    if (e.type !== 'sweep-progress' || !(process.stdout.isTTY || performance.now() - printedAt > 10_000 || e.done === e.total)) return;
    printedAt = performance.now();
    const width = 24;
    const filled = Math.round((e.total ? e.done / e.total : 1) * width);
    const eta = e.etaSeconds === null ? '?' : formatSeconds(e.etaSeconds);
    printProgress(`[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${e.done}/${e.total} cell-steps, group ${Math.min(e.group + 1, e.groups)}/${e.groups}, ` +
      `${formatSeconds((performance.now() - t0) / 1000)} elapsed, ${eta} left ${last}`);
  };
}

/** Runs one sweep (one seed) to PREFIX.json / .csv, resuming from PREFIX.ckpt.json with --resume; null when paused. */
async function runOne(
  ctx: ReturnType<typeof createKernelContext>, name: string, sweep: SweepConfig, base: ConstructorParameters<typeof SweepRunner>[2], assets: ConstructorParameters<typeof SweepRunner>[3], out: string,
): Promise<SweepCellResult[] | null> {
  const ckptPath = `${out}.ckpt.json`;
  mkdirSync(dirname(out), { recursive: true });
  const resume = readResume(ckptPath, sweep);
  const divergedAt: Record<string, number> = { ...(resume?.divergedAt ?? {}) };
  const show = progressPrinter();
  const runner = new SweepRunner(ctx, sweep, base, assets, (e) => {
    if (e.type === 'diverged') {
      divergedAt[e.method] = e.step;
      console.log(`\n${e.method} diverged at step ${e.step} (loss ${e.loss})`);
    }
    show(e);
  });
  if (resume) {
    await runner.restore(resume.checkpoint);
    console.log(`resumed from ${ckptPath}: group ${resume.checkpoint.group + 1}, ${resume.checkpoint.evals.length} evaluations so far`);
  }
  const save = async () => {
    writeAtomically(ckptPath, `{"divergedAt":${JSON.stringify(divergedAt)},"checkpoint":${sweepCheckpointToJson(await runner.checkpoint())}}`);
  };
  runner.afterEval = save;
  const groups = runner.groups.length;
  console.log(`${name} (seed ${sweep.seed}): ${runner.cells.length} cells (${sweep.families.map((f) => `${defaultLabel(f)} × ${f.lrs.length}`).join(', ')}) in ${groups} group${groups > 1 ? 's' : ''}; ` +
    `${sweep.steps} steps of ${sweep.batchSize}×${sweep.seqLen}`);
  // Ctrl+C pauses after the current step and saves a checkpoint there; a second one quits at once.
  const onInt = () => {
    console.log('\npausing after this step (Ctrl+C again to quit without saving)…');
    runner.pause();
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onInt);
  if ((await runner.run()) === 'paused') {
    await save();
    console.log(`\nsaved ${ckptPath}; continue with the same command and --resume`);
    runner.destroy();
    return null;
  }
  process.off('SIGINT', onInt);
  printProgress('', true);
  const cells = cellResults(sweep, runner.evals, runner.diverged);
  writeFileSync(`${out}.json`, JSON.stringify({
    name, sweep, cells: runner.cells, methods: runner.methods, evals: runner.evals, divergedAt, analysis: analysis(cells, sweep),
  }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2));
  writeFileSync(`${out}.csv`, sweepCsv(sweep, runner.evals, divergedAt));
  rmSync(ckptPath, { force: true });
  console.log(summary(cells));
  console.log(`wrote ${out}.json and ${out}.csv`);
  runner.destroy();
  return cells;
}

async function main() {
  if (a.help) {
    console.log(HELP);
    return;
  }
  const { name, sweep } = buildSweep();
  const seeds = a.seeds !== undefined ? parseSeeds(a.seeds) : null;
  const out = a.out ?? `results/sweep-${name}`;
  const [assets, base] = await Promise.all([
    loadAssetsFromDisk(),
    loadCheckpoint(fsAssetSource(new URL('../../public/models/', import.meta.url).pathname), `${sweep.base}.json`),
  ]);
  const gpu = await acquireDevice();
  const ctx = createKernelContext(gpu.device);
  const model = { config: base.manifest.config, params: base.params };
  const bySeed: SweepCellResult[][] = [];
  for (const seed of seeds ?? [sweep.seed]) {
    const s = parseSweep({ ...sweep, seed });
    const cells = await runOne(ctx, name, s, model, assets, seeds ? seedPrefix(out, seed) : out);
    if (!cells) {
      gpu.device.destroy();
      process.exit(130);
    }
    bySeed.push(cells);
  }
  const claims = sweepClaims(mergeSeedCells(bySeed), seeds && seeds.length > 1 ? undefined : judgeOf(sweep));
  if (seeds) {
    writeFileSync(`${out}.seeds.json`, JSON.stringify({ name, sweep, seeds, claims }, null, 2));
    console.log(`\nThe findings over seeds ${seeds.join(', ')} (a difference counts only beyond the seed-to-seed range):`);
  }
  console.log(claimLines(claims));
  if (seeds) console.log(`wrote ${out}.seeds.json`);
  gpu.device.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof ConfigError ? `Invalid sweep: ${e.issues.join('; ')}` : e instanceof Error ? e.message : e);
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
