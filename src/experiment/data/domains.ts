// The three domains as token sources: english (Brown Corpus, optionally a subset of genres),
// code (source files) and math (generated problems at an easy or hard level, optionally
// answer-only targets).
// Each has a train and a held-out split that never share a document or a problem.
// A student's own text ('custom', data/custom-text.ts) can be the target: its bytes come with the
// spec (the page stores them; the Worker fetches them before a run), split by splitCustomText.

import type { DataAssets, DocSplit, SplitId } from './assets';
import type { TokenSource } from './batching';
import { BROWN_GENRE_GROUPS, BROWN_GENRES, type BrownGenre } from './brown';
import { customSource } from './custom-text';
import { answerMask, mathStream, mathTemplates, type MathLevel, type MathTemplate } from './math';

export type DomainId = 'english' | 'code' | 'math';
export const DOMAINS: readonly DomainId[] = ['english', 'code', 'math'];

export interface MathSourceOptions {
  /** Seed of the problem stream (held-out streams should use a fixed one). */
  seed?: number;
  /** Length of the generated stream; windows are sampled from it. */
  bytes?: number;
  /** Score only the answer bytes (digits and the newline after "A: "). */
  answerOnly?: boolean;
  /** Problem set (see data/math.ts); default 'easy'. */
  level?: MathLevel;
  /** Overrides the level's templates (tests, custom streams). */
  templates?: readonly MathTemplate[];
}

export interface DomainSpec {
  /** A built-in domain, or 'custom' (a student's own text, given in `custom`). */
  domain: DomainId | 'custom';
  /** English only: genre ids or group names (see BROWN_GENRE_GROUPS); default all. */
  genres?: readonly string[];
  math?: MathSourceOptions;
  /** custom only: the normalised text (see validateCustomText) and its name for messages. */
  custom?: { name: string; bytes: Uint8Array };
}

/** Default math stream sizes and the fixed seed of the held-out stream. */
export const MATH_STREAM_BYTES: Record<SplitId, number> = { train: 1 << 19, heldout: 1 << 16 };
export const MATH_HELDOUT_STREAM_SEED = 0x0dd_ba11;

/** Expands genre ids and group names into genre ids in corpus order; throws on unknown names. */
export function resolveGenres(names: readonly string[]): BrownGenre[] {
  const wanted = new Set<string>();
  for (const n of names) {
    const group = BROWN_GENRE_GROUPS[n];
    if (group) group.forEach((g) => wanted.add(g));
    else if (BROWN_GENRES.some((g) => g.id === n)) wanted.add(n);
    else {
      const known = [...BROWN_GENRES.map((g) => g.id), ...Object.keys(BROWN_GENRE_GROUPS)].join(', ');
      throw new Error(`unknown English genre "${n}"; known: ${known}`);
    }
  }
  return BROWN_GENRES.map((g) => g.id).filter((g) => wanted.has(g));
}

/** The bytes of a split restricted to some genres (whole split when `genres` is empty or absent). */
export function englishSource(split: DocSplit, genres?: readonly string[]): TokenSource {
  const name = `english/${split.split}`;
  if (!genres?.length) return { name, bytes: split.bytes };
  const ids = resolveGenres(genres);
  const ranges = ids.map((g) => {
    const r = split.genres?.[g];
    if (!r) throw new Error(`${name} has no genre index for "${g}"`);
    return r;
  });
  const bytes = new Uint8Array(ranges.reduce((n, r) => n + r.end - r.start, 0));
  let pos = 0;
  for (const r of ranges) {
    bytes.set(split.bytes.subarray(r.start, r.end), pos);
    pos += r.end - r.start;
  }
  return { name: `${name} (${ids.join(', ')})`, bytes };
}

/** A generated problem stream of `split`. */
export function mathSource(split: SplitId, opts: MathSourceOptions = {}): TokenSource {
  const seed = opts.seed ?? (split === 'heldout' ? MATH_HELDOUT_STREAM_SEED : 1);
  const stream = mathStream(split, seed, opts.bytes ?? MATH_STREAM_BYTES[split], mathTemplates(opts.level, opts.templates));
  return {
    name: `math/${split}${opts.level === 'hard' ? ' (hard)' : ''}${opts.answerOnly ? ' (answer-only)' : ''}`,
    bytes: stream.bytes,
    starts: stream.starts,
    mask: opts.answerOnly ? answerMask(stream.bytes) : undefined,
  };
}

/** The token source for a domain spec and split. `assets` is needed for english and code. */
export function domainSource(assets: DataAssets | null, spec: DomainSpec, split: SplitId): TokenSource {
  if (spec.domain === 'math') return mathSource(split, spec.math);
  if (spec.domain === 'custom') {
    if (!spec.custom) throw new Error('the custom target needs its text loaded');
    return customSource(spec.custom, split);
  }
  if (!assets) throw new Error(`the ${spec.domain} domain needs the data assets loaded`);
  if (spec.domain === 'english') return englishSource(assets.english[split], spec.genres);
  return { name: `code/${split}`, bytes: assets.code[split].bytes };
}
