// Shareable links: a pure, lossless mapping between an ExperimentConfig and URL query
// parameters. Like TF Playground's state table, every setting is one row of config.ts's settings
// table (key, path into the config, schema, label), and its codec here is derived from the row's
// schema; like Sequence Toy's links, only values that differ from the named preset are
// written, plus a schema version, so a link stays short and readable. Decoding trusts nothing:
// a malformed or hostile link never throws; what is valid is applied, the rest is fixed or
// dropped and reported in short messages that are safe to show on the page.
//
// Scheme (v=1):
//   v=1                       schema version (always written)
//   preset=english-code       the preset the link starts from (always written)
//   base steps seed bs T sched warmup clip evalEvery evalBatches
//                             base (a shipped one, bases.ts), steps, seed, batchSize, seqLen, schedule.kind,
//                             schedule.warmupSteps, maxGradNorm, evalInterval, evalBatches
//   src tgt                   source.domain, target.domain
//   srcGenres tgtGenres       comma list of Brown genres or groups; empty = all genres
//   srcAnswerOnly tgtAnswerOnly  1 | 0; empty = unset
//   srcLevel tgtLevel         math problem set: easy | hard; empty = unset
//   tgt=custom tgtName tgtSha tgtBytes [tgtText]
//                             the student's own target text (links/custom-text.ts): its name, SHA-256 and
//                             size; the text itself only when it is small (CUSTOM_LINK_MAX_CHARS)
//   div divLen divTemp        diversity.samples, .length, .temperature
//   m=full,r8,r64             method ids in order (only when they differ from the preset's)
//   <id>.kind                 full | lora (only for a method that the preset lacks, or whose
//                             kind differs; such a method writes all its fields)
//   <id>.label .lr .wd        label (empty = none), lr, weightDecay
//   <id>.dropout              full fine-tuning's dropout on projection inputs
//   <id>.rank .alpha .targets .scaling .dropout   LoRA only; targets is a comma list
// Numbers use the shortest exact form (0.05, 1e-3, 3e-4, 200). Canonical forms: an empty
// genre list and no genre list are the same, and so are an empty label and no label. Decoding
// refuses labels with markup (< >), control or bidi characters or "javascript:", so such a label
// does not survive a link. The page should call decodeShare only when the URL has a query: an
// empty one is reported. The codecs, tables and reader are exported for links/sweep.ts, whose links
// use the same keys for the shared settings.

import { z } from 'zod';
import {
  DEFAULT_PRESET, fullMethodSchema, METHOD_SETTINGS, METHOD_SETTINGS_OF, methodDefaults, parseExperiment, PRESETS, LIMITS,
  SETTINGS, DOMAIN_SETTINGS, ConfigError, type ExperimentConfig, type MethodConfig, type SettingRow,
} from '../config';
import { isShippedBase, SHIPPED_BASES } from '../bases';
import { isSavedBaseName } from '../storage/saved-base-name';
import { BROWN_GENRES, BROWN_GENRE_GROUPS } from '../data/brown';
import { decodeCustomLink, encodeCustomLink } from './custom-text';
import { CUSTOM_TEXT_MAX_BYTES, minCustomTextBytes, type CustomText } from '../data/custom-text';

export const SHARE_VERSION = 1;
/** Longer queries are rejected unread: no real config needs a tenth of this. */
export const MAX_QUERY_LENGTH = 8192;
/** The page shows at most this many problems (plus a count of the rest). */
export const MAX_PROBLEMS = 20;

export interface SharedExperiment {
  config: ExperimentConfig;
  preset: string;
  problems: string[];
  /** The student's own target text, when the link carries it (and it matches the link's SHA-256). */
  customText?: CustomText;
}

export type Obj = Record<string, unknown>;
export type Report = (message: string) => void;

/** What a codec reads with: the key (for messages), a report, and `reject`, which reports and keeps the current value. */
export interface Ctx {
  key: string;
  report: Report;
  reject(why: string): null;
}

/** Turns a string from the link into a value: `{ value }` to set it (undefined unsets), null to keep the current one. */
export interface Codec {
  write(value: unknown): string;
  read(raw: string, ctx: Ctx): { value: unknown } | null;
}

export interface Field {
  key: string;
  path: readonly string[];
  codec: Codec;
  /** A new method without this field gets a default and a report. */
  required: boolean;
}

// ---- showing untrusted text ------------------------------------------------------------

const UNSAFE = /[<>\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SAFE_NAME = /^[A-Za-z0-9_.,-]{0,40}$/;

/** No markup, control or bidi characters: a message can go anywhere on the page as text. */
export function clean(s: string): string {
  return s.replace(UNSAFE, (ch) => (ch === '<' ? '‹' : ch === '>' ? '›' : '�'));
}

/** A value from the link: quoted, cut to 24 characters. */
export function quote(raw: string): string {
  const chars = [...raw];
  return `"${clean(chars.length > 24 ? `${chars.slice(0, 24).join('')}…` : raw)}"`;
}

/** A key or value: bare when it is short and plain, otherwise quoted. */
export function show(raw: string): string {
  return SAFE_NAME.test(raw) && raw !== '' ? raw : quote(raw);
}

// ---- numbers ---------------------------------------------------------------------------

/** Shortest exact text for a number: `Number(formatNumber(x)) === x` for every finite x. */
export function formatNumber(x: number): string {
  const plain = String(x).replace('e+', 'e');
  if (Number.isInteger(x)) return plain;
  const exp = x.toExponential().replace('e+', 'e');
  return exp.length < plain.length ? exp : plain;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** A finite decimal number, or undefined (no hex, no empty string, no Infinity). */
export function parseNumber(raw: string): number | undefined {
  if (raw.length > 64 || !NUMBER.test(raw)) return undefined;
  const x = Number(raw);
  return Number.isFinite(x) ? x + 0 : undefined; // + 0 turns -0 into 0
}

// ---- codecs, derived from the schema so limits live in one place ------------------------

function inner(s: z.ZodType): z.ZodType {
  return s instanceof z.ZodDefault || s instanceof z.ZodOptional ? inner(s.unwrap() as z.ZodType) : s;
}

export function numberCodec(schema: z.ZodType): Codec {
  const n = inner(schema);
  if (!(n instanceof z.ZodNumber)) throw new Error('share: not a number field');
  const min = n.minValue ?? -Infinity;
  const max = n.maxValue ?? Infinity;
  const minIncluded = schema.safeParse(min).success; // false for positive()
  return {
    write: (v) => formatNumber(v as number),
    read(raw, { key, report, reject }) {
      let x = parseNumber(raw);
      if (x === undefined) return reject(`${key}=${quote(raw)} is not a number`);
      if (n.isInt && !Number.isInteger(x)) {
        report(`${key}=${formatNumber(x)} is not a whole number; using ${Math.round(x)}`);
        x = Math.round(x);
      }
      if (x < min || (x === min && !minIncluded)) {
        if (!minIncluded) return reject(`${key}=${formatNumber(x)} must be above ${min}`);
        report(`${key}=${formatNumber(x)} is below the minimum ${min}; using ${min}`);
        x = min;
      }
      if (x > max) {
        report(`${key}=${formatNumber(x)} is above the limit ${max}; using ${max}`);
        x = max;
      }
      return { value: x };
    },
  };
}

function choiceCodec(options: readonly string[]): Codec {
  return {
    write: (v) => String(v),
    read(raw, { key, reject }) {
      if (options.includes(raw)) return { value: raw };
      return reject(`${key}=${quote(raw)} is not one of ${options.join(', ')}`);
    },
  };
}

/** An optional boolean: 1, 0, or empty for unset. */
const flagCodec: Codec = {
  write: (v) => (v === undefined ? '' : v ? '1' : '0'),
  read(raw, { key, reject }) {
    if (raw === '1' || raw === '0' || raw === '') return { value: raw === '' ? undefined : raw === '1' };
    return reject(`${key}=${quote(raw)} is not 1 or 0`);
  },
};

/** A comma list of known names. Unknown and repeated names are dropped; an empty list unsets when allowed. */
export function listCodec(schema: z.ZodType, allowed: readonly string[], what: string, emptyUnsets: boolean): Codec {
  return {
    write: (v) => (v === undefined ? '' : (v as string[]).join(',')),
    read(raw, { key, report, reject }) {
      if (raw === '' && emptyUnsets) return { value: undefined };
      const list: string[] = [];
      for (const item of raw.split(',')) {
        if (item === '') continue; // a stray comma
        if (!allowed.includes(item)) report(`${key}: unknown ${what} ${quote(item)} dropped`);
        else if (list.includes(item)) report(`${key}: repeated ${what} ${item} dropped`);
        else list.push(item);
      }
      if (!list.length) return reject(`${key} names no known ${what}`);
      const n = list.length;
      while (list.length > 1 && !schema.safeParse(list).success) list.pop();
      if (list.length < n) report(`${key} lists ${n} ${what}s, more than allowed; using the first ${list.length}`);
      return { value: list };
    },
  };
}

/** Free text (labels) or an identifier (base), checked by the schema; empty unsets when allowed. */
export function textCodec(schema: z.ZodType, what: string, emptyUnsets: boolean): Codec {
  const s = inner(schema);
  const maxLength = s instanceof z.ZodString ? s.maxLength : null;
  return {
    write: (v) => (v === undefined ? '' : String(v)),
    read(raw, { key, report, reject }) {
      if (raw === '' && emptyUnsets) return { value: undefined };
      if (new RegExp(UNSAFE.source).test(raw) || /javascript:/i.test(raw)) {
        return reject(`${key}=${quote(raw)} contains markup or control characters`);
      }
      let text = raw;
      if (maxLength !== null && text.length > maxLength) {
        text = '';
        for (const ch of raw) { // whole code points, never half a surrogate pair
          if (text.length + ch.length > maxLength) break;
          text += ch;
        }
        report(`${key} is longer than ${maxLength} characters; cut to ${quote(text)}`);
      }
      if (schema.safeParse(text).success) return { value: text };
      return reject(`${key}=${quote(raw)} is not a valid ${what}`);
    },
  };
}

/**
 * A base model shipped with the page: any other name would only fail at Start (its files do not exist), so
 * the link is told now and keeps the preset's base.
 */
export function baseCodec(schema: z.ZodType): Codec {
  const text = textCodec(schema, 'base model id', false);
  return {
    write: text.write,
    read(raw, ctx) {
      const r = text.read(raw, ctx);
      // A base pretrained in a browser (u-…) is taken as named: the Worker says at Start if this browser lacks it.
      if (r === null || isShippedBase(r.value as string) || isSavedBaseName(r.value as string)) return r;
      return ctx.reject(`base model ${quote(raw)} is not shipped with this page (shipped: ${SHIPPED_BASES.join(', ')})`);
    },
  };
}

// ---- the tables ---------------------------------------------------------------------------

export const field = (key: string, path: readonly string[], schema: z.ZodType, codec: Codec): Field => ({
  key, path, codec, required: !schema.safeParse(undefined).success,
});
export const num = (key: string, path: readonly string[], schema: z.ZodType) => field(key, path, schema, numberCodec(schema));

const GENRES = [...new Set([...BROWN_GENRES.map((g) => g.id), ...Object.keys(BROWN_GENRE_GROUPS)])]; // 'fiction' is both
const DS = DOMAIN_SETTINGS;
/** A built-in domain's link fields, from the table's domain rows: `src`, `srcGenres`, … (the target also takes `custom`). */
const domainFields = (prefix: string, path: string, extra: readonly string[] = []): Field[] => {
  const at = (r: SettingRow, codec: Codec) => field(`${prefix}${r.key}`, [path, ...r.path], r.schema, codec);
  return [
    at(DS.domain, choiceCodec([...DS.domain.schema.options, ...extra])),
    at(DS.genres, listCodec(inner(DS.genres.schema), GENRES, 'genre', true)),
    at(DS.answerOnly, flagCodec),
    at(DS.level, choiceCodec(DS.level.schema.unwrap().options)),
  ];
};

/**
 * A setting's link field, from its row in config.ts's table: numbers by the row's limits, choices by
 * its options; the rows whose text needs more than its schema (the base, a label, target modules) by name.
 */
function fromRow(r: SettingRow): Field {
  const special: Record<string, () => Codec> = {
    base: () => baseCodec(r.schema),
    label: () => textCodec(r.schema, 'label', true),
    targets: () => listCodec(r.schema, METHOD_SETTINGS.targets.schema.element.options, 'target', false),
  };
  const s = inner(r.schema);
  const codec = special[r.key]?.()
    ?? (s instanceof z.ZodNumber ? numberCodec(r.schema) : s instanceof z.ZodEnum ? choiceCodec(s.options as string[]) : null);
  if (!codec) throw new Error(`share: no link codec for setting ${r.key}`);
  return field(r.key, r.path, r.schema, codec);
}

/** Top-level settings, in the order they are written: the table's rows, then the domains. */
export const TOP: readonly Field[] = [
  ...Object.values(SETTINGS).map(fromRow),
  ...domainFields('src', 'source'),
  ...domainFields('tgt', 'target', ['custom']),
];

const F = fullMethodSchema.shape;
/** Each kind's method fields, from the table's rows (METHOD_SETTINGS_OF). */
export const METHOD_FIELDS: Record<MethodConfig['kind'], readonly Field[]> = {
  full: METHOD_SETTINGS_OF.full.map((k) => fromRow(METHOD_SETTINGS[k])),
  lora: METHOD_SETTINGS_OF.lora.map((k) => fromRow(METHOD_SETTINGS[k])),
};
export const KINDS = Object.keys(METHOD_FIELDS) as MethodConfig['kind'][];

/** Starting values for a method the preset lacks; a link that omits a required one is told so. */
export const NEW_METHOD: Record<MethodConfig['kind'], Obj> = { full: methodDefaults('full'), lora: methodDefaults('lora') };

export function getAt(o: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((x, k) => (x as Obj | undefined)?.[k], o);
}

export function setAt(o: Obj, path: readonly string[], value: unknown): void {
  const parent = path.slice(0, -1).reduce<Obj>((x, k) => x[k] as Obj, o);
  const last = path[path.length - 1];
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

export const differs = (f: Field, a: unknown, b: unknown) => f.codec.write(getAt(a, f.path)) !== f.codec.write(getAt(b, f.path));

// ---- encode -----------------------------------------------------------------------------

/** The query parameters for `config`, relative to `preset` (the default preset when unknown). */
export function encodeShare(config: ExperimentConfig, preset: string, customText?: Pick<CustomText, 'name' | 'bytes' | 'sha256'>): URLSearchParams {
  const name = Object.hasOwn(PRESETS, preset) ? preset : DEFAULT_PRESET;
  const base = PRESETS[name].config;
  const out = new URLSearchParams({ v: String(SHARE_VERSION), preset: name });
  const custom = config.target.domain === 'custom' ? config.target : null;
  for (const f of TOP) {
    // A custom target has none of the built-in domains' settings.
    if (custom && f.path[0] === 'target' && f.key !== 'tgt') continue;
    if (differs(f, config, base)) out.set(f.key, f.codec.write(getAt(config, f.path)));
  }
  if (custom) encodeCustomTarget(custom, customText, out);
  const ids = config.methods.map((m) => m.id);
  if (ids.join(',') !== base.methods.map((m) => m.id).join(',')) out.set('m', ids.join(','));
  for (const m of config.methods) {
    const p = base.methods.find((x) => x.id === m.id && x.kind === m.kind);
    if (!p) out.set(`${m.id}.kind`, m.kind);
    for (const f of METHOD_FIELDS[m.kind]) {
      const value = getAt(m, f.path);
      if (p ? differs(f, m, p) : value !== undefined) out.set(`${m.id}.${f.key}`, f.codec.write(value));
    }
  }
  return out;
}

/** tgtName, tgtSha, tgtBytes, and tgtText when the text is at hand and small enough. */
function encodeCustomTarget(
  t: Extract<ExperimentConfig['target'], { domain: 'custom' }>, text: Pick<CustomText, 'name' | 'bytes' | 'sha256'> | undefined, out: URLSearchParams,
): void {
  out.set('tgtName', t.name);
  out.set('tgtSha', t.sha256);
  out.set('tgtBytes', String(t.bytes));
  if (text && text.sha256 === t.sha256) encodeCustomLink({ ...text, name: t.name }, out);
}

// ---- decode -----------------------------------------------------------------------------

/** The link's parameters: the first of repeated keys wins; what is never read is reported at the end. */
export class Reader {
  private readonly values = new Map<string, string>();
  private readonly used = new Set<string>();

  constructor(params: URLSearchParams, report: Report) {
    const repeated = new Set<string>();
    for (const [k, v] of params) {
      if (this.values.has(k)) repeated.add(k);
      else this.values.set(k, v);
    }
    for (const k of repeated) report(`${show(k)} appears more than once; using the first`);
  }

  get size(): number {
    return this.values.size;
  }

  take(key: string): string | undefined {
    this.used.add(key);
    return this.values.get(key);
  }

  unread(): string[] {
    return [...this.values.keys()].filter((k) => !this.used.has(k));
  }
}

export function applyField(r: Reader, f: Field, key: string, target: Obj, report: Report): boolean {
  const raw = r.take(key);
  if (raw === undefined) return false;
  const now = f.codec.write(getAt(target, f.path));
  const keep = now === '' ? 'leaving it unset' : `keeping ${show(now)}`;
  const result = f.codec.read(raw, { key, report, reject: (why) => (report(`${why}; ${keep}`), null) });
  if (result) setAt(target, f.path, result.value);
  return true;
}

function readIds(r: Reader, preset: ExperimentConfig, report: Report): string[] {
  const fallback = preset.methods.map((m) => m.id);
  const raw = r.take('m');
  if (raw === undefined) return fallback;
  const ids = new Set<string>();
  for (const id of raw.split(',')) {
    if (id === '') continue; // a stray comma
    if (!F.id.safeParse(id).success) report(`method id ${quote(id)} is not 1-24 lowercase letters, digits, - or _; dropped`);
    else if (ids.has(id)) report(`method ${id} is listed twice; dropped the repeat`);
    else ids.add(id);
  }
  const list = [...ids];
  if (list.length > LIMITS.methods) {
    report(`${list.length} methods is more than the limit ${LIMITS.methods}; using the first ${LIMITS.methods}`);
    list.length = LIMITS.methods;
  }
  if (list.length) return list;
  report(`m lists no valid method; keeping the preset's (${fallback.join(',')})`);
  return fallback;
}

function readMethod(r: Reader, id: string, preset: ExperimentConfig, report: Report): MethodConfig {
  const named = preset.methods.find((m) => m.id === id);
  const rawKind = r.take(`${id}.kind`);
  let kind = named?.kind;
  if (rawKind !== undefined && (KINDS as string[]).includes(rawKind)) kind = rawKind as MethodConfig['kind'];
  else if (rawKind !== undefined) report(`${id}.kind=${quote(rawKind)} is not one of ${KINDS.join(', ')}; ${kind ? `keeping ${kind}` : 'using lora'}`);
  else if (!kind) report(`method ${id} has no kind (${id}.kind); using lora`);
  kind ??= 'lora';
  const fresh = named?.kind !== kind;
  const method: Obj = fresh ? { ...structuredClone(NEW_METHOD[kind]), id } : structuredClone(named);
  const missing = METHOD_FIELDS[kind].filter((f) => !applyField(r, f, `${id}.${f.key}`, method, report) && fresh && f.required);
  if (missing.length) {
    const defaults = missing.map((f) => `${f.key}=${f.codec.write(getAt(method, f.path))}`);
    report(`method ${id} has no ${missing.map((f) => f.key).join(', ')}; using ${defaults.join(' ')}`);
  }
  return method as MethodConfig;
}

/** Parameters of the page, not of the experiment (embed mode: src/ui/embed.ts): read elsewhere, never reported. */
export const PAGE_PARAMS: ReadonlySet<string> = new Set(['embed', 'hide', 'tour', 'predict']);

function reportUnread(r: Reader, methods: readonly MethodConfig[], report: Report): void {
  for (const key of r.unread()) {
    if (PAGE_PARAMS.has(key)) continue;
    const dot = key.indexOf('.');
    const id = dot > 0 ? key.slice(0, dot) : '';
    const method = methods.find((m) => m.id === id);
    if (method) report(`${show(key)} is not a setting of a ${method.kind} method; ignored`);
    else if (dot > 0 && F.id.safeParse(id).success) report(`${show(key)} ignored: method ${id} is not in the list`);
    else report(`unknown setting ${show(key)} ignored`);
  }
}

/** Problems as shown: cleaned, without repeats, at most MAX_PROBLEMS, then a count of the rest. */
export function finish(reported: string[]): string[] {
  const problems = [...new Set(reported.map(clean))];
  const shown = problems.slice(0, MAX_PROBLEMS);
  if (problems.length > MAX_PROBLEMS) shown.push(`…and ${problems.length - MAX_PROBLEMS} more problems`);
  return shown;
}

const presetConfig = (name: string) => parseExperiment(PRESETS[name].config);

const CUSTOM_KEYS = ['tgtName', 'tgtSha', 'tgtText', 'tgtBytes'] as const;

/**
 * With tgt=custom, replaces the target by the link's own text (name, SHA-256, size) and returns the text when the
 * link carries it; an unusable reference keeps the preset's target. Without it, the custom keys are reported unused.
 */
function readCustomTarget(r: Reader, config: Obj, start: ExperimentConfig, report: Report): CustomText | null {
  const raw = new URLSearchParams();
  for (const k of CUSTOM_KEYS) {
    const v = r.take(k);
    if (v !== undefined) raw.set(k, v);
  }
  if ((config.target as Obj).domain !== 'custom') {
    for (const k of raw.keys()) report(`${k} ignored: the target is not your own text (tgt=custom)`);
    return null;
  }
  const keep = (why: string) => {
    report(`${why}; keeping the preset's target (${start.target.domain})`);
    config.target = structuredClone(start.target);
    return null;
  };
  const link = decodeCustomLink(raw);
  link.problems.forEach(report);
  if (!link.ref) return keep('tgt=custom names no usable text (tgtSha)');
  const bytes = link.text ? link.text.bytes.length : parseNumber(raw.get('tgtBytes') ?? '');
  if (bytes === undefined || !Number.isInteger(bytes) || bytes < 1 || bytes > CUSTOM_TEXT_MAX_BYTES) {
    return keep(`tgtBytes=${quote(raw.get('tgtBytes') ?? '')} is not a text size (1 to ${CUSTOM_TEXT_MAX_BYTES} bytes)`);
  }
  // Checked here, not only by the schema: a text too small for the link's batch would otherwise discard the whole link.
  const min = minCustomTextBytes({ batchSize: config.batchSize as number, seqLen: config.seqLen as number });
  if (bytes < min) return keep(`the text "${link.ref.name}" has ${bytes} bytes; at batch size ${config.batchSize} and sequence length ${config.seqLen} it needs at least ${min}`);
  config.target = { domain: 'custom', name: link.ref.name, sha256: link.ref.sha256, bytes };
  return link.text;
}

/** The experiment a link describes. Never throws; whatever the link holds, `config` passes parseExperiment. */
export function decodeShare(params: URLSearchParams | string): SharedExperiment {
  const problems: string[] = [];
  const report: Report = (m) => void problems.push(m);
  const query = typeof params === 'string' ? params.replace(/^\?/, '') : params.toString();
  if (query.length > MAX_QUERY_LENGTH) {
    report(`the link is too long (${query.length} characters, limit ${MAX_QUERY_LENGTH}); using preset ${DEFAULT_PRESET}`);
    return { config: presetConfig(DEFAULT_PRESET), preset: DEFAULT_PRESET, problems: finish(problems) };
  }
  const r = new Reader(typeof params === 'string' ? new URLSearchParams(query) : params, report);
  if (r.size === 0) {
    report(`the link has no settings; using preset ${DEFAULT_PRESET}`);
    return { config: presetConfig(DEFAULT_PRESET), preset: DEFAULT_PRESET, problems: finish(problems) };
  }

  const v = r.take('v');
  if (v === undefined) report(`the link has no version (v); reading it as v=${SHARE_VERSION}`);
  else if (v !== String(SHARE_VERSION)) report(`version v=${quote(v)} is not supported (this page reads v=${SHARE_VERSION}); reading the rest as best effort`);

  const rawPreset = r.take('preset');
  let preset = DEFAULT_PRESET;
  if (rawPreset === undefined) report(`the link names no preset; using ${DEFAULT_PRESET}`);
  else if (Object.hasOwn(PRESETS, rawPreset)) preset = rawPreset;
  else report(`unknown preset ${quote(rawPreset)}; using ${DEFAULT_PRESET}`);

  const start = PRESETS[preset].config;
  const config = structuredClone(start) as unknown as Obj;
  for (const f of TOP) applyField(r, f, f.key, config, report);
  const customText = readCustomTarget(r, config, start, report);
  const methods = readIds(r, start, report).map((id) => readMethod(r, id, start, report));
  config.methods = methods;
  reportUnread(r, methods, report);

  try {
    const parsed = parseExperiment(config);
    return { config: parsed, preset, problems: finish(problems), ...(customText && parsed.target.domain === 'custom' ? { customText } : {}) };
  } catch (e) {
    const why = e instanceof ConfigError ? e.issues[0] : String(e);
    report(`the link's settings do not form a valid experiment (${quote(why ?? '')}); using preset ${preset}`);
    return { config: presetConfig(preset), preset, problems: finish(problems) };
  }
}
