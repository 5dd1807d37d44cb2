// The experiment: which base model, source and target domains, the methods compared (full
// fine-tuning and LoRA variants, each with its own optimiser settings) and the shared
// schedule. One zod schema validates it everywhere (CLI, Worker, share links), with limits
// sized to what a browser GPU holds; presets are one table.

import { z } from './zod';
import { PROJECTIONS } from '../engine/index';
// The engine's LoRA scale (α/r, or α/√r with rsLoRA), re-exported for the form: the UI may not import the engine.
export { loraScale } from '../engine/index';
import { CUSTOM_TEXT_MAX_BYTES, minCustomTextBytes } from './data/custom-text';
import { LIMITS } from './limits';

// zod comes from ./zod, which sets interpreted parsing (the page's CSP refuses compiled parsers); fast enough for configs.

export { LIMITS };

// ---- the settings table ------------------------------------------------------------------
// Every setting is one row: its key in a shared link, where it sits in the config, its schema
// (type, limits, default) and its label. The zod schemas below are assembled from the rows,
// links/experiment.ts derives its link codecs from them (a number row reads and clamps by the
// row's limits, a choice row by its options), and the form reads limits from them (numberLimits).
// A built-in domain's settings are rows too (DOMAIN_SETTINGS), written once for the source and the
// target; a student's own text (customDomainSchema) is an object of its own, named by its hash.

/** One setting: link key, path in the config (or in a method), schema, label. */
export interface SettingRow<S extends z.ZodType = z.ZodType> {
  key: string;
  path: readonly string[];
  schema: S;
  label: string;
}

const row = <S extends z.ZodType>(key: string, path: readonly string[], schema: S, label: string): SettingRow<S> => ({ key, path, schema, label });

/** A built-in domain's settings, the source's and the target's alike; links write them as `src<key>` and `tgt<key>`. */
export const DOMAIN_SETTINGS = {
  domain: row('', ['domain'], z.enum(['english', 'code', 'math']), 'Domain'),
  /** english only: Brown genre ids or groups (e.g. fiction, learned). */
  genres: row('Genres', ['genres'], z.array(z.string().max(32)).max(15).optional(), 'English genres'),
  /** math only: score only the answer bytes. */
  answerOnly: row('AnswerOnly', ['answerOnly'], z.boolean().optional(), 'Answer-only'),
  /** math only: which problem set (see data/math.ts); absent = 'easy'. */
  level: row('Level', ['level'], z.enum(['easy', 'hard']).optional(), 'Problems'),
} as const;

const DS = DOMAIN_SETTINGS;
const domain = z.object({ domain: DS.domain.schema, genres: DS.genres.schema, answerOnly: DS.answerOnly.schema, level: DS.level.schema });

/**
 * A student's own target text (data/custom-text.ts), named by its SHA-256: the text itself is
 * not in the config (it can be megabytes) but in the browser's custom-text store, and the Worker
 * fetches it by hash before the run starts.
 */
export const customDomainSchema = z.object({
  domain: z.literal('custom'),
  /** File name, or "pasted text": shown wherever the run is described. */
  name: z.string().min(1, 'the custom text needs a name').max(120, 'the custom text name has at most 120 characters'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be the text’s SHA-256 (64 lowercase hex digits)'),
  bytes: z.number().int().min(1).max(CUSTOM_TEXT_MAX_BYTES, `a custom text has at most ${CUSTOM_TEXT_MAX_BYTES} bytes (2 MiB)`),
});

/** The target: one of the built-in domains, or the student's own text (the source stays a built-in domain). */
const targetDomain = z.discriminatedUnion('domain', [domain, customDomainSchema]);

/** The experiment's shared settings, in the order a link writes them. */
export const SETTINGS = {
  base: row('base', ['base'], z.string().regex(/^[a-z0-9_-]{1,32}$/).default('base'), 'Base model'),
  steps: row('steps', ['steps'], z.number().int().min(1).max(LIMITS.steps), 'Steps'),
  seed: row('seed', ['seed'], z.number().int().min(0).max(0xffffffff), 'Seed'),
  batchSize: row('bs', ['batchSize'], z.number().int().min(1).max(LIMITS.batchSize), 'Batch size'),
  seqLen: row('T', ['seqLen'], z.number().int().min(8).max(LIMITS.seqLen), 'Sequence length'),
  scheduleKind: row('sched', ['schedule', 'kind'], z.enum(['constant', 'cosine']).default('constant'), 'Schedule'),
  warmupSteps: row('warmup', ['schedule', 'warmupSteps'], z.number().int().min(0).max(LIMITS.steps).default(0), 'Warmup steps'),
  maxGradNorm: row('clip', ['maxGradNorm'], z.number().min(0).max(100).default(1), 'Gradient clipping'),
  evalInterval: row('evalEvery', ['evalInterval'], z.number().int().min(1).max(LIMITS.steps), 'Evaluate every'),
  evalBatches: row('evalBatches', ['evalBatches'], z.number().int().min(1).max(LIMITS.evalBatches), 'Evaluation batches'),
  /** At every evaluation, sample this many completions of one prompt per method (0 = off) to measure diversity. */
  diversitySamples: row('div', ['diversity', 'samples'], z.number().int().min(0).max(LIMITS.diversitySamples).default(0), 'Diversity samples'),
  diversityLength: row('divLen', ['diversity', 'length'], z.number().int().min(4).max(64).default(24), 'Sample length'),
  diversityTemperature: row('divTemp', ['diversity', 'temperature'], z.number().min(0).max(2).default(1), 'Sampling temperature'),
} as const;

/** A method's settings (each kind lists the ones it has, METHOD_SETTINGS_OF); links write them as `<id>.<key>`. */
export const METHOD_SETTINGS = {
  label: row('label', ['label'], z.string().max(48).optional(), 'Label'),
  lr: row('lr', ['lr'], z.number().positive().max(1, 'learning rate above 1 diverges'), 'Learning rate'),
  weightDecay: row('wd', ['weightDecay'], z.number().min(0).max(1).default(0), 'Weight decay'),
  rank: row('rank', ['rank'], z.number().int().min(1).max(LIMITS.rank), 'Rank r'),
  alpha: row('alpha', ['alpha'], z.number().positive().max(4096), 'Alpha α'),
  targets: row('targets', ['targets'], z.array(z.enum(PROJECTIONS)).min(1).max(PROJECTIONS.length), 'Target modules'),
  scaling: row('scaling', ['scaling'], z.enum(['standard', 'rslora']).default('standard'), 'Scaling'),
  /** Dropout on the input of the adapter (LoRA) or of every projection (full fine-tuning, a regularizer to compare with LoRA). */
  dropout: row('dropout', ['dropout'], z.number().min(0).max(0.9).default(0), 'Dropout'),
} as const;
type MethodSetting = keyof typeof METHOD_SETTINGS;

/** Which method settings each kind has, in the order a link writes them. */
export const METHOD_SETTINGS_OF = {
  full: ['label', 'lr', 'weightDecay', 'dropout'],
  lora: ['label', 'lr', 'weightDecay', 'rank', 'alpha', 'targets', 'scaling', 'dropout'],
} as const satisfies Record<'full' | 'lora', readonly MethodSetting[]>;

const M = METHOD_SETTINGS;
const common = {
  id: z.string().regex(/^[a-z0-9_-]{1,24}$/, 'method ids are 1-24 lowercase letters, digits, - or _'),
  label: M.label.schema,
  lr: M.lr.schema,
  weightDecay: M.weightDecay.schema,
};

export const fullMethodSchema = z.object({
  ...common,
  kind: z.literal('full'),
  dropout: M.dropout.schema,
});

export const loraMethodSchema = z.object({
  ...common,
  kind: z.literal('lora'),
  rank: M.rank.schema,
  alpha: M.alpha.schema,
  targets: M.targets.schema,
  scaling: M.scaling.schema,
  dropout: M.dropout.schema,
});

/** The [min, max] a number setting's schema allows, for the form's fields: limits are written once, in the schema. */
export function numberLimits(schema: z.ZodType): { min: number; max: number } {
  let s = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  if (!(s instanceof z.ZodNumber)) throw new Error('numberLimits: not a number schema');
  return { min: s.minValue ?? -Infinity, max: s.maxValue ?? Infinity };
}

/** A number setting's label and limits, from its row: what the form's field shows and allows. */
export function settingField(row: SettingRow): { label: string; min: number; max: number } {
  return { label: row.label, ...numberLimits(row.schema) };
}

/** LoRA rank's limits (the schema's), for the method card and the sweep's family card. */
export const RANK_LIMITS = numberLimits(METHOD_SETTINGS.rank.schema);

export const methodSchema = z.discriminatedUnion('kind', [fullMethodSchema, loraMethodSchema]);

export const experimentSchema = z
  .object({
    version: z.literal(1).default(1),
    base: SETTINGS.base.schema,
    source: domain,
    target: targetDomain,
    methods: z.array(methodSchema).min(1).max(LIMITS.methods),
    steps: SETTINGS.steps.schema,
    batchSize: SETTINGS.batchSize.schema,
    seqLen: SETTINGS.seqLen.schema,
    schedule: z.object({ kind: SETTINGS.scheduleKind.schema, warmupSteps: SETTINGS.warmupSteps.schema }),
    maxGradNorm: SETTINGS.maxGradNorm.schema,
    seed: SETTINGS.seed.schema,
    evalInterval: SETTINGS.evalInterval.schema,
    evalBatches: SETTINGS.evalBatches.schema,
    diversity: z.object({
      samples: SETTINGS.diversitySamples.schema,
      length: SETTINGS.diversityLength.schema,
      temperature: SETTINGS.diversityTemperature.schema,
    }).default({ samples: 0, length: 24, temperature: 1 }),
  })
  .superRefine((c, ctx) => {
    const ids = new Set<string>();
    c.methods.forEach((m, i) => {
      if (ids.has(m.id)) ctx.addIssue({ code: 'custom', path: ['methods', i, 'id'], message: `duplicate method id "${m.id}"` });
      ids.add(m.id);
    });
    if (c.target.domain === 'custom') {
      const min = minCustomTextBytes(c);
      if (c.target.bytes < min) {
        ctx.addIssue({
          code: 'custom', path: ['target', 'bytes'],
          message: `the text "${c.target.name}" has ${c.target.bytes} bytes; at batch size ${c.batchSize} and sequence length ${c.seqLen} it needs at least ${min}`,
        });
      }
    }
  });

export type MethodConfig = z.infer<typeof methodSchema>;
export type LoraMethodConfig = z.infer<typeof loraMethodSchema>;
export type ExperimentConfig = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
export type CustomDomainConfig = z.infer<typeof customDomainSchema>;
/** A built-in domain (english, code, math): what the source always is and the target usually is. */
export type BuiltinDomainConfig = ExperimentConfig['source'];

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly issues: string[]) {
    super(`Invalid experiment: ${issues.join('; ')}`);
  }
}

/** Readable "path: message" lines for every problem in an input. */
export function configIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(config)'}: ${i.message}`);
}

export function parseExperiment(input: unknown): ExperimentConfig {
  const r = experimentSchema.safeParse(input);
  if (!r.success) throw new ConfigError(configIssues(r.error));
  return r.data;
}

export type FullMethodConfig = Extract<MethodConfig, { kind: 'full' }>;
type MethodDefaults = { full: Omit<FullMethodConfig, 'id' | 'label'>; lora: Omit<LoraMethodConfig, 'id' | 'label'> };

/**
 * A new method's settings by kind, written once: the presets' methods, a link's method that its
 * preset lacks (share.ts), the form's "Add method" and kind switch, and a sweep's new family start
 * here. LoRA: the paper's rank 8 with alpha = 2r on every projection. A fresh copy each call.
 */
export function methodDefaults<K extends MethodConfig['kind']>(kind: K): MethodDefaults[K] {
  const d: MethodDefaults = {
    full: { kind: 'full', lr: 1e-3, weightDecay: 0, dropout: 0 },
    lora: { kind: 'lora', rank: 8, alpha: 16, targets: [...PROJECTIONS], scaling: 'standard', dropout: 0, lr: 1e-2, weightDecay: 0 },
  };
  return d[kind];
}

/** The label the page gives a method of this kind (and a LoRA method of this rank) until the user writes one. */
export function autoLabel(kind: MethodConfig['kind'], rank = methodDefaults('lora').rank): string {
  return kind === 'full' ? 'Full fine-tuning' : `LoRA r=${rank}`;
}

/** A LoRA method at `rank` with alpha = 2r and the automatic label; the rest from methodDefaults. */
export function loraMethod(id: string, rank: number, extra: Partial<LoraMethodConfig> = {}): LoraMethodConfig {
  return { id, label: autoLabel('lora', rank), ...methodDefaults('lora'), rank, alpha: 2 * rank, ...extra };
}

const lora = (id: string, rank: number, lr: number): LoraMethodConfig => loraMethod(id, rank, { lr });
const full = (): FullMethodConfig => ({ id: 'full', label: autoLabel('full'), ...methodDefaults('full') });

const shared = {
  version: 1 as const, base: 'base', steps: 200, batchSize: 8, seqLen: 64,
  schedule: { kind: 'constant' as const, warmupSteps: 10 }, maxGradNorm: 1, seed: 1, evalInterval: 20, evalBatches: 4,
  diversity: { samples: 8, length: 24, temperature: 1 },
};

/** Named experiments; the first is the playground's default. */
export const PRESETS: Record<string, { title: string; description: string; config: ExperimentConfig }> = {
  'english-code': {
    title: 'English → code',
    description: 'Fine-tune the English base model on JavaScript source: a target far from the base distribution, like the paper’s code runs.',
    config: {
      ...shared, source: { domain: 'english' }, target: { domain: 'code' },
      methods: [full(), lora('r1', 1, 1e-2), lora('r8', 8, 1e-2), lora('r64', 64, 3e-3)],
    },
  },
  'english-math': {
    title: 'English → math',
    description: 'Fine-tune on one-digit sums and differences in three wordings, trained on the answers only (the question is context, as in instruction tuning); accuracy is exact match of the answer on the held-out wording of each trained fact (like GSM8K). The hard level has word problems with unseen operands.',
    config: {
      // 8 evaluation batches of 8: accuracy on 64 held-out problems (see mathEvalSet)
      // Answer-only loss: on whole texts the answer is 6–8% of the scored bytes, and the model learns the
      // format long before any fact (whole-text loss then says nothing about answers).
      ...shared, evalBatches: 8, source: { domain: 'english' }, target: { domain: 'math', answerOnly: true },
      methods: [full(), lora('r8', 8, 1e-2)],
    },
  },
  'fiction-learned': {
    title: 'Fiction → learned prose',
    description: 'A genre shift inside English: from Brown’s fiction to its learned and scientific writing.',
    config: {
      ...shared, source: { domain: 'english', genres: ['fiction'] }, target: { domain: 'english', genres: ['learned'] },
      methods: [full(), lora('r8', 8, 1e-2)],
    },
  },
};

export const DEFAULT_PRESET = 'english-code';
