// npm run tour-results: trains every run the guided tour quotes, once per seed (the experiment and
// sweep CLIs, the same code the page runs), ships each run's whole curves (public/tour/curves/) and
// writes public/tour/results.json, the sentences and numbers each tour step shows, computed from
// exactly those curves over the seeds. A seed whose output already exists under --runs with the same
// config (compared by SHA-256 of the validated config) is reused, so an interrupted regeneration picks
// up where it stopped and seeds can be added one at a time; nothing in the files is typed by hand.
// A seed trained with --train-only is banked in the run's curves file as soon as it finishes: results/
// is not committed and a session's machine may not outlive it, while a seed in public/tour/curves/ is
// reused by every later regeneration on a fresh clone.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { acquireDevice } from '../engine/index';
import type { EvalPoint } from '../experiment/protocol';
import { cliArgs } from './args';
import { compactEval, parseTourCurves, tourCurvesJson, tourCurvesPath, TOUR_CURVES_VERSION, type SeedCurves, type TourCurves } from '../experiment/tour/curves';
import { configHash, hashConfig, parseTourResults, TOUR_RESULTS_PATH, TOUR_RESULTS_VERSION, type MeasuredRun, type TourResults } from '../experiment/tour/results';
import { curvesSummary } from '../experiment/tour/summarize';
import { withFindingsTable } from '../experiment/tour/readme-table';
import { sizeSides, sizeTable, withSizeTable } from '../experiment/tour/size-table';
import { measuredRuns, seededRun, TOUR_RUNS, type TourRun } from '../experiment/tour/steps';

const HELP = `Usage: npm run tour-results [-- options]

Trains the tour's runs that are missing under --runs (or whose config changed), once per seed, then writes
the curves files and the results file.
  --seeds 1,2,3   the seeds every run is measured with (default 1,2,3)
  --runs DIR      where the runs' outputs are kept (default results/tour; DIR/<run>.seed<N>.json)
  --out FILE      the results file (default public/${TOUR_RESULTS_PATH}, which also rewrites README.md's
                  findings table); curves go to its folder's curves/
  --only id,id    train only these runs (the file keeps the others' stored numbers)
  --no-train      use only outputs that exist; a run missing a seed keeps its stored numbers
  --train-only    train the missing seeds of the --only runs (measured or not) and add each finished seed to
                  the run's curves file (so a fresh clone keeps it); the results file and the README's findings
                  table stay as they are (its model-size table, drawn from the curves, is rewritten)
  --help          this text
Runs: ${measuredRuns().map((r) => r.id).join(', ')}
Runs for --train-only: ${Object.keys(TOUR_RUNS).join(', ')}`;

const { values: a } = cliArgs(HELP, {
  options: {
    seeds: { type: 'string', default: '1,2,3' },
    runs: { type: 'string', default: 'results/tour' },
    out: { type: 'string', default: `public/${TOUR_RESULTS_PATH}` },
    only: { type: 'string' },
    'no-train': { type: 'boolean', default: false },
    'train-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

interface RunOutput {
  config?: unknown;
  sweep?: unknown;
  evals: EvalPoint[];
  diverged?: Record<string, number>;
  divergedAt?: Record<string, number>;
}

const prefixOf = (r: TourRun, seed: number) => join(a.runs!, `${r.id}.seed${seed}`);
const publicDir = () => join(a.out!, '..', '..');

function readOutput(r: TourRun, seed: number): RunOutput | null {
  const path = `${prefixOf(r, seed)}.json`;
  if (!existsSync(path)) return null;
  // The CLIs write non-finite numbers as strings (JSON has none); read them back as numbers.
  const out = JSON.parse(readFileSync(path, 'utf8'), (_k, v: unknown) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v)) as RunOutput;
  const config = r.kind === 'experiment' ? out.config : out.sweep;
  return config !== undefined && hashConfig(r.kind, config) === configHash(seededRun(r, seed)) ? out : null;
}

/** Trains one seed of a run with the experiment or sweep CLI; returns the seconds it took. */
function train(r: TourRun, seed: number): number {
  mkdirSync(a.runs!, { recursive: true });
  const s = seededRun(r, seed);
  const cfgPath = `${prefixOf(r, seed)}.config.json`;
  writeFileSync(cfgPath, JSON.stringify(s.kind === 'experiment' ? s.config : s.sweep, null, 2));
  const cli = r.kind === 'experiment' ? 'src/cli/experiment.ts' : 'src/cli/sweep.ts';
  console.log(`\n== ${r.id} seed ${seed}: ${r.title} (${cli} --config ${cfgPath})`);
  const t0 = performance.now();
  // Only the sweep CLI checkpoints (an interrupted sweep continues); an experiment starts over.
  const resume = r.kind === 'sweep' ? ['--resume'] : [];
  const p = spawnSync(process.execPath, ['scripts/node-gpu.js', cli, '--config', cfgPath, '--out', prefixOf(r, seed), ...resume], { stdio: 'inherit' });
  if (p.status !== 0) throw new Error(`${r.id} seed ${seed}: ${cli} exited with ${p.status}`);
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(`${prefixOf(r, seed)}.meta.json`, JSON.stringify({ seconds }));
  return seconds;
}

/** A method that stopped being evaluated before the last step diverged (outputs from before the CLI wrote `diverged`). */
function inferDiverged(evals: readonly EvalPoint[], steps: number): Record<string, number> {
  const last = new Map<string, number>();
  for (const e of evals) last.set(e.method, Math.max(last.get(e.method) ?? 0, e.step));
  return Object.fromEntries([...last].filter(([, s]) => s < steps));
}

/** The SHA-256 in a shipped base's manifest (the hash of its weights file). */
function baseSha256(name: string): string {
  return (JSON.parse(readFileSync(`public/models/${name}.json`, 'utf8')) as { sha256: string }).sha256;
}

function seedCurves(r: TourRun, seed: number, out: RunOutput, seconds: number | null): SeedCurves {
  const steps = r.kind === 'experiment' ? r.config.steps : r.sweep.steps;
  const diverged = r.kind === 'experiment' ? out.diverged ?? inferDiverged(out.evals, steps) : out.divergedAt ?? {};
  return { seed, configHash: configHash(seededRun(r, seed)), evals: out.evals.map(compactEval), diverged, ...(seconds === null ? {} : { seconds }) };
}

const readCurves = (id: string) => parseTourCurves(JSON.parse(readFileSync(join(publicDir(), tourCurvesPath(id)), 'utf8')));

/** The summary of a run, computed from its curves file exactly as shipped (read back after writing); finding 6 at a second width also from the narrower run's. */
export function summarize(r: TourRun, curves: TourCurves, seconds: number | null): MeasuredRun {
  const narrow = r.kind === 'experiment' && r.widthOf ? { run: TOUR_RUNS[r.widthOf], curves: readCurves(r.widthOf) } : null;
  const summary = curvesSummary(r, curves, narrow);
  const command = `npm run tour-results -- --only ${r.id} --seeds ${summary.seeds.join(',')}`;
  return { ...summary, configHash: configHash(r), baseSha256: baseSha256(summary.base), command, seconds, measuredAt: new Date().toISOString() };
}

function storedSeconds(r: TourRun, seed: number): number | null {
  const path = `${prefixOf(r, seed)}.meta.json`;
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as { seconds: number }).seconds : null;
}

function previous(): TourResults | null {
  try {
    return parseTourResults(JSON.parse(readFileSync(a.out!, 'utf8')));
  } catch {
    return null;
  }
}

async function deviceName(): Promise<string> {
  const gpu = await acquireDevice();
  const i = gpu.adapterInfo;
  gpu.device.destroy();
  const name = [i.vendor, i.architecture, i.description].filter(Boolean).join(' ') || 'unknown adapter';
  return `${name}${gpu.isSoftware ? ' (CPU emulation)' : ''}, Dawn in Node ${process.versions.node}, ${cpus().length} CPU cores`;
}

/** Every seed's output of a run, training the missing ones unless told not to; null when a seed is missing. */
/**
 * A seed already shipped in the run's curves file with the same config: its evaluations, so a fresh
 * clone (without results/, which git ignores) does not retrain what public/tour/curves/ holds.
 */
function shippedOutput(r: TourRun, seed: number): { out: RunOutput; seconds: number | null } | null {
  const path = join(publicDir(), tourCurvesPath(r.id));
  if (!existsSync(path)) return null;
  const hit = parseTourCurves(JSON.parse(readFileSync(path, 'utf8'))).seeds
    .find((x) => x.seed === seed && x.configHash === configHash(seededRun(r, seed)));
  if (!hit) return null;
  const out = r.kind === 'experiment' ? { evals: hit.evals, diverged: hit.diverged } : { evals: hit.evals, divergedAt: hit.diverged };
  return { out, seconds: hit.seconds ?? null };
}

/**
 * Adds one finished seed to the run's curves file (replacing a stale copy of that seed and dropping seeds
 * of other settings), so it survives on a fresh clone; returns the file's path. The results file is not
 * touched: a run's numbers change only when all its seeds are in.
 */
function bank(r: TourRun, seed: number, out: RunOutput): string {
  const path = join(publicDir(), tourCurvesPath(r.id));
  const old = existsSync(path) ? parseTourCurves(JSON.parse(readFileSync(path, 'utf8'))).seeds : [];
  const kept = old.filter((s) => s.seed !== seed && s.configHash === configHash(seededRun(r, s.seed)));
  const seeds = [...kept, seedCurves(r, seed, out, storedSeconds(r, seed))].sort((x, y) => x.seed - y.seed);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, tourCurvesJson({ version: TOUR_CURVES_VERSION, run: r.id, kind: r.kind, seeds }));
  return path;
}

/** Rewrites README.md's model-size tables from the curves files now under the results file's folder and `results` (only for the shipped results file). */
function writeSizeTable(results: TourResults | null): void {
  if (a.out !== `public/${TOUR_RESULTS_PATH}`) return;
  const curvesOf = (id: string) => (existsSync(join(publicDir(), tourCurvesPath(id))) ? readCurves(id) : null);
  writeFileSync('README.md', withSizeTable(readFileSync('README.md', 'utf8'), sizeTable(...sizeSides(curvesOf), results)));
  console.log('rewrote the model-size table in README.md');
}

/** The seconds the results file records for a run already shipped (all its seeds together). */
function shippedSeconds(r: TourRun): number | null {
  try {
    return parseTourResults(JSON.parse(readFileSync(a.out!, 'utf8'))).runs[r.id]?.seconds ?? null;
  } catch {
    return null;
  }
}

/** Each seed's output and training seconds (null where unknown), and their total (null when any is unknown). */
function outputs(r: TourRun, seeds: readonly number[], mayTrain: boolean): { outs: RunOutput[]; perSeed: (number | null)[]; seconds: number | null; allShipped: boolean } | null {
  const outs: RunOutput[] = [];
  const perSeed: (number | null)[] = [];
  let shippedUntimed = 0;
  let shipped = 0;
  for (const seed of seeds) {
    let out = readOutput(r, seed);
    let s = storedSeconds(r, seed);
    const hit = out ? null : shippedOutput(r, seed);
    if (hit) {
      shipped++;
      out = hit.out;
      s = hit.seconds;
      if (s === null) shippedUntimed++;
    }
    if (!out) {
      if (!mayTrain) return null;
      s = train(r, seed);
      out = readOutput(r, seed);
      if (!out) throw new Error(`${r.id} seed ${seed}: the CLI finished but ${prefixOf(r, seed)}.json does not hold this config`);
    }
    outs.push(out);
    perSeed.push(s);
  }
  // Every seed came from a shipped file that did not time its seeds: keep the total the results file recorded.
  const seconds = shippedUntimed === seeds.length ? shippedSeconds(r) : perSeed.some((s) => s === null) ? null : perSeed.reduce<number>((a, s) => a + s!, 0);
  return { outs, perSeed, seconds, allShipped: shipped === seeds.length };
}

async function main() {
  if (a.help) {
    console.log(HELP);
    return;
  }
  const seeds = a.seeds!.split(',').map(Number);
  if (!seeds.length || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new Error(`--seeds expects seeds like 1,2,3, got "${a.seeds}"`);
  const only = a.only ? new Set(a.only.split(',')) : null;
  if (a['train-only']) {
    if (!only) throw new Error('--train-only needs --only with the runs to train');
    for (const id of only) {
      const r = TOUR_RUNS[id];
      if (!r) throw new Error(`--only: unknown run "${id}" (runs: ${Object.keys(TOUR_RUNS).join(', ')})`);
      for (const seed of seeds) {
        if (shippedOutput(r, seed)) {
          console.log(`${id} seed ${seed}: already in its curves file`);
          continue;
        }
        if (!readOutput(r, seed)) console.log(`${id} seed ${seed}: ${train(r, seed).toFixed(0)} s`);
        const out = readOutput(r, seed);
        if (!out) throw new Error(`${id} seed ${seed}: the CLI finished but ${prefixOf(r, seed)}.json does not hold this config`);
        console.log(`${id} seed ${seed}: banked in ${bank(r, seed, out)}`);
      }
    }
    // The verdicts beside it are the shipped results file's, which a banked seed does not change.
    writeSizeTable(previous());
    return;
  }
  const old = previous();
  const runs: Record<string, MeasuredRun> = {};
  for (const r of measuredRuns()) {
    const got = outputs(r, seeds, !a['no-train'] && (!only || only.has(r.id)));
    if (!got) {
      const o = old?.runs[r.id];
      if (o && o.configHash === configHash(r) && o.baseSha256 === baseSha256(o.base)) {
        runs[r.id] = o;
        console.log(`${r.id}: kept the stored numbers (${o.seeds.length} seed${o.seeds.length > 1 ? 's' : ''}${o.legacy ? ', legacy' : ''}); some of seeds ${seeds.join(',')} have no output`);
        continue;
      }
      throw new Error(`${r.id}: no stored numbers for its current config, and seeds ${seeds.join(',')} are not all under ${a.runs} (run without --no-train)`);
    }
    const curves: TourCurves = { version: TOUR_CURVES_VERSION, run: r.id, kind: r.kind, seeds: got.outs.map((o, i) => seedCurves(r, seeds[i], o, got.perSeed[i])) };
    const path = join(publicDir(), tourCurvesPath(r.id));
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, tourCurvesJson(curves));
    runs[r.id] = summarize(r, parseTourCurves(JSON.parse(readFileSync(path, 'utf8'))), got.seconds);
    // Sentences recomputed from curves already shipped were measured when those seeds were: keep that date.
    const was = old?.runs[r.id];
    if (got.allShipped && was?.measuredAt && !was.legacy && was.configHash === runs[r.id].configHash) runs[r.id].measuredAt = was.measuredAt;
    console.log(`${r.id} (${seeds.length} seeds): ${runs[r.id].claims.map((c) => `${c.finding} ${c.verdict}`).join(', ')}`);
  }
  const results: TourResults = {
    version: TOUR_RESULTS_VERSION, generatedBy: 'npm run tour-results', generatedAt: new Date().toISOString(),
    device: await deviceName(), runs,
  };
  parseTourResults(JSON.parse(JSON.stringify(results)));
  writeFileSync(a.out!, `${JSON.stringify(results, null, 1)}\n`);
  console.log(`wrote ${a.out} (${Object.keys(runs).length} runs)`);
  // The README's findings table is generated from the shipped file, so the two cannot disagree.
  if (a.out === `public/${TOUR_RESULTS_PATH}`) {
    writeFileSync('README.md', withFindingsTable(readFileSync('README.md', 'utf8'), results));
    console.log('rewrote the findings table in README.md');
  }
  writeSizeTable(results);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
