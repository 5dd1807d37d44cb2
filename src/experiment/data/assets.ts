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
}

function fail(msg: string): never {
  throw new Error(`data manifest: ${msg}`);
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

/** Validates parsed manifest JSON; throws a message naming the first problem. */
export function validateManifest(json: unknown): Manifest {
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

/** Checks one buffer against its manifest entry: length first (truncation), then SHA-256. */
export function verifyAsset(entry: Pick<SplitManifest, 'file' | 'bytes' | 'sha256'>, bytes: Uint8Array): void {
  if (bytes.length !== entry.bytes) {
    const what = bytes.length < entry.bytes ? 'truncated' : 'longer than expected';
    throw new Error(
      `data asset ${entry.file} is ${what}: ${bytes.length} bytes, manifest says ${entry.bytes}. ` +
        'Re-fetch it, or regenerate with `npm run prepare-data`.',
    );
  }
  const actual = sha256Hex(bytes);
  if (actual !== entry.sha256) {
    throw new Error(
      `data asset ${entry.file} fails its checksum: sha256 ${actual}, manifest says ${entry.sha256}. ` +
        'The file and public/data/manifest.json are out of step; regenerate with `npm run prepare-data`.',
    );
  }
}

/** Builds the verified asset set from a manifest and the bytes of each file it names. */
export function parseAssets(manifest: unknown, buffers: Readonly<Record<string, Uint8Array>>): DataAssets {
  const m = validateManifest(manifest);
  const out: Partial<Record<AssetDomain, Record<SplitId, DocSplit>>> = {};
  for (const domain of ASSET_DOMAINS) {
    const splits: Partial<Record<SplitId, DocSplit>> = {};
    for (const split of SPLITS) {
      const entry = m.domains[domain].splits[split];
      const bytes = buffers[entry.file];
      if (!bytes) throw new Error(`data asset ${entry.file} (${domain} ${split}) was not provided`);
      verifyAsset(entry, bytes);
      splits[split] = { domain, split, bytes, docs: entry.docs, genres: entry.genres };
    }
    out[domain] = splits as Record<SplitId, DocSplit>;
  }
  return { manifest: m, ...(out as Record<AssetDomain, Record<SplitId, DocSplit>>) };
}

/** Reads manifest.json and every file it names from `source`, then verifies them. */
export async function loadAssets(source: AssetSource): Promise<DataAssets> {
  const raw = await source.read(MANIFEST_FILE);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(raw));
  } catch (e) {
    throw new Error(`data manifest: ${MANIFEST_FILE} is not valid JSON (${(e as Error).message})`);
  }
  const m = validateManifest(json);
  const names = ASSET_DOMAINS.flatMap((d) => SPLITS.map((s) => m.domains[d].splits[s].file));
  const files = await Promise.all(names.map((n) => source.read(n)));
  return parseAssets(m, Object.fromEntries(names.map((n, i) => [n, files[i]])));
}

/**
 * Asset source over HTTP, e.g. `fetchAssetSource(import.meta.env.BASE_URL + 'data/')` in the
 * app. `fetchImpl` defaults to the global fetch (also present in Node 18+).
 */
export function fetchAssetSource(baseUrl: string, fetchImpl: typeof fetch = fetch): AssetSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    async read(name: string): Promise<Uint8Array> {
      const res = await fetchImpl(base + name);
      if (!res.ok) throw new Error(`could not fetch data asset ${base + name}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}
