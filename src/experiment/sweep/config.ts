// Sweeps, the pure part: a grid of method families (full fine-tuning, LoRA at some rank and
// target modules, with their regularizers) × learning rates, its schema and limits, and the grid
// maths: the cells (one family at one learning rate), their labels, and the lockstep groups of at
// most LIMITS.methods cells that train one after another from the same base on the same batches.
// No GPU here: the UI, the links and the tour import it; sweep/runner.ts trains the groups.

import { z } from 'zod';
import {
  ConfigError, configIssues, experimentSchema, fullMethodSchema, LIMITS, loraMethodSchema,
  type ExperimentConfig, type MethodConfig,
} from '../config';


export const LIMITS_SWEEP = {
  /** 9: three module sets × three ranks (the modules × ranks grid of finding 8). */
  families: 9,
  lrs: 8,
  /** 8 groups of 6: on the shipped model, minutes on a laptop GPU at the presets' 200 steps. */
  cells: 48,
} as const;

/** Family ids are one shorter than method ids need, so `${family}-${i}` is always a valid method id. */
const familyId = z.string().regex(/^[a-z0-9_-]{1,20}$/, 'family ids are 1-20 lowercase letters, digits, - or _');
const lrs = z
  .array(fullMethodSchema.shape.lr)
  .min(1, 'a family needs at least one learning rate')
  .max(LIMITS_SWEEP.lrs, `a family has at most ${LIMITS_SWEEP.lrs} learning rates`);
/** Leaves room in a cell's label for " @ <lr>". */
const familyLabel = z.string().max(32).optional();

export const fullFamilySchema = fullMethodSchema.omit({ id: true, lr: true, label: true }).extend({ id: familyId, label: familyLabel, lrs });
export const loraFamilySchema = loraMethodSchema.omit({ id: true, lr: true, label: true }).extend({ id: familyId, label: familyLabel, lrs });
export const familySchema = z.discriminatedUnion('kind', [fullFamilySchema, loraFamilySchema]);

const E = experimentSchema.shape;
export const sweepSchema = z
  .object({
    version: E.version, base: E.base, source: E.source, target: E.target, steps: E.steps, batchSize: E.batchSize,
    seqLen: E.seqLen, schedule: E.schedule, maxGradNorm: E.maxGradNorm, seed: E.seed, evalInterval: E.evalInterval,
    evalBatches: E.evalBatches, diversity: E.diversity,
    families: z
      .array(familySchema)
      .min(1, 'a sweep needs at least one family')
      .max(LIMITS_SWEEP.families, `a sweep has at most ${LIMITS_SWEEP.families} families`),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    s.families.forEach((f, i) => {
      if (ids.has(f.id)) ctx.addIssue({ code: 'custom', path: ['families', i, 'id'], message: `duplicate family id "${f.id}"` });
      ids.add(f.id);
      const seen = new Set<number>();
      f.lrs.forEach((lr, j) => {
        if (seen.has(lr)) ctx.addIssue({ code: 'custom', path: ['families', i, 'lrs', j], message: `learning rate ${lr} is listed twice in family "${f.id}"` });
        seen.add(lr);
      });
    });
    const cells = s.families.reduce((n, f) => n + f.lrs.length, 0);
    if (cells > LIMITS_SWEEP.cells) {
      ctx.addIssue({ code: 'custom', path: ['families'], message: `${cells} runs (families × learning rates) is more than the limit ${LIMITS_SWEEP.cells}` });
    }
  });

export type SweepConfig = z.infer<typeof sweepSchema>;
export type SweepInput = z.input<typeof sweepSchema>;
export type SweepFamily = z.infer<typeof familySchema>;

/** One (family, learning rate) of the grid: one method of one group. */
export interface SweepCell {
  id: string;
  family: string;
  familyLabel: string;
  lr: number;
  method: MethodConfig;
}

/** "families.1 (r8).lrs.0: ..." rather than "families.1.lrs.0: ...", when the family has a valid id. */
function sweepIssues(error: z.ZodError, input: unknown): string[] {
  const families = (input as { families?: unknown } | null)?.families;
  return configIssues(error).map((line, i) => {
    const path = error.issues[i].path;
    if (path[0] !== 'families' || typeof path[1] !== 'number' || !Array.isArray(families)) return line;
    const id = (families[path[1]] as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || !familyId.safeParse(id).success) return line;
    return line.replace(`families.${path[1]}`, `families.${path[1]} (${id})`);
  });
}

export function parseSweep(input: unknown): SweepConfig {
  const r = sweepSchema.safeParse(input);
  if (!r.success) throw new ConfigError(sweepIssues(r.error, input));
  return r.data;
}

const ALL_TARGETS = loraMethodSchema.shape.targets.element.options;
const ATTENTION = ['q', 'k', 'v', 'o'];
const MLP = ['gate', 'up', 'down'];
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && b.every((x) => a.includes(x));

/** A learning rate as labels show it: 3e-4, 1e-2, 2.5e-3. */
export function formatLr(x: number): string {
  return x.toExponential().replace('e+', 'e');
}

/** A name for a family without a label: what sets it apart (rank, modules, regularizers). */
export function defaultFamilyLabel(f: SweepFamily): string {
  const parts: string[] = [];
  if (f.kind === 'full') parts.push('Full FT');
  else {
    parts.push(`LoRA r=${f.rank}`);
    if (sameSet(f.targets, ATTENTION)) parts.push('attention');
    else if (sameSet(f.targets, MLP)) parts.push('MLP');
    else if (!sameSet(f.targets, ALL_TARGETS)) parts.push(f.targets.join(','));
    if (f.alpha !== 2 * f.rank) parts.push(`α=${f.alpha}`);
    if (f.scaling === 'rslora') parts.push('rsLoRA');
  }
  if (f.weightDecay > 0) parts.push(`wd ${f.weightDecay}`);
  if (f.dropout > 0) parts.push(`dropout ${f.dropout}`);
  return parts.join(' ').slice(0, 32);
}

/** Every cell, family by family, learning rates in the family's order. */
export function expandSweep(s: SweepConfig): SweepCell[] {
  return s.families.flatMap((f) => {
    const { id: family, label, lrs: rates, ...rest } = f;
    const name = label ?? defaultFamilyLabel(f);
    return rates.map((lr, i) => {
      const id = `${family}-${i}`;
      const method = { ...structuredClone(rest), id, label: `${name} @ ${formatLr(lr)}`.slice(0, 48), lr } as MethodConfig;
      return { id, family, familyLabel: name, lr, method };
    });
  });
}

/** The experiment every group shares: all settings of the sweep but its families. */
function sharedSettings(s: SweepConfig): Omit<ExperimentConfig, 'methods'> {
  const { families: _families, ...rest } = s;
  return structuredClone(rest);
}

/** Cells in order, in chunks of at most LIMITS.methods: one lockstep experiment each, same base, seed and batches. */
export function sweepGroups(s: SweepConfig): ExperimentConfig[] {
  const cells = expandSweep(s);
  const groups: ExperimentConfig[] = [];
  for (let i = 0; i < cells.length; i += LIMITS.methods) {
    groups.push({ ...sharedSettings(s), methods: cells.slice(i, i + LIMITS.methods).map((c) => c.method) });
  }
  return groups;
}
