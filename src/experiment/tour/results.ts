// The tour's measured numbers: what each of its runs showed when the project's CLI trained it
// (`npm run tour-results` writes public/tour/results.json), and the same summary computed from a
// student's finished run or sweep, which replaces the file's numbers on screen. Both go through
// runClaims / sweepClaims, so the tour's sentences are the findings box's sentences. The file is
// validated when the page loads it; a wrong or missing file shows no numbers, never wrong ones.

import { z } from 'zod';
import { claimMethodsOf, runClaims, sweepClaims, type Claim } from '../analysis/claims';
import { basePoint } from '../analysis/front';
import { fmtLr, list, num } from '../analysis/claims-text';
import { parseExperiment, type ExperimentConfig } from '../config';
import { sha256Hex } from '../data/sha256';
import type { EvalPoint } from '../protocol';
import { cellResults, parseSweep, type SweepConfig } from '../sweep';
import { TOUR_RUNS, TOUR_STEPS, type TourRun, type TourStep } from './steps';

export const TOUR_RESULTS_VERSION = 1;
/** Where the page finds the file (relative to the app's base URL) and where the CLI writes it. */
export const TOUR_RESULTS_PATH = 'tour/results.json';

/** One method's (or sweep cell's) held-out losses at its last evaluation. */
export interface FinalLoss {
  label: string;
  step: number;
  targetLoss: number;
  sourceLoss: number;
}

/** What one run showed: every finding's claim, the base model's losses and each method's last ones. */
export interface RunSummary {
  run: string;
  kind: 'experiment' | 'sweep';
  base: string;
  steps: number;
  /** How the sentences name the two domains ("English", "code", "your text “notes.md”"). */
  domains: { source: string; target: string };
  /** Held-out losses of the base model (the step-0 evaluation); null without one. */
  baseline: { targetLoss: number; sourceLoss: number } | null;
  finals: FinalLoss[];
  claims: Claim[];
}

/** A summary as the results file stores it, with how it was made. */
export interface MeasuredRun extends RunSummary {
  /** SHA-256 of the run's config as JSON: the file's numbers belong to exactly this config. */
  configHash: string;
  /** SHA-256 of the base model's weights it trained from (its manifest's): a retrained base makes the numbers stale. */
  baseSha256: string;
  command: string;
  seconds: number | null;
}

export interface TourResults {
  version: number;
  generatedBy: string;
  generatedAt: string;
  /** The machine and WebGPU implementation the runs trained on. */
  device: string;
  runs: Record<string, MeasuredRun>;
}

const claimSchema = z.object({
  finding: z.number().int().min(1).max(8), title: z.string(), paper: z.string(), measured: z.string(),
  verdict: z.enum(['agrees', 'disagrees', 'mixed', 'not-measured']),
});
const lossPair = z.object({ targetLoss: z.number(), sourceLoss: z.number() });
const runSchema = z.object({
  run: z.string(), kind: z.enum(['experiment', 'sweep']), base: z.string(), steps: z.number().int().min(1),
  domains: z.object({ source: z.string(), target: z.string() }),
  baseline: lossPair.nullable(),
  finals: z.array(lossPair.extend({ label: z.string(), step: z.number().int().min(0) })),
  claims: z.array(claimSchema).length(8),
  configHash: z.string().regex(/^[0-9a-f]{64}$/), baseSha256: z.string().regex(/^[0-9a-f]{64}$/), command: z.string(),
  seconds: z.number().nullable(),
});
const resultsSchema = z.object({
  version: z.literal(TOUR_RESULTS_VERSION), generatedBy: z.string(), generatedAt: z.string(), device: z.string(),
  runs: z.record(z.string(), runSchema),
});

/** Parses the results file; throws an Error naming the first problem. */
export function parseTourResults(json: unknown): TourResults {
  const r = resultsSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`the tour's results file is not valid (${i.path.join('.') || 'top level'}: ${i.message})`);
  }
  return r.data;
}

/** JSON with every object's keys sorted, so equal configs give equal text whatever order they were written in. */
export function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`;
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(x);
}

/** SHA-256 of a config after validation (defaults filled in), as canonical JSON. */
export function hashConfig(kind: 'experiment' | 'sweep', config: unknown): string {
  const parsed = kind === 'experiment' ? parseExperiment(config) : parseSweep(config);
  return sha256Hex(new TextEncoder().encode(canonicalJson(parsed)));
}

/** The hash of the config a tour run trains. */
export function configHash(run: TourRun): string {
  return hashConfig(run.kind, run.kind === 'experiment' ? run.config : run.sweep);
}

function finalsOf(labels: ReadonlyMap<string, string>, evals: readonly EvalPoint[]): FinalLoss[] {
  const last = new Map<string, EvalPoint>();
  for (const e of evals) if (!last.has(e.method) || last.get(e.method)!.step < e.step) last.set(e.method, e);
  return [...labels].flatMap(([id, label]) => {
    const e = last.get(id);
    return e && e.step > 0 ? [{ label, step: e.step, targetLoss: e.targetLoss, sourceLoss: e.sourceLoss }] : [];
  });
}

/** A domain as the tour's sentences name it. */
export function domainLabel(d: ExperimentConfig['target']): string {
  if (d.domain === 'custom') return `your text “${d.name}”`;
  if (d.domain === 'code') return 'code';
  if (d.domain === 'math') return 'math problems';
  return d.genres?.length ? `English (${d.genres.join(', ')})` : 'English';
}

const domainsOf = (c: { source: ExperimentConfig['source']; target: ExperimentConfig['target'] }) => ({
  source: domainLabel(c.source), target: domainLabel(c.target),
});

function baselineOf(evals: readonly EvalPoint[]): RunSummary['baseline'] {
  const b = basePoint(evals);
  return b ? { targetLoss: b.targetLoss, sourceLoss: b.sourceLoss } : null;
}

/** The summary of an experiment: its config, its evaluations and the step each diverged method diverged at. */
export function experimentSummary(
  run: string, config: ExperimentConfig, evals: readonly EvalPoint[], diverged: Readonly<Record<string, number>>,
): RunSummary {
  const labels = new Map(config.methods.map((m) => [m.id, m.label ?? m.id]));
  return {
    run, kind: 'experiment', base: config.base, steps: config.steps, domains: domainsOf(config), baseline: baselineOf(evals),
    finals: finalsOf(labels, evals), claims: runClaims(claimMethodsOf(config), evals, diverged),
  };
}

/** The summary of a sweep: its grid, every cell's evaluations and the cells that diverged. */
export function sweepSummary(
  run: string, sweep: SweepConfig, evals: readonly EvalPoint[], diverged: Iterable<string>,
): RunSummary {
  const cells = cellResults(sweep, evals, new Set(diverged));
  const labels = new Map(cells.map((c) => [c.cellId, `${c.familyLabel} @ ${fmtLr(c.lr)}`]));
  return {
    run, kind: 'sweep', base: sweep.base, steps: sweep.steps, domains: domainsOf(sweep), baseline: baselineOf(evals),
    finals: finalsOf(labels, evals), claims: sweepClaims(cells),
  };
}

/**
 * The setup step's sentence: the base model's two losses and where each method ended, from the
 * numbers of a run (never typed in by hand).
 */
export function setupSentence(s: RunSummary): string {
  if (!s.baseline) return 'No evaluation of the base model yet.';
  const { source, target } = s.domains;
  const start = `Before fine-tuning, the base model scores ${num(s.baseline.targetLoss)} nats/byte on held-out ${target} and ` +
    `${num(s.baseline.sourceLoss)} on held-out ${source}.`;
  if (!s.finals.length) return start;
  const step = Math.max(...s.finals.map((f) => f.step));
  const ends = s.finals.map((f) => `${f.label} ${num(f.targetLoss)} on ${target} and ${num(f.sourceLoss)} on ${source}`);
  return `${start} After ${step} steps: ${list(ends)}.`;
}

/** What a step shows as measured: its finding's claim from the summary (the setup step: the setup sentence). */
export function stepMeasured(step: TourStep, s: RunSummary): { text: string; verdict: Claim['verdict'] | null } {
  if (step.finding === null) return { text: setupSentence(s), verdict: null };
  const c = s.claims.find((x) => x.finding === step.finding);
  return c ? { text: c.measured, verdict: c.verdict } : { text: 'Not measured.', verdict: 'not-measured' };
}

/** Whether the step's probes should be offered: the toy scale disagrees with the paper, or agrees only in part. */
export function offersProbes(verdict: Claim['verdict'] | null): boolean {
  return verdict === 'disagrees' || verdict === 'mixed';
}

/**
 * Runs whose stored numbers no longer match the tour's configs or the base weights now shipped
 * (`baseSha256`: each base's manifest hash), so the file is stale for them.
 */
export function staleRuns(results: TourResults, baseSha256: Readonly<Record<string, string>>): string[] {
  return Object.values(TOUR_RUNS)
    .filter((r) => {
      const m = results.runs[r.id];
      return r.measured && (!m || m.configHash !== configHash(r) || m.baseSha256 !== baseSha256[m.base]);
    })
    .map((r) => r.id);
}

/** Every step has a run the tour defines, and each measured run is used by a step or a probe. */
export function tourProblems(): string[] {
  const out: string[] = [];
  const used = new Set<string>();
  for (const s of TOUR_STEPS) {
    for (const id of [s.run, ...s.probes.map((p) => p.run)]) {
      if (!TOUR_RUNS[id]) out.push(`step ${s.id} names unknown run ${id}`);
      used.add(id);
    }
  }
  for (const r of Object.values(TOUR_RUNS)) if (r.measured && !used.has(r.id)) out.push(`run ${r.id} is measured but never shown`);
  return out;
}
