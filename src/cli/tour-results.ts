// npm run tour-results: trains every run the guided tour quotes (the experiment and sweep CLIs, the
// same code the page runs) and writes public/tour/results.json, the numbers each tour step shows
// until the student's own run replaces them. A run whose output already exists under --runs with
// the same config (compared by SHA-256 of the validated config) is reused, so an interrupted
// regeneration picks up where it stopped; nothing in the file is typed in by hand.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { acquireDevice } from '../engine/index';
import type { EvalPoint } from '../experiment/protocol';
import {
  configHash, experimentSummary, hashConfig, parseTourResults, sweepSummary, TOUR_RESULTS_PATH, TOUR_RESULTS_VERSION,
  type MeasuredRun, type TourResults,
} from '../experiment/tour/results';
import { measuredRuns, type TourRun } from '../experiment/tour/steps';

const HELP = `Usage: npm run tour-results [-- options]

Trains the tour's runs that are missing under --runs (or whose config changed), then writes the results file.
  --runs DIR      where the runs' outputs are kept (default results/tour)
  --out FILE      the results file (default public/${TOUR_RESULTS_PATH})
  --only id,id    train only these runs (the file keeps the others' stored numbers)
  --no-train      use only outputs that exist; fail if one is missing or stale
  --help          this text
Runs: ${measuredRuns().map((r) => r.id).join(', ')}`;

const { values: a } = parseArgs({
  options: {
    runs: { type: 'string', default: 'results/tour' },
    out: { type: 'string', default: `public/${TOUR_RESULTS_PATH}` },
    only: { type: 'string' },
    'no-train': { type: 'boolean', default: false },
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

const prefixOf = (r: TourRun) => join(a.runs!, r.id);

function readOutput(r: TourRun): RunOutput | null {
  const path = `${prefixOf(r)}.json`;
  if (!existsSync(path)) return null;
  // The sweep CLI writes non-finite numbers as strings (JSON has none); read them back as numbers.
  const out = JSON.parse(readFileSync(path, 'utf8'), (_k, v: unknown) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? Number(v) : v)) as RunOutput;
  const config = r.kind === 'experiment' ? out.config : out.sweep;
  return config !== undefined && hashConfig(r.kind, config) === configHash(r) ? out : null;
}

/** Trains one run with the experiment or sweep CLI; returns the seconds it took. */
function train(r: TourRun): number {
  mkdirSync(a.runs!, { recursive: true });
  const cfgPath = `${prefixOf(r)}.config.json`;
  writeFileSync(cfgPath, JSON.stringify(r.kind === 'experiment' ? r.config : r.sweep, null, 2));
  const cli = r.kind === 'experiment' ? 'src/cli/experiment.ts' : 'src/cli/sweep.ts';
  console.log(`\n== ${r.id}: ${r.title} (${cli} --config ${cfgPath})`);
  const t0 = performance.now();
  const p = spawnSync(process.execPath, ['scripts/node-gpu.js', cli, '--config', cfgPath, '--out', prefixOf(r)], { stdio: 'inherit' });
  if (p.status !== 0) throw new Error(`${r.id}: ${cli} exited with ${p.status}`);
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(`${prefixOf(r)}.meta.json`, JSON.stringify({ seconds }));
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

function measure(r: TourRun, out: RunOutput, seconds: number | null): MeasuredRun {
  const command = `npm run ${r.kind} -- --config ${prefixOf(r)}.config.json --out ${prefixOf(r)}`;
  const summary = r.kind === 'experiment'
    ? experimentSummary(r.id, r.config, out.evals, out.diverged ?? inferDiverged(out.evals, r.config.steps))
    : sweepSummary(r.id, r.sweep, out.evals, Object.keys(out.divergedAt ?? {}));
  return { ...summary, configHash: configHash(r), baseSha256: baseSha256(summary.base), command, seconds };
}

function storedSeconds(r: TourRun): number | null {
  const path = `${prefixOf(r)}.meta.json`;
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

async function main() {
  if (a.help) {
    console.log(HELP);
    return;
  }
  const only = a.only ? new Set(a.only.split(',')) : null;
  const old = previous();
  const runs: Record<string, MeasuredRun> = {};
  for (const r of measuredRuns()) {
    let out = readOutput(r);
    if (only && !only.has(r.id)) {
      if (out) runs[r.id] = measure(r, out, storedSeconds(r));
      else if (old?.runs[r.id]?.configHash === configHash(r) && old.runs[r.id].baseSha256 === baseSha256(old.runs[r.id].base)) runs[r.id] = old.runs[r.id];
      continue;
    }
    let seconds = storedSeconds(r);
    if (!out) {
      if (a['no-train']) throw new Error(`${r.id}: no output for its current config at ${prefixOf(r)}.json (run without --no-train)`);
      seconds = train(r);
      out = readOutput(r);
      if (!out) throw new Error(`${r.id}: the CLI finished but ${prefixOf(r)}.json does not hold this config`);
    }
    runs[r.id] = measure(r, out, seconds);
    console.log(`${r.id}: ${runs[r.id].claims.map((c) => `${c.finding} ${c.verdict}`).join(', ')}`);
  }
  const results: TourResults = {
    version: TOUR_RESULTS_VERSION, generatedBy: 'npm run tour-results', generatedAt: new Date().toISOString(),
    device: await deviceName(), runs,
  };
  parseTourResults(JSON.parse(JSON.stringify(results)));
  writeFileSync(a.out!, `${JSON.stringify(results, null, 1)}\n`);
  console.log(`wrote ${a.out} (${Object.keys(runs).length} runs)`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
