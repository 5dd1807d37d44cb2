// Settings of `npm run pretrain`, kept apart from the training loop so a test can check, without a
// multi-hour run, that the defaults reproduce the shipped base model (public/models/base.json's
// `training` block) and that the command refuses to overwrite a shipped file unless asked.

import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { MODEL_SIZES, type LlamaConfig } from '../engine/index';
import type { CheckpointManifest } from '../experiment/checkpoint';
import { pretrainSchedule, type PretrainRecipe } from '../experiment/pretrain/recipe';

/** Where shipped base models live; a file there is only replaced with --overwrite. */
export const SHIPPED_MODELS_DIR = 'public/models';

/** The pretraining recipe (experiment/pretrain/settings.ts) but the model, which --size and --seq pick, and the CLI's own options. */
export interface PretrainOptions extends Omit<PretrainRecipe, 'model'> {
  evalBatches: number;
  /** Output prefix: writes PREFIX.bin and PREFIX.json. */
  out: string;
  overwrite: boolean;
  /** Engine model size (MODEL_SIZES): 'base' is the shipped base; larger ones are other bases. */
  size: ModelSize;
  /**
   * Continue from a checkpoint (PREFIX.json + PREFIX.bin) of the same size instead of random weights: a
   * long pretraining in pieces. The optimizer state starts fresh, with its own warmup and cosine; the data
   * stream skips the batches the checkpoint trained on (same seed and shape), and the manifest records totals.
   */
  init?: string;
}

export type ModelSize = keyof typeof MODEL_SIZES;

/** The settings that produced public/models/base.* (its manifest records them); the output goes elsewhere. */
export const PRETRAIN_DEFAULTS: PretrainOptions = {
  steps: 3000, batch: 8, seq: 64, lr: 3e-3, warmup: 100, minRatio: 0.1, seed: 1,
  evalEvery: 100, evalBatches: 8, out: 'results/pretrain/base', overwrite: false, size: 'base',
};

export const PRETRAIN_USAGE =
  'npm run pretrain -- [--steps N] [--batch B] [--seq T] [--lr LR] [--warmup N] [--min-ratio R] [--seed S] ' +
  `[--eval-every N] [--eval-batches N] [--size ${Object.keys(MODEL_SIZES).join('|')}] [--init PATH-PREFIX] [--out PATH-PREFIX] [--overwrite]\n` +
  `defaults: ${Object.entries(PRETRAIN_DEFAULTS).map(([k, v]) => `${k} ${v}`).join(', ')}\n` +
  `--overwrite is needed to replace a file under ${SHIPPED_MODELS_DIR}/ (the shipped base model).`;

const NUMERIC = ['steps', 'batch', 'seq', 'lr', 'warmup', 'minRatio', 'seed', 'evalEvery', 'evalBatches'] as const;
const FLAG: Record<(typeof NUMERIC)[number], string> = {
  steps: 'steps', batch: 'batch', seq: 'seq', lr: 'lr', warmup: 'warmup', minRatio: 'min-ratio', seed: 'seed',
  evalEvery: 'eval-every', evalBatches: 'eval-batches',
};

/** Parses the command line over the defaults; throws on an unknown option or a value that is not a number. */
export function parsePretrainArgs(argv: string[]): PretrainOptions & { help: boolean } {
  const strings = Object.fromEntries(Object.values(FLAG).map((f) => [f, { type: 'string' as const }]));
  const { values } = parseArgs({
    args: argv,
    options: { ...strings, out: { type: 'string' }, size: { type: 'string' }, init: { type: 'string' }, overwrite: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  const v = values as Record<string, string | boolean | undefined>;
  const o: PretrainOptions = { ...PRETRAIN_DEFAULTS };
  for (const key of NUMERIC) {
    const raw = v[FLAG[key]];
    if (raw === undefined) continue;
    const x = Number(raw);
    const whole = key !== 'lr' && key !== 'minRatio';
    if (raw === '' || !Number.isFinite(x) || x < 0 || (whole && !Number.isInteger(x))) {
      throw new Error(`--${FLAG[key]} ${String(raw)} is not a ${whole ? 'whole number' : 'number'} ≥ 0`);
    }
    o[key] = x;
  }
  if (typeof v.out === 'string') o.out = v.out;
  if (typeof v.init === 'string') o.init = v.init;
  if (typeof v.size === 'string') {
    if (!Object.hasOwn(MODEL_SIZES, v.size)) throw new Error(`--size ${v.size}: expected one of ${Object.keys(MODEL_SIZES).join(', ')}`);
    o.size = v.size as ModelSize;
  }
  o.overwrite = v.overwrite === true;
  return { ...o, help: v.help === true };
}

/** What the pretraining loop (experiment/pretrain/loop.ts) trains for these options. */
export function cliRecipe(o: PretrainOptions): PretrainRecipe {
  const { steps, batch, seq, lr, warmup, minRatio, seed, evalEvery } = o;
  return { model: pretrainModelConfig(o), steps, batch, seq, lr, warmup, minRatio, seed, evalEvery };
}

/** The chosen size (the shipped base's by default), with room for the training sequence length. */
export function pretrainModelConfig(o: PretrainOptions): LlamaConfig {
  const size = MODEL_SIZES[o.size];
  return { ...size, seqLen: Math.max(size.seqLen, o.seq) };
}

/** The manifest's record of the settings (everything in `training` but time, device and code version). */
export function trainingSettings(o: PretrainOptions): Omit<CheckpointManifest['training'], 'seconds' | 'device' | 'codeVersion'> {
  const s = pretrainSchedule(o);
  return {
    seed: o.seed, steps: o.steps, tokensSeen: o.steps * o.batch * o.seq, batchSize: o.batch, seqLen: o.seq, lr: o.lr,
    schedule: `warmup ${s.warmupSteps} then cosine to ${s.minRatio}×`,
  };
}

/**
 * The manifest's `training` of a piece that continued `prev` (--init): steps, bytes and seconds are the
 * totals of both, the schedule says what each piece ran, `lr` is this piece's, and `initFrom` names what it
 * continued. `piece` is this piece's own record (trainingSettings plus seconds, device and code version).
 */
export function continuedTraining(
  prev: { file: string; sha256: string; training: CheckpointManifest['training'] }, piece: CheckpointManifest['training'],
): CheckpointManifest['training'] {
  const p = prev.training;
  const schedule = (t: CheckpointManifest['training']) => (t.initFrom ? t.schedule : `${t.steps} steps at lr ${t.lr} (${t.schedule})`);
  return {
    ...piece,
    steps: p.steps + piece.steps,
    tokensSeen: p.tokensSeen + piece.tokensSeen,
    seconds: p.seconds + piece.seconds,
    schedule: `${schedule(p)}, then ${piece.steps} more at lr ${piece.lr} (${piece.schedule})`,
    initFrom: { file: prev.file, sha256: prev.sha256, steps: p.steps, tokensSeen: p.tokensSeen },
  };
}

/**
 * Why writing PREFIX.bin / PREFIX.json must not happen, or null when it may: a file that exists under
 * public/models is shipped, and is replaced only with --overwrite. Checked before training starts, so a
 * refusal never costs an hour. `root` is the repository (paths are taken relative to the working directory).
 */
export function outputRefusal(out: string, overwrite: boolean, root: string, exists: (path: string) => boolean = existsSync): string | null {
  if (overwrite) return null;
  const shipped = resolve(root, SHIPPED_MODELS_DIR);
  const clashes = ['.bin', '.json']
    .map((ext) => resolve(`${out}${ext}`))
    .filter((p) => (p === shipped || p.startsWith(shipped + sep)) && exists(p));
  if (!clashes.length) return null;
  const names = clashes.map((p) => relative(root, p)).join(' and ');
  return `${names} ${clashes.length > 1 ? 'are' : 'is'} shipped with the app; refusing to overwrite. ` +
    'Write elsewhere with --out PATH-PREFIX, or pass --overwrite to replace the shipped base model.';
}
