// Shareable sweep links: the grid (shared settings, families and their learning rates), never the
// results, as URL query parameters. Same rules as links/experiment.ts, whose codecs it reuses: only values that
// differ from the named sweep preset are written, plus the schema version; decoding never throws,
// applies what is valid and reports the rest in short messages that are safe to show on the page.
//
// Scheme (v=1):
//   view=sweep                 always written: the page opens the sweep view
//   v=1  preset=lr-code        schema version and the sweep preset the link starts from
//   base steps seed bs T ...   the shared settings, with the keys of links/experiment.ts
//   f=full,r8                  family ids in order (only when they differ from the preset's)
//   <id>.kind                  full | lora (only for a family the preset lacks, or whose kind differs;
//                              such a family writes all its fields)
//   <id>.lrs=3e-4,1e-3         the family's learning rates, in order
//   <id>.label .wd .dropout    and for LoRA .rank .alpha .targets .scaling, as links/experiment.ts writes methods
// A link whose grid has more than LIMITS_SWEEP.cells runs keeps the first learning rates of each
// family, dropping from the last families first.

import { ConfigError } from '../config';
import {
  applyField, differs, field, finish, formatNumber, getAt, KINDS, MAX_QUERY_LENGTH, METHOD_FIELDS, NEW_METHOD, PAGE_PARAMS, parseNumber,
  quote, Reader, SHARE_VERSION, show, textCodec, TOP, type Codec, type Field, type Obj, type Report,
} from './experiment';
import { fullFamilySchema, LIMITS_SWEEP, parseSweep, type SweepConfig, type SweepFamily } from '../sweep/config';
import { DEFAULT_SWEEP_PRESET, familyDefaults, SWEEP_PRESETS } from '../sweep/presets';

export interface SharedSweep {
  sweep: SweepConfig;
  preset: string;
  problems: string[];
}

type Kind = SweepFamily['kind'];
const FAMILY_ID = fullFamilySchema.shape.id;
const LR = fullFamilySchema.shape.lrs.element;

/** A comma list of learning rates: invalid and repeated ones are dropped, at most LIMITS_SWEEP.lrs kept. */
const lrsCodec: Codec = {
  write: (v) => (v as number[]).map(formatNumber).join(','),
  read(raw, { key, report, reject }) {
    const list: number[] = [];
    for (const item of raw.split(',')) {
      if (item === '') continue; // a stray comma
      const x = parseNumber(item);
      if (x === undefined || !LR.safeParse(x).success) report(`${key}: ${quote(item)} is not a learning rate in (0, 1]; dropped`);
      else if (list.includes(x)) report(`${key}: repeated learning rate ${formatNumber(x)} dropped`);
      else list.push(x);
    }
    if (!list.length) return reject(`${key} lists no valid learning rate`);
    if (list.length > LIMITS_SWEEP.lrs) {
      report(`${key} lists ${list.length} learning rates, more than the limit ${LIMITS_SWEEP.lrs}; using the first ${LIMITS_SWEEP.lrs}`);
      list.length = LIMITS_SWEEP.lrs;
    }
    return { value: list };
  },
};

const LABEL = fullFamilySchema.shape.label;
/** A family's fields: a method's without its single learning rate, with the family's label limit and its list of rates. */
const familyFields = (k: Kind): readonly Field[] => [
  field('lrs', ['lrs'], fullFamilySchema.shape.lrs, lrsCodec),
  ...METHOD_FIELDS[k].filter((f) => f.key !== 'lr').map((f) => (f.key === 'label' ? field('label', ['label'], LABEL, textCodec(LABEL, 'label', true)) : f)),
];
const FAMILY_FIELDS: Record<Kind, readonly Field[]> = { full: familyFields('full'), lora: familyFields('lora') };

const NEW_FAMILY: Record<Kind, Obj> = {
  full: { ...familyDefaults('full'), lrs: [NEW_METHOD.full.lr] },
  lora: { ...familyDefaults('lora'), lrs: [NEW_METHOD.lora.lr] },
};

// ---- encode -----------------------------------------------------------------------------------

/** The query parameters for `sweep`, relative to `preset` (the default sweep preset when unknown). */
export function encodeSweepShare(s: SweepConfig, preset: string): URLSearchParams {
  const name = Object.hasOwn(SWEEP_PRESETS, preset) ? preset : DEFAULT_SWEEP_PRESET;
  const base = SWEEP_PRESETS[name].sweep;
  const out = new URLSearchParams({ view: 'sweep', v: String(SHARE_VERSION), preset: name });
  for (const f of TOP) if (differs(f, s, base)) out.set(f.key, f.codec.write(getAt(s, f.path)));
  const ids = s.families.map((f) => f.id);
  if (ids.join(',') !== base.families.map((f) => f.id).join(',')) out.set('f', ids.join(','));
  for (const fam of s.families) {
    const p = base.families.find((x) => x.id === fam.id && x.kind === fam.kind);
    if (!p) out.set(`${fam.id}.kind`, fam.kind);
    for (const f of FAMILY_FIELDS[fam.kind]) {
      const value = getAt(fam, f.path);
      if (p ? differs(f, fam, p) : value !== undefined) out.set(`${fam.id}.${f.key}`, f.codec.write(value));
    }
  }
  return out;
}

// ---- decode -----------------------------------------------------------------------------------

function readIds(r: Reader, preset: SweepConfig, report: Report): string[] {
  const fallback = preset.families.map((f) => f.id);
  const raw = r.take('f');
  if (raw === undefined) return fallback;
  const ids: string[] = [];
  for (const id of raw.split(',')) {
    if (id === '') continue;
    if (!FAMILY_ID.safeParse(id).success) report(`family id ${quote(id)} is not 1-20 lowercase letters, digits, - or _; dropped`);
    else if (ids.includes(id)) report(`family ${id} is listed twice; dropped the repeat`);
    else ids.push(id);
  }
  if (ids.length > LIMITS_SWEEP.families) {
    report(`${ids.length} families is more than the limit ${LIMITS_SWEEP.families}; using the first ${LIMITS_SWEEP.families}`);
    ids.length = LIMITS_SWEEP.families;
  }
  if (ids.length) return ids;
  report(`f lists no valid family; keeping the preset's (${fallback.join(',')})`);
  return fallback;
}

function readFamily(r: Reader, id: string, preset: SweepConfig, report: Report): SweepFamily {
  const named = preset.families.find((f) => f.id === id);
  const rawKind = r.take(`${id}.kind`);
  let kind = named?.kind;
  if (rawKind !== undefined && (KINDS as string[]).includes(rawKind)) kind = rawKind as Kind;
  else if (rawKind !== undefined) report(`${id}.kind=${quote(rawKind)} is not one of ${KINDS.join(', ')}; ${kind ? `keeping ${kind}` : 'using lora'}`);
  else if (!kind) report(`family ${id} has no kind (${id}.kind); using lora`);
  kind ??= 'lora';
  const fresh = named?.kind !== kind;
  const family: Obj = fresh ? { ...structuredClone(NEW_FAMILY[kind]), id } : structuredClone(named) as unknown as Obj;
  const missing = FAMILY_FIELDS[kind].filter((f) => !applyField(r, f, `${id}.${f.key}`, family, report) && fresh && f.required);
  if (missing.length) {
    const defaults = missing.map((f) => `${f.key}=${f.codec.write(getAt(family, f.path))}`);
    report(`family ${id} has no ${missing.map((f) => f.key).join(', ')}; using ${defaults.join(' ')}`);
  }
  return family as unknown as SweepFamily;
}

/** Keeps the grid within LIMITS_SWEEP.cells runs by dropping the last learning rates of the last families. */
function capCells(families: SweepFamily[], report: Report): void {
  const count = () => families.reduce((n, f) => n + f.lrs.length, 0);
  const n = count();
  if (n <= LIMITS_SWEEP.cells) return;
  for (let i = families.length - 1; i >= 0 && count() > LIMITS_SWEEP.cells; i--) {
    const f = families[i];
    f.lrs = f.lrs.slice(0, Math.max(1, f.lrs.length - (count() - LIMITS_SWEEP.cells)));
  }
  report(`${n} runs is more than the limit ${LIMITS_SWEEP.cells}; dropped the last learning rates of the last families`);
}

function reportUnread(r: Reader, families: readonly SweepFamily[], report: Report): void {
  for (const key of r.unread()) {
    if (PAGE_PARAMS.has(key)) continue;
    const dot = key.indexOf('.');
    const id = dot > 0 ? key.slice(0, dot) : '';
    const family = families.find((f) => f.id === id);
    if (family) report(`${show(key)} is not a setting of a ${family.kind} family; ignored`);
    else if (dot > 0 && FAMILY_ID.safeParse(id).success) report(`${show(key)} ignored: family ${id} is not in the list`);
    else report(`unknown setting ${show(key)} ignored`);
  }
}

const fallback = (preset: string, problems: string[]): SharedSweep => ({
  sweep: parseSweep(SWEEP_PRESETS[preset].sweep), preset, problems: finish(problems),
});

function decode(query: string, report: Report, problems: string[]): SharedSweep {
  if (query.length > MAX_QUERY_LENGTH) {
    report(`the link is too long (${query.length} characters, limit ${MAX_QUERY_LENGTH}); using sweep preset ${DEFAULT_SWEEP_PRESET}`);
    return fallback(DEFAULT_SWEEP_PRESET, problems);
  }
  const r = new Reader(new URLSearchParams(query), report);
  const view = r.take('view');
  if (view !== undefined && view !== 'sweep') report(`view=${quote(view)} is not sweep; reading the link as a sweep`);
  if (r.size === 0 || (r.size === 1 && view !== undefined)) return fallback(DEFAULT_SWEEP_PRESET, problems);

  const v = r.take('v');
  if (v === undefined) report(`the link has no version (v); reading it as v=${SHARE_VERSION}`);
  else if (v !== String(SHARE_VERSION)) report(`version v=${quote(v)} is not supported (this page reads v=${SHARE_VERSION}); reading the rest as best effort`);

  const rawPreset = r.take('preset');
  let preset = DEFAULT_SWEEP_PRESET;
  if (rawPreset === undefined) report(`the link names no sweep preset; using ${DEFAULT_SWEEP_PRESET}`);
  else if (Object.hasOwn(SWEEP_PRESETS, rawPreset)) preset = rawPreset;
  else report(`unknown sweep preset ${quote(rawPreset)}; using ${DEFAULT_SWEEP_PRESET}`);

  const start = SWEEP_PRESETS[preset].sweep;
  const sweep = structuredClone(start) as unknown as Obj;
  for (const f of TOP) applyField(r, f, f.key, sweep, report);
  const families = readIds(r, start, report).map((id) => readFamily(r, id, start, report));
  capCells(families, report);
  sweep.families = families;
  reportUnread(r, families, report);
  try {
    return { sweep: parseSweep(sweep), preset, problems: finish(problems) };
  } catch (e) {
    const why = e instanceof ConfigError ? e.issues[0] ?? '' : String(e);
    report(`the link's settings do not form a valid sweep (${quote(why)}); using sweep preset ${preset}`);
    return fallback(preset, problems);
  }
}

/** The sweep a link describes. Never throws; whatever the link holds, `sweep` passes parseSweep. */
export function decodeSweepShare(query: string): SharedSweep {
  const problems: string[] = [];
  const report: Report = (m) => void problems.push(m);
  try {
    return decode(query.replace(/^\?/, ''), report, problems);
  } catch {
    // Not expected: every reader above checks its input; this keeps a hostile link from breaking the page.
    report(`the link could not be read; using sweep preset ${DEFAULT_SWEEP_PRESET}`);
    return fallback(DEFAULT_SWEEP_PRESET, problems);
  }
}

/**
 * The grid a page's query holds: the default sweep preset, with no problems, when it holds only the
 * page's own parameters (`view`, a tour step, embed mode), so an empty Sweep view reads as the default.
 */
export function sweepFromQuery(query: string): SharedSweep {
  const keys = [...new URLSearchParams(query).keys()];
  if (keys.every((k) => k === 'view' || PAGE_PARAMS.has(k))) return fallback(DEFAULT_SWEEP_PRESET, []);
  return decodeSweepShare(query);
}
