// The tour's recorded curves: every evaluation of every method (or sweep cell) of every seed of a
// tour run, as `npm run tour-results` trained it, shipped as one small JSON file per run under
// public/tour/curves/ (loaded only when the tour or a chart needs it). The results file's sentences
// are computed from exactly these curves (tour-results reads back what it writes, and summarize.test.ts
// recomputes them), so the numbers on the page and the curves drawn from this file cannot disagree.

import { z } from 'zod';
import type { EvalPoint } from '../protocol';

export const TOUR_CURVES_VERSION = 1;
/** Where the page finds a run's curves (relative to the app's base URL) and where the CLI writes them. */
export const tourCurvesPath = (run: string) => `tour/curves/${run}.json`;

/** One seed of a run: its seed, the SHA-256 of its config, every evaluation, and the step each diverged method (or cell) diverged at. */
export interface SeedCurves {
  seed: number;
  configHash: string;
  evals: EvalPoint[];
  diverged: Record<string, number>;
  /** How long this seed took to train, in wall seconds on the device the results file names (absent in files from before it was kept). */
  seconds?: number;
}

export interface TourCurves {
  version: number;
  run: string;
  kind: 'experiment' | 'sweep';
  seeds: SeedCurves[];
}

const round = (x: number, d: number) => (Number.isFinite(x) ? Number(x.toFixed(d)) : x);

/**
 * An evaluation as the file keeps it: losses to 5 decimals (far below any difference the page reads),
 * diversity without its sample texts (the page shows live samples, not recorded ones), ranks to 3.
 */
export function compactEval(e: EvalPoint): EvalPoint {
  const out: EvalPoint = { method: e.method, step: e.step, targetLoss: round(e.targetLoss, 5), sourceLoss: round(e.sourceLoss, 5) };
  if (e.targetAccuracy !== undefined) out.targetAccuracy = round(e.targetAccuracy, 5);
  if (e.diversity) {
    const { samples: _samples, ...d } = e.diversity;
    out.diversity = { ...(Object.fromEntries(Object.entries(d).map(([k, v]) => [k, round(v as number, 5)])) as Omit<typeof e.diversity, 'samples'>), samples: [] };
  }
  if (e.rank90) out.rank90 = Object.fromEntries(Object.entries(e.rank90).map(([k, v]) => [k, round(v, 3)])) as EvalPoint['rank90'];
  return out;
}

// JSON has no NaN or Infinity: a diverged method's losses are written as strings and read back as numbers.
const lossNumber = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform(Number)]);
const evalSchema = z.object({
  method: z.string(), step: z.number().int().min(0), targetLoss: lossNumber, sourceLoss: lossNumber,
  targetAccuracy: z.number().optional(),
  diversity: z.object({
    distinctShare: z.number(), distinct1: z.number(), distinct2: z.number(), distinct3: z.number(), entropy: z.number(),
    similarity: z.number().optional(), samples: z.array(z.string()),
  }).optional(),
  rank90: z.object({ attention: z.number(), mlp: z.number(), all: z.number(), share: z.number().optional() }).optional(),
});
const curvesSchema = z.object({
  version: z.literal(TOUR_CURVES_VERSION), run: z.string(), kind: z.enum(['experiment', 'sweep']),
  seeds: z.array(z.object({
    seed: z.number().int().min(0), configHash: z.string().regex(/^[0-9a-f]{64}$/),
    evals: z.array(evalSchema), diverged: z.record(z.string(), z.number()), seconds: z.number().min(0).optional(),
  })).min(1),
});

/** Parses a curves file; throws an Error naming the first problem. */
export function parseTourCurves(json: unknown): TourCurves {
  const r = curvesSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`a tour curves file is not valid (${i.path.join('.') || 'top level'}: ${i.message})`);
  }
  return r.data as TourCurves;
}

/** The file's text: non-finite losses as strings, one evaluation per line (diff-friendly, still small). */
export function tourCurvesJson(c: TourCurves): string {
  const val = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x));
  const seeds = c.seeds.map((s) => `  {"seed":${s.seed},"configHash":"${s.configHash}",${s.seconds === undefined ? '' : `"seconds":${Math.round(s.seconds)},`}"diverged":${val(s.diverged)},"evals":[\n${s.evals.map((e) => `   ${val(e)}`).join(',\n')}\n  ]}`);
  return `{"version":${c.version},"run":${JSON.stringify(c.run)},"kind":"${c.kind}","seeds":[\n${seeds.join(',\n')}\n]}\n`;
}
