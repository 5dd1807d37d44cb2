// A student's own target text ("bring your own text"): checks that pasted or dropped bytes are
// UTF-8 text the model can train on, normalises line endings, identifies the text by SHA-256 and
// splits it into a training part and a held-out part. Pure: no DOM, no storage, so the page,
// the Worker and the tests share one set of messages and one split.
// The held-out part is taken as several contiguous chunks spread through the text (not only the
// end), so a text with sections (a chapter per topic, a file per module) is represented in both.

import type { TokenSource } from './batching';
import { sha256Hex } from './sha256';

/**
 * Largest accepted text. The text is stored in IndexedDB with every run that uses it and held
 * twice in the Worker (train + held-out copies); 2 MiB keeps that small beside the model's
 * checkpoints and is far more than a few hundred training steps read (steps × B × T bytes).
 */
export const CUSTOM_TEXT_MAX_BYTES = 2 * 1024 * 1024;
/** Share of the text held out for evaluation. */
export const CUSTOM_HELDOUT_SHARE = 0.1;
/** At most this many held-out chunks; each is at least CUSTOM_MIN_CHUNK_BYTES long. */
export const CUSTOM_HELDOUT_MAX_CHUNKS = 8;
export const CUSTOM_MIN_CHUNK_BYTES = 256;
/** Control characters (other than tab, LF, CR) above this share mark the bytes as binary. */
export const CUSTOM_MAX_CONTROL_SHARE = 0.01;

/** Extensions that are never text; anything else is judged by its content. */
const BINARY_EXTENSIONS = new Set([
  'pdf', 'doc', 'docx', 'odt', 'rtf', 'xls', 'xlsx', 'ppt', 'pptx', 'png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp',
  'ico', 'zip', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar', 'tar', 'exe', 'dll', 'so', 'dylib', 'bin', 'wasm', 'class',
  'jar', 'mp3', 'mp4', 'wav', 'ogg', 'webm', 'mov', 'avi', 'woff', 'woff2', 'ttf', 'otf', 'sqlite', 'db', 'pyc',
]);

/** File signatures of common non-text formats (checked on the first bytes). */
const MAGIC: readonly { name: string; bytes: readonly number[] }[] = [
  { name: 'PDF', bytes: [0x25, 0x50, 0x44, 0x46] },
  { name: 'ZIP (also .docx/.xlsx)', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'PNG', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'GIF', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'JPEG', bytes: [0xff, 0xd8, 0xff] },
  { name: 'gzip', bytes: [0x1f, 0x8b] },
];

export type CustomTextErrorCode = 'empty' | 'too-small' | 'too-large' | 'not-text-type' | 'binary' | 'not-utf8';

export interface CustomTextError {
  code: CustomTextErrorCode;
  message: string;
  /** Byte offset of the first offending byte, where there is one. */
  offset?: number;
}

export interface CustomText {
  /** File name, or "pasted text". */
  name: string;
  /** Normalised UTF-8 bytes (LF line endings, no BOM): what is trained on and hashed. */
  bytes: Uint8Array;
  sha256: string;
  /** CR LF pairs and lone CRs turned into LF. */
  lineEndingsNormalised: number;
  bomRemoved: boolean;
}

export type CustomTextResult = { ok: true; text: CustomText } | { ok: false; error: CustomTextError };

export interface CustomTextLimits {
  batchSize: number;
  seqLen: number;
}

/**
 * Smallest text that yields one training batch of distinct windows (B·(T+1) bytes in the
 * training part) and one held-out window (T+1 bytes in the held-out part).
 */
export function minCustomTextBytes({ batchSize, seqLen }: CustomTextLimits): number {
  const window = seqLen + 1;
  const forTrain = Math.ceil((batchSize * window) / (1 - CUSTOM_HELDOUT_SHARE));
  const forHeldout = Math.ceil(window / CUSTOM_HELDOUT_SHARE);
  return Math.max(forTrain, forHeldout);
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

function fail(code: CustomTextErrorCode, message: string, offset?: number): CustomTextResult {
  return { ok: false, error: offset === undefined ? { code, message } : { code, message, offset } };
}

/** Offset of the first byte that breaks UTF-8 (overlongs, surrogates and > U+10FFFF included), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) { i++; continue; }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) { n = 2; if (c === 0xe0) lo = 0xa0; if (c === 0xed) hi = 0x9f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; if (c === 0xf0) lo = 0x90; if (c === 0xf4) hi = 0x8f; }
    else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += n + 1;
  }
  return -1;
}

/** Checks that the bytes are binary-looking; returns an error or null. */
function binaryCheck(b: Uint8Array): CustomTextResult | null {
  for (const m of MAGIC) {
    if (b.length >= m.bytes.length && m.bytes.every((x, k) => b[k] === x)) {
      return fail('not-text-type', `This looks like a ${m.name} file, not text. Save it as plain text (.txt) first.`, 0);
    }
  }
  const nul = b.indexOf(0);
  if (nul >= 0) return fail('binary', `This looks like a binary file: it has a NUL byte at offset ${nul}.`, nul);
  let controls = 0;
  let first = -1;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) {
      controls++;
      if (first < 0) first = i;
    }
  }
  if (controls > CUSTOM_MAX_CONTROL_SHARE * b.length) {
    const pct = ((100 * controls) / b.length).toFixed(1);
    return fail('binary', `This looks like a binary file: ${pct}% of its bytes are control characters (first at offset ${first}).`, first);
  }
  return null;
}

/** Turns CR LF and lone CR into LF and drops a leading BOM. */
function normalise(b: Uint8Array): { bytes: Uint8Array; count: number; bom: boolean } {
  const bom = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  const out = new Uint8Array(b.length);
  let n = 0;
  let count = 0;
  for (let i = bom ? 3 : 0; i < b.length; i++) {
    if (b[i] === 0x0d) {
      count++;
      out[n++] = 0x0a;
      if (b[i + 1] === 0x0a) i++;
    } else out[n++] = b[i];
  }
  return { bytes: out.slice(0, n), count, bom };
}

/** Validates and normalises a student's text. `input` is a File's bytes or a pasted string. */
export function validateCustomText(input: Uint8Array | string, name: string, limits: CustomTextLimits): CustomTextResult {
  const raw = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  if (BINARY_EXTENSIONS.has(extensionOf(name))) {
    return fail('not-text-type', `"${name}" is a .${extensionOf(name)} file, not text. Use a .txt, .md or source file.`);
  }
  if (raw.length === 0) return fail('empty', 'The text is empty. Paste some text or drop a .txt, .md or source file.');
  if (raw.length > CUSTOM_TEXT_MAX_BYTES) {
    return fail('too-large', `The text has ${raw.length.toLocaleString('en-US')} bytes; the limit is ${CUSTOM_TEXT_MAX_BYTES.toLocaleString('en-US')} (2 MiB), because it is saved with every run in the browser's storage and held in memory while training. Use a part of it.`);
  }
  const binary = binaryCheck(raw);
  if (binary) return binary;
  const bad = firstInvalidUtf8(raw);
  if (bad >= 0) {
    return fail('not-utf8', `The text is not valid UTF-8 (first bad byte at offset ${bad}). Save it as UTF-8 and try again.`, bad);
  }
  const norm = normalise(raw);
  const min = minCustomTextBytes(limits);
  if (norm.bytes.length < min) {
    return fail('too-small', `The text has ${norm.bytes.length.toLocaleString('en-US')} bytes; at batch size ${limits.batchSize} and sequence length ${limits.seqLen} it needs at least ${min.toLocaleString('en-US')} bytes, so that ${Math.round(CUSTOM_HELDOUT_SHARE * 100)}% can be held out for evaluation and the rest still fills a training batch.`);
  }
  return {
    ok: true,
    text: { name, bytes: norm.bytes, sha256: sha256Hex(norm.bytes), lineEndingsNormalised: norm.count, bomRemoved: norm.bom },
  };
}

export interface CustomSplit {
  train: Uint8Array;
  heldout: Uint8Array;
  /** Held-out chunks as [start, end) byte ranges of the whole text, ascending. */
  chunks: { start: number; end: number }[];
}

/** The deterministic train / held-out split of a normalised text (depends only on its length). */
export function splitCustomText(bytes: Uint8Array, share = CUSTOM_HELDOUT_SHARE): CustomSplit {
  const n = bytes.length;
  const h = Math.min(n, Math.max(1, Math.round(n * share)));
  const k = Math.max(1, Math.min(CUSTOM_HELDOUT_MAX_CHUNKS, Math.floor(h / CUSTOM_MIN_CHUNK_BYTES)));
  const chunks: { start: number; end: number }[] = [];
  let given = 0;
  for (let i = 0; i < k; i++) {
    // Sizes differ by at most one byte and sum to h; each chunk is centred in its 1/k of the text,
    // and since h/k ≤ n/k the chunks never overlap.
    const size = Math.floor(((i + 1) * h) / k) - given;
    given += size;
    const centre = Math.floor(((2 * i + 1) * n) / (2 * k));
    const lo = Math.floor((i * n) / k);
    const hi = Math.floor(((i + 1) * n) / k);
    const start = Math.min(Math.max(lo, centre - Math.floor(size / 2)), hi - size);
    chunks.push({ start, end: start + size });
  }
  const heldout = new Uint8Array(h);
  const train = new Uint8Array(n - h);
  let hp = 0;
  let tp = 0;
  let prev = 0;
  for (const c of chunks) {
    train.set(bytes.subarray(prev, c.start), tp);
    tp += c.start - prev;
    heldout.set(bytes.subarray(c.start, c.end), hp);
    hp += c.end - c.start;
    prev = c.end;
  }
  train.set(bytes.subarray(prev), tp);
  return { train, heldout, chunks };
}

/** The token source of one split of a custom text, named for messages. */
export function customSource(text: Pick<CustomText, 'name' | 'bytes'>, split: 'train' | 'heldout'): TokenSource {
  const s = splitCustomText(text.bytes);
  return { name: `custom/${split} (${text.name})`, bytes: split === 'train' ? s.train : s.heldout };
}

/** Custom texts a run may train on, by SHA-256 (given to the runner beside the data assets). */
export interface CustomTextAssets {
  customTexts?: ReadonlyMap<string, { name: string; bytes: Uint8Array }>;
}

/** What the page says when a run, link or saved run names a text this browser does not have. */
export function customTextMissingMessage(ref: { name: string; sha256: string }): string {
  return `The target text "${ref.name}" (SHA-256 ${ref.sha256.slice(0, 12)}…) is not stored in this browser. `
    + 'Paste the same text again (or drop the same file) under Data → Target → "Your own text…", then start again.';
}

/** A stored text that no longer hashes to the name it is stored under is refused (changed or damaged). */
export function customTextFor(assets: CustomTextAssets, ref: { name: string; sha256: string }): { name: string; bytes: Uint8Array } {
  const t = assets.customTexts?.get(ref.sha256);
  if (!t) throw new Error(customTextMissingMessage(ref));
  if (sha256Hex(t.bytes) !== ref.sha256) throw new Error(`The target text "${ref.name}" does not match its SHA-256 (it changed). Paste it again.`);
  return { name: ref.name, bytes: t.bytes };
}
