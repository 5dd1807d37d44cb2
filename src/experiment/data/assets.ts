// The prepared corpora (public/data/): manifest schema, validation, checksum verification and
// a loader over an abstract byte source, so the browser (fetch) and Node (fs, node-assets.ts)
// load the very same files the same way. Written by scripts/prepare-data.ts.

import type { DocEntry } from './pack';
import { sha256Hex } from './sha256';
import { DOC_SEPARATOR } from './tokenizer';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'lora-lab-data';
export const MANIFEST_VERSION = 1;

export type AssetDomain = 'english' | 'code';
export const ASSET_DOMAINS: readonly AssetDomain[] = ['english', 'code'];
export type SplitId = 'train' | 'heldout';
export const SPLITS: readonly SplitId[] = ['train', 'heldout'];

/** Where a genre's documents lie in a split: bytes [start, end), trailing separators included. */
export interface GenreRange {
  start: number;
  end: number;
  documents: number;
}

export interface SplitManifest {
  file: string;
  bytes: number;
  documents: number;
  sha256: string;
  docs: DocEntry[];
  /** English only: contiguous byte range of each Brown genre, in corpus order. */
  genres?: Record<string, GenreRange>;
}

export interface SourceInfo {
  package: string;
  version: string;
  license: string;
  /** What was taken from the package and how it was split. */
  description: string;
}

export interface DomainManifest {
  source: SourceInfo;
  splits: Record<SplitId, SplitManifest>;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  /** Byte value that ends every document (0x1e). */
  separator: number;
  domains: Record<AssetDomain, DomainManifest>;
}

/** One loaded, verified split: its bytes and the index of its documents. */
export interface DocSplit {
  domain: AssetDomain;
  split: SplitId;
  bytes: Uint8Array;
  docs: readonly DocEntry[];
  genres?: Readonly<Record<string, GenreRange>>;
}

export type DataAssets = { manifest: Manifest } & Record<AssetDomain, Record<SplitId, DocSplit>>;

/** Reads a named asset (e.g. "english.train.bin") as bytes; fetch- or fs-backed. */
export interface AssetSource {
  read(name: string): Promise<Uint8Array>;
  /** How a message names the file, e.g. `data/english.train.bin`; the bare name when absent. */
  where?(name: string): string;
}

/** A manifest problem, before validateManifest says which file it is in. */
class ManifestProblem extends Error {}

function fail(msg: string): never {
  throw new ManifestProblem(msg);
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;

function checkSplit(where: string, s: unknown): SplitManifest {
  if (!isObj(s)) fail(`${where} is missing`);
  if (typeof s.file !== 'string' || !/^[\w.-]+$/.test(s.file)) fail(`${where}.file must be a plain file name`);
  if (!isCount(s.bytes) || !isCount(s.documents)) fail(`${where}.bytes and .documents must be counts`);
  if (typeof s.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(s.sha256)) fail(`${where}.sha256 must be 64 hex digits`);
  if (!Array.isArray(s.docs) || s.docs.length !== s.documents) fail(`${where}.docs must list ${s.documents} documents`);
  let pos = 0;
  for (const d of s.docs as unknown[]) {
    if (!isObj(d) || typeof d.id !== 'string' || !isCount(d.start) || !isCount(d.end) || d.start !== pos || d.end < d.start) {
      fail(`${where}.docs must be contiguous {id, start, end} entries (at byte ${pos})`);
    }
    pos = d.end + 1;
  }
  if (pos !== s.bytes) fail(`${where}.docs cover ${pos} bytes but the split has ${s.bytes}`);
  if (s.genres !== undefined && !isObj(s.genres)) fail(`${where}.genres must be an object`);
  for (const [g, r] of Object.entries(s.genres ?? {})) {
    if (!isObj(r) || !isCount(r.start) || !isCount(r.end) || !isCount(r.documents) || r.end < r.start || r.end > s.bytes) {
      fail(`${where}.genres.${g} must be a {start, end, documents} range inside the split`);
    }
  }
  return s as unknown as SplitManifest;
}

/** Validates parsed manifest JSON; throws a message naming the file (`path`) and its first problem. */
export function validateManifest(json: unknown, path = 'data manifest'): Manifest {
  try {
    return checkManifest(json);
  } catch (e) {
    throw e instanceof ManifestProblem ? new Error(`${path}: ${e.message}`) : e;
  }
}

function checkManifest(json: unknown): Manifest {
  if (!isObj(json) || json.format !== MANIFEST_FORMAT) fail(`not a ${MANIFEST_FORMAT} manifest`);
  if (json.version !== MANIFEST_VERSION) fail(`version ${String(json.version)}, this build reads ${MANIFEST_VERSION}`);
  if (json.separator !== DOC_SEPARATOR) fail(`separator must be ${DOC_SEPARATOR}`);
  if (!isObj(json.domains)) fail('domains is missing');
  for (const domain of ASSET_DOMAINS) {
    const d = json.domains[domain];
    if (!isObj(d) || !isObj(d.source) || !isObj(d.splits)) fail(`domains.${domain} needs source and splits`);
    for (const split of SPLITS) checkSplit(`domains.${domain}.splits.${split}`, d.splits[split]);
  }
  return json as unknown as Manifest;
}

/**
 * Checks one buffer against its manifest entry: length first (truncation), then SHA-256. `path` names the
 * file in messages (e.g. `data/code.train.bin`).
 */
export function verifyAsset(entry: Pick<SplitManifest, 'file' | 'bytes' | 'sha256'>, bytes: Uint8Array, path = `data asset ${entry.file}`): void {
  if (bytes.length !== entry.bytes) {
    const what = bytes.length < entry.bytes ? 'truncated' : 'longer than expected';
    throw new Error(
      `${path} is corrupted (${what}): ${bytes.length} bytes, manifest says ${entry.bytes}. ` +
        'Re-fetch it, or regenerate with `npm run prepare-data`.',
    );
  }
  const actual = sha256Hex(bytes);
  if (actual !== entry.sha256) {
    throw new Error(
      `${path} is corrupted: checksum mismatch (sha256 ${actual}, manifest says ${entry.sha256}). ` +
        'The file and public/data/manifest.json are out of step; regenerate with `npm run prepare-data`.',
    );
  }
}

/**
 * Builds the verified asset set from a manifest and the bytes of each file it names. `where` names a file in
 * messages (an AssetSource's `where`).
 */
export function parseAssets(
  manifest: unknown, buffers: Readonly<Record<string, Uint8Array>>, where: (name: string) => string = (n) => `data asset ${n}`,
): DataAssets {
  const m = validateManifest(manifest, where(MANIFEST_FILE));
  const out: Partial<Record<AssetDomain, Record<SplitId, DocSplit>>> = {};
  for (const domain of ASSET_DOMAINS) {
    const splits: Partial<Record<SplitId, DocSplit>> = {};
    for (const split of SPLITS) {
      const entry = m.domains[domain].splits[split];
      const bytes = buffers[entry.file];
      if (!bytes) throw new Error(`${where(entry.file)} (${domain} ${split}) was not provided`);
      verifyAsset(entry, bytes, where(entry.file));
      splits[split] = { domain, split, bytes, docs: entry.docs, genres: entry.genres };
    }
    out[domain] = splits as Record<SplitId, DocSplit>;
  }
  return { manifest: m, ...(out as Record<AssetDomain, Record<SplitId, DocSplit>>) };
}

/** Reads manifest.json and every file it names from `source`, then verifies them. */
export async function loadAssets(source: AssetSource): Promise<DataAssets> {
  const where = (name: string) => source.where?.(name) ?? `data asset ${name}`;
  const raw = await source.read(MANIFEST_FILE);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch (e) {
    throw new Error(`${where(MANIFEST_FILE)} is not a data manifest: not valid JSON (${(e as Error).message})`);
  }
  const m = validateManifest(json, where(MANIFEST_FILE));
  const names = ASSET_DOMAINS.flatMap((d) => SPLITS.map((s) => m.domains[d].splits[s].file));
  const files = await Promise.all(names.map((n) => source.read(n)));
  return parseAssets(m, Object.fromEntries(names.map((n, i) => [n, files[i]])), where);
}

/** The path part of a URL, as a message shows it (`data/code.train.bin`); the text itself when it is not a URL. */
export function displayPath(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  } catch {
    return url;
  }
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf]); // whitespace and a UTF-8 byte-order mark

/**
 * True when a response is a web page rather than the file: a static server's fallback (`vite preview`
 * answers a missing file with index.html and status 200) or an error page. A JSON file never starts with
 * `<`; a binary file counts only when it opens like an HTML document, since its first byte may be `<`.
 */
export function looksLikeHtml(name: string, contentType: string | null, bytes: Uint8Array): boolean {
  if (contentType && /^\s*text\/html\b/i.test(contentType)) return true;
  let i = 0;
  while (i < bytes.length && i < 64 && SPACE.has(bytes[i])) i++;
  if (bytes[i] !== 0x3c) return false;
  if (name.endsWith('.json')) return true;
  const head = new TextDecoder().decode(bytes.subarray(i, i + 16)).toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}

/**
 * Asset source over HTTP, e.g. `fetchAssetSource(import.meta.env.BASE_URL + 'data/')` in the
 * app. `fetchImpl` defaults to the global fetch (also present in Node 18+). A missing file, an
 * error status or a web page in place of the file is refused with a message naming its path.
 */
export function fetchAssetSource(baseUrl: string, fetchImpl: typeof fetch = fetch): AssetSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const where = (name: string) => displayPath(base + name);
  return {
    where,
    async read(name: string): Promise<Uint8Array> {
      let res: Response;
      try {
        res = await fetchImpl(base + name);
      } catch (e) {
        throw new Error(`${where(name)} could not be fetched: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (res.status === 404 || res.status === 410) throw new Error(`${where(name)} not found (HTTP ${res.status})`);
      if (!res.ok) throw new Error(`${where(name)} could not be fetched: HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (looksLikeHtml(name, res.headers.get('content-type'), bytes)) {
        throw new Error(`${where(name)} not found: the server sent a web page in its place`);
      }
      return bytes;
    },
  };
}
