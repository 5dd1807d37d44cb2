// Results files: a run (one method) or a whole experiment (every method) as JSON (config,
// per-method info, every evaluation, and a description of the base model) and as CSV (one
// row per evaluation); and the JSON read back, validated, as a saved run the page can
// overlay on its charts.

import { z } from 'zod';
import type { LlamaConfig } from '../../engine/index';
import { configIssues, experimentSchema } from '../config';
import type { EvalPoint, MethodInfo, SavedRun, SavedSweep } from '../protocol';
import { expandSweep } from '../sweep/config';
import { ImportError } from './peft';

export const RUN_FORMAT = 'lora-lab-run';
export const RUN_FORMAT_VERSION = 1;

export interface BaseDescription {
  name: string;
  description: string;
  config: LlamaConfig;
  /** Held-out loss of the base model per domain (from its manifest), when known. */
  heldOutLoss?: Record<string, number>;
}

export interface RunFile {
  format: typeof RUN_FORMAT;
  version: number;
  exportedAt: string;
  run: { id: string; preset: string; createdAt: number; state: string; step: number };
  base: BaseDescription;
  config: SavedRun['config'];
  methods: MethodInfo[];
  evals: EvalPoint[];
}

/** The file of a saved run; with `method`, only that method (config, info, evaluations). */
export function runFile(run: SavedRun, base: BaseDescription, method?: string): RunFile {
  const keep = (id: string) => method === undefined || id === method;
  if (method !== undefined && !run.config.methods.some((m) => m.id === method)) throw new Error(`the run has no method ${method}`);
  return {
    format: RUN_FORMAT, version: RUN_FORMAT_VERSION, exportedAt: new Date().toISOString(),
    run: { id: run.id, preset: run.preset, createdAt: run.createdAt, state: run.state, step: run.step },
    base, config: { ...run.config, methods: run.config.methods.filter((m) => keep(m.id)) },
    methods: run.methods.filter((m) => keep(m.id)), evals: run.evals.filter((e) => keep(e.method)),
  };
}

const CSV_COLUMNS = [
  'run_id', 'preset', 'method', 'label', 'kind', 'lr', 'weight_decay', 'dropout', 'rank', 'alpha', 'scaling', 'targets',
  'step', 'target_loss', 'source_loss', 'target_accuracy', 'distinct_share', 'entropy', 'rank90_attention', 'rank90_mlp', 'rank90_all',
] as const;

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per evaluation (step 0 is the base model), methods' settings repeated on each row. */
export function runCsv(f: RunFile): string {
  const rows = [CSV_COLUMNS.join(',')];
  for (const e of f.evals) {
    const m = f.config.methods.find((x) => x.id === e.method);
    const info = f.methods.find((x) => x.id === e.method);
    const lora = m?.kind === 'lora' ? m : undefined;
    const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      run_id: f.run.id, preset: f.run.preset, method: e.method, label: info?.label ?? m?.label ?? e.method, kind: m?.kind,
      lr: m?.lr, weight_decay: m?.weightDecay, dropout: m?.dropout, rank: lora?.rank, alpha: lora?.alpha, scaling: lora?.scaling,
      targets: lora?.targets.join(' '), step: e.step, target_loss: e.targetLoss, source_loss: e.sourceLoss,
      target_accuracy: e.targetAccuracy, distinct_share: e.diversity?.distinctShare, entropy: e.diversity?.entropy,
      rank90_attention: e.rank90?.attention, rank90_mlp: e.rank90?.mlp, rank90_all: e.rank90?.all,
    };
    rows.push(CSV_COLUMNS.map((c) => cell(values[c])).join(','));
  }
  return rows.join('\n') + '\n';
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const evalSchema = z.looseObject({
  step: z.number().int().min(0), method: z.string(), targetLoss: z.number(), sourceLoss: z.number(),
  targetAccuracy: z.number().optional(),
});
const methodInfoSchema = z.looseObject({
  id: z.string(), label: z.string(), kind: z.enum(['full', 'lora']), trainableParams: finite, totalParams: finite, dispatchesPerStep: finite,
  memory: z.object({ weightBytes: finite, gradientBytes: finite, optimizerBytes: finite, activationBytes: finite }),
});
const runFileSchema = z.object({
  format: z.literal(RUN_FORMAT),
  version: z.literal(RUN_FORMAT_VERSION),
  run: z.looseObject({ id: z.string().max(64), preset: z.string().max(64), createdAt: finite }),
  base: z.looseObject({ name: z.string() }),
  config: z.unknown(),
  methods: z.array(methodInfoSchema).max(64),
  evals: z.array(evalSchema).max(100_000),
});

/** Validates a run file and turns it into a saved run (a new id, so it never replaces a run of this browser). */
export function parseRunFile(json: unknown, newId: string): SavedRun {
  if (!json || typeof json !== 'object' || (json as { format?: unknown }).format !== RUN_FORMAT) {
    throw new ImportError(`not a LoRA Lab run file (expected "format": "${RUN_FORMAT}")`);
  }
  const r = runFileSchema.safeParse(json);
  if (!r.success) throw new ImportError(`the run file is invalid: ${configIssues(r.error).slice(0, 3).join('; ')}`);
  const c = experimentSchema.safeParse(r.data.config);
  if (!c.success) throw new ImportError(`the run file's experiment config is invalid: ${configIssues(c.error).slice(0, 3).join('; ')}`);
  const ids = new Set(c.data.methods.map((m) => m.id));
  const stray = r.data.evals.find((e) => !ids.has(e.method)) ?? r.data.methods.find((m) => !ids.has(m.id));
  if (stray) throw new ImportError(`the run file mentions method "${'method' in stray ? stray.method : stray.id}", which its config does not have`);
  const step = r.data.evals.reduce((a, e) => Math.max(a, e.step), 0);
  return {
    id: newId, preset: r.data.run.preset, config: c.data, createdAt: r.data.run.createdAt, updatedAt: Date.now(),
    state: 'done', step, methods: r.data.methods as unknown as MethodInfo[], evals: r.data.evals as EvalPoint[], checkpointStep: null,
  };
}

/** A saved sweep as a file: the grid, its progress and every cell's evaluations (EvalPoint.method = cell id). */
export function sweepFile(s: SavedSweep, base: BaseDescription) {
  return { format: 'lora-lab-sweep', version: 1, exportedAt: new Date().toISOString(), base, ...s };
}

/** One row per evaluation of every cell, with the cell's method settings (as runCsv, method = cell id). */
export function sweepCsv(s: SavedSweep): string {
  const cells = expandSweep(s.sweep);
  return runCsv({
    format: RUN_FORMAT, version: RUN_FORMAT_VERSION, exportedAt: '', base: { name: s.sweep.base, description: '', config: {} as LlamaConfig },
    run: { id: s.id, preset: s.preset, createdAt: s.createdAt, state: s.state, step: 0 },
    config: { methods: cells.map((c) => c.method) } as SavedRun['config'], methods: s.methods, evals: s.evals,
  });
}
