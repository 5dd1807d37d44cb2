// The tour's measured numbers: what each of its runs showed when the project's CLI trained it, over
// several seeds (`npm run tour-results` writes public/tour/results.json, and each run's whole curves
// beside it, see curves.ts), and the same summary computed from a student's finished run or sweep,
// shown beside the file's. Both go through runClaims / sweepClaims and the noise rule, so the tour's
// sentences are the findings box's sentences. The file is validated when the page loads it; a wrong
// or missing file shows no numbers, never wrong ones.

import { z } from 'zod';
import { claimMethodsOf, NO_JUDGE, runClaims, sweepClaims, type Claim, type Judge, type SeedRun } from '../analysis/claims';
import type { NoiseKey, NoiseTable } from '../analysis/claims-findings';
import { basePoint, mergeSeedCells } from '../analysis/front';
import { fmtLr, list, num, spreadText } from '../analysis/claims-text';
import { spreadOf } from '../analysis/noise';
import { widthClaim } from '../analysis/claims-width';
import { BASE_FACTS } from '../bases';
import { parseExperiment, type ExperimentConfig } from '../config';
import { sha256Hex } from '../data/sha256';
import type { EvalPoint } from '../protocol';
import { cellResults } from '../sweep/cells';
import { parseSweep, type SweepConfig } from '../sweep/config';
import { TOUR_RUNS, TOUR_STEPS, type TourRun, type TourStep } from './steps';

export const TOUR_RESULTS_VERSION = 2;
/** Where the page finds the file (relative to the app's base URL) and where the CLI writes it. */
export const TOUR_RESULTS_PATH = 'tour/results.json';

/** One method's (or sweep cell's) held-out losses at its last evaluation: mean and range over the seeds. */
export interface FinalLoss {
  label: string;
  step: number;
  targetLoss: number;
  sourceLoss: number;
  /** [min, max] over the seeds (absent for one seed). */
  targetRange?: [number, number];
  sourceRange?: [number, number];
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
  /** The seeds the numbers are over. */
  seeds: number[];
  /** The largest seed-to-seed range of each kind of number (what a one-seed run of this setup is judged against). */
  noise: NoiseTable;
}

/** A summary as the results file stores it, with how it was made. */
export interface MeasuredRun extends RunSummary {
  /** SHA-256 of the run's config as JSON (its first seed's): the file's numbers belong to exactly this config. */
  configHash: string;
  /** SHA-256 of the base model's weights it trained from (its manifest's): a retrained base makes the numbers stale. */
  baseSha256: string;
  command: string;
  /** Seconds of training, all seeds together. */
  seconds: number | null;
  /**
   * Measured with one seed before verdicts were judged against seed noise (results file version 1);
   * its sentences follow the old rule until `npm run tour-results` re-measures it.
   */
  legacy?: boolean;
  /** When its seeds were trained and summarized (ISO date; a regeneration from curves already shipped keeps it); absent: the file's generatedAt. */
  measuredAt?: string;
}

export interface TourResults {
  version: number;
  generatedBy: string;
  generatedAt: string;
  /** The machine and WebGPU implementation the runs trained on. */
  device: string;
  runs: Record<string, MeasuredRun>;
}

const VERDICTS = ['agrees', 'disagrees', 'mixed', 'within-noise', 'inconclusive', 'not-measured'] as const;
const claimNumber = z.object({ label: z.string(), mean: z.number(), min: z.number(), max: z.number(), n: z.number().int().min(1), key: z.string().optional() });
const claimSchema = z.object({
  finding: z.number().int().min(1).max(8), title: z.string(), paper: z.string(), measured: z.string(),
  verdict: z.enum(VERDICTS), numbers: z.array(claimNumber).optional(), seeds: z.number().int().min(1).optional(),
});
const lossPair = z.object({ targetLoss: z.number(), sourceLoss: z.number() });
const range = z.tuple([z.number(), z.number()]).optional();
const runSchema = z.object({
  run: z.string(), kind: z.enum(['experiment', 'sweep']), base: z.string(), steps: z.number().int().min(1),
  domains: z.object({ source: z.string(), target: z.string() }),
  baseline: lossPair.nullable(),
  finals: z.array(lossPair.extend({ label: z.string(), step: z.number().int().min(0), targetRange: range, sourceRange: range })),
  claims: z.array(claimSchema).length(8),
  seeds: z.array(z.number().int().min(0)).min(1),
  noise: z.record(z.string(), z.number()),
  configHash: z.string().regex(/^[0-9a-f]{64}$/), baseSha256: z.string().regex(/^[0-9a-f]{64}$/), command: z.string(),
  seconds: z.number().nullable(),
  legacy: z.boolean().optional(),
  measuredAt: z.string().optional(),
});
const resultsSchema = z.object({
  version: z.literal(TOUR_RESULTS_VERSION), generatedBy: z.string(), generatedAt: z.string(), device: z.string(),
  runs: z.record(z.string(), runSchema),
});

/**
 * A version-1 file (one seed, old rule): its runs become legacy runs of one seed, with no noise
 * estimate, dated by the old file, and without the old sentences' leading "Mixed: " (the chip says it).
 */
function migrateV1(json: unknown): unknown {
  const j = json as { version?: unknown; generatedAt?: unknown; runs?: Record<string, Record<string, unknown>> } | null;
  if (!j || j.version !== 1 || !j.runs || typeof j.runs !== 'object') return json;
  const claims = (cs: unknown) => (Array.isArray(cs) ? cs.map((c: { measured?: unknown }) => (
    typeof c?.measured === 'string' ? { ...c, measured: c.measured.replace(/^Mixed: /, '').replace(/\. Mixed: /g, '. ') } : c)) : cs);
  const runs = Object.fromEntries(Object.entries(j.runs).map(([k, r]) => [k, {
    ...r, claims: claims(r.claims), seeds: [1], noise: {}, legacy: true, ...(typeof j.generatedAt === 'string' ? { measuredAt: j.generatedAt } : {}),
  }]));
  return { ...j, version: TOUR_RESULTS_VERSION, runs };
}

/** Parses the results file (version 1 files are read as legacy one-seed runs); throws an Error naming the first problem. */
export function parseTourResults(json: unknown): TourResults {
  const r = resultsSchema.safeParse(migrateV1(json));
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`the tour's results file is not valid (${i.path.join('.') || 'top level'}: ${i.message})`);
  }
  return r.data as TourResults;
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

function finalsOf(labels: ReadonlyMap<string, string>, runs: readonly (readonly EvalPoint[])[]): FinalLoss[] {
  const lastOf = (evals: readonly EvalPoint[]) => {
    const last = new Map<string, EvalPoint>();
    for (const e of evals) if (!last.has(e.method) || last.get(e.method)!.step < e.step) last.set(e.method, e);
    return last;
  };
  const lasts = runs.map(lastOf);
  return [...labels].flatMap(([id, label]) => {
    const es = lasts.map((l) => l.get(id));
    if (es.some((e) => !e || e.step === 0)) return [];
    const t = spreadOf(es.map((e) => e!.targetLoss));
    const src = spreadOf(es.map((e) => e!.sourceLoss));
    if (!t || !src) return [];
    const f: FinalLoss = { label, step: Math.min(...es.map((e) => e!.step)), targetLoss: t.mean, sourceLoss: src.mean };
    if (t.n >= 2) Object.assign(f, { targetRange: [t.min, t.max], sourceRange: [src.min, src.max] });
    return [f];
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

/** The base model's held-out losses (its step-0 evaluation; the same in every seed). */
function baselineOf(evals: readonly EvalPoint[]): RunSummary['baseline'] {
  const b = basePoint(evals);
  return b ? { targetLoss: b.targetLoss, sourceLoss: b.sourceLoss } : null;
}

/** The largest seed-to-seed range of each kind of number the claims rest on: the setup's noise estimate. */
export function noiseOf(claims: readonly Claim[]): NoiseTable {
  const out: NoiseTable = {};
  for (const c of claims) for (const x of c.numbers ?? []) {
    if (!x.key || x.n < 2) continue;
    const k = x.key as NoiseKey;
    out[k] = Math.max(out[k] ?? 0, x.max - x.min);
  }
  return out;
}

/** One seed of a sweep as the CLI writes it: every evaluation and the cells that diverged. */
export interface SweepSeedRun {
  evals: readonly EvalPoint[];
  diverged: Iterable<string>;
}

/** The summary of an experiment over seeds: its config (the first seed's), each seed's evaluations and divergences. */
export function experimentSummary(
  run: string, config: ExperimentConfig, runs: readonly SeedRun[], seeds: readonly number[], judge: Judge = NO_JUDGE,
): RunSummary {
  const labels = new Map(config.methods.map((m) => [m.id, m.label ?? m.id]));
  const claims = runClaims(claimMethodsOf(config), runs, judge, BASE_FACTS[config.base]?.dModel);
  return {
    run, kind: 'experiment', base: config.base, steps: config.steps, domains: domainsOf(config), baseline: baselineOf(runs[0]?.evals ?? []),
    finals: finalsOf(labels, runs.map((r) => r.evals)), claims, seeds: [...seeds], noise: noiseOf(claims),
  };
}

/** The summary of a sweep over seeds: its grid, and each seed's evaluations and diverged cells. */
export function sweepSummary(
  run: string, sweep: SweepConfig, runs: readonly SweepSeedRun[], seeds: readonly number[], judge: Judge = NO_JUDGE,
): RunSummary {
  const cells = mergeSeedCells(runs.map((r) => cellResults(sweep, r.evals, new Set(r.diverged))));
  const labels = new Map(cells.map((c) => [c.cellId, `${c.familyLabel} @ ${fmtLr(c.lr)}`]));
  const claims = sweepClaims(cells, judge);
  return {
    run, kind: 'sweep', base: sweep.base, steps: sweep.steps, domains: domainsOf(sweep), baseline: baselineOf(runs[0]?.evals ?? []),
    finals: finalsOf(labels, runs.map((r) => r.evals)), claims, seeds: [...seeds], noise: noiseOf(claims),
  };
}

/** A run's config and each seed's evaluations, as its curves file holds them. */
export interface SeededExperiment {
  config: ExperimentConfig;
  runs: readonly SeedRun[];
}

/**
 * Finding 6 at a second width: the wide run's summary with its finding-6 claim replaced by the
 * comparison with the narrow run (the same setup on a narrower base): full fine-tuning against the
 * wide run's LoRA, whose rank and modules the narrow run must also train. Each run's seeds give its
 * own spread (the two runs' seeds are independent, not paired).
 */
export function withWidthClaim(summary: RunSummary, wide: SeededExperiment, narrow: SeededExperiment): RunSummary {
  const fullOf = (c: ExperimentConfig) => c.methods.find((m) => m.kind === 'full' && !m.weightDecay && !m.dropout);
  const loras = (c: ExperimentConfig) => c.methods.flatMap((m) => (m.kind === 'lora' ? [m] : []));
  const lora = loras(wide.config)[0];
  const modules = (t: readonly string[]) => [...t].sort().join();
  const narrowLora = lora && loras(narrow.config).find((m) => m.rank === lora.rank && modules(m.targets) === modules(lora.targets));
  const wf = fullOf(wide.config);
  const nf = fullOf(narrow.config);
  const width = (c: ExperimentConfig) => BASE_FACTS[c.base]?.dModel;
  if (!lora || !narrowLora || !wf || !nf || !width(wide.config) || !width(narrow.config)) {
    throw new Error(`${summary.run}: a width comparison needs full fine-tuning and one LoRA, of the same rank and modules, in both runs, on bases of known width`);
  }
  const side = (x: SeededExperiment, full: string, l: string) => ({
    width: width(x.config)!, layers: BASE_FACTS[x.config.base].nLayers, base: `“${x.config.base}”`, full, lora: l,
    lrs: { full: x.config.methods.find((m) => m.id === full)!.lr, lora: x.config.methods.find((m) => m.id === l)!.lr }, seeds: x.runs.map((r) => r.evals),
  });
  const c = widthClaim(side(narrow, nf.id, narrowLora.id), side(wide, wf.id, lora.id), lora.label ?? `LoRA r=${lora.rank}`);
  const claims = summary.claims.map((x) => (x.finding === 6 ? c : x));
  return { ...summary, claims, noise: noiseOf(claims) };
}

/**
 * What a student's one-seed run or sweep is judged against: the noise estimate of the shipped run of
 * the same setup (same kind, base, and domains), else the largest estimate of any shipped run, saying which.
 */
export function judgeFor(results: TourResults | null, kind: 'experiment' | 'sweep', c: { base: string; source: ExperimentConfig['source']; target: ExperimentConfig['target'] }): Judge {
  if (!results) return NO_JUDGE;
  const measured = Object.entries(results.runs).filter(([, r]) => !r.legacy && r.seeds.length >= 2);
  const d = domainsOf(c);
  const same = measured.filter(([, r]) => r.kind === kind && r.base === c.base && r.domains.source === d.source && r.domains.target === d.target);
  if (same.length) {
    const noise: NoiseTable = {};
    for (const [, r] of same) for (const [k, v] of Object.entries(r.noise)) noise[k as NoiseKey] = Math.max(noise[k as NoiseKey] ?? 0, v);
    const n = Math.min(...same.map(([, r]) => r.seeds.length));
    return { noise, from: `the tour's ${n}-seed ${same.length > 1 ? 'runs' : 'run'} of this setup (${list(same.map(([id]) => id))})` };
  }
  if (!measured.length) return NO_JUDGE;
  const noise: NoiseTable = {};
  for (const [, r] of measured) for (const [k, v] of Object.entries(r.noise)) noise[k as NoiseKey] = Math.max(noise[k as NoiseKey] ?? 0, v);
  return { noise, from: "the tour's seed runs (a different setup: the largest range any of them measured)" };
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
  const v = (mean: number, r?: [number, number]) => (r ? spreadText({ values: [], mean, min: r[0], max: r[1], n: 2 }) : num(mean));
  const ends = s.finals.map((f) => `${f.label} ${v(f.targetLoss, f.targetRange)} on ${target} and ${v(f.sourceLoss, f.sourceRange)} on ${source}`);
  const over = s.seeds.length >= 2 ? ` (mean [min–max] over ${s.seeds.length} seeds)` : '';
  return `${start} After ${step} steps${over}: ${list(ends)}.`;
}

/** What a step shows as measured: its finding's claim from the summary (the setup step: the setup sentence). */
export function stepMeasured(step: TourStep, s: RunSummary): { text: string; verdict: Claim['verdict'] | null } {
  if (step.finding === null) return { text: setupSentence(s), verdict: null };
  const c = s.claims.find((x) => x.finding === step.finding);
  return c ? { text: c.measured, verdict: c.verdict } : { text: 'Not measured.', verdict: 'not-measured' };
}

/** The step's further runs (TourStep.also) that the file holds: each run's id, title, seeds and its claim for the step's finding. */
export function stepAlso(step: TourStep, results: TourResults | null): { run: string; title: string; seeds: number; legacy: boolean; text: string; verdict: Claim['verdict'] | null }[] {
  return (step.also ?? []).flatMap((id) => {
    const s = results?.runs[id];
    if (!s) return [];
    const m = stepMeasured(step, s);
    return [{ run: id, title: TOUR_RUNS[id].title, seeds: s.seeds.length, legacy: s.legacy === true, ...m }];
  });
}

/** Whether the step's probes should be offered: the toy scale disagrees with the paper, or agrees only in part. */
export function offersProbes(verdict: Claim['verdict'] | null): boolean {
  return verdict === 'disagrees' || verdict === 'mixed' || verdict === 'within-noise' || verdict === 'inconclusive';
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
    for (const id of [s.run, ...s.probes.map((p) => p.run), ...(s.also ?? [])]) {
      if (!TOUR_RUNS[id]) out.push(`step ${s.id} names unknown run ${id}`);
      used.add(id);
    }
  }
  for (const r of Object.values(TOUR_RUNS)) if (r.measured && !used.has(r.id)) out.push(`run ${r.id} is measured but never shown`);
  return out;
}
