// Base-model checkpoints: a flat little-endian f32 parameter file plus a JSON manifest
// (config, size, SHA-256, how it was trained, held-out losses). Loading checks the file
// against its manifest and refuses a missing, mismatched, truncated or corrupted one with a
// message that names the file and says what is wrong (and, for a missing base, which are shipped).

import { modelLayout, validateConfig, type LlamaConfig } from '../engine/index';
import { isShippedBase, shippedBasesNote } from './bases';
import type { AssetSource } from './data/assets';
import { sha256Hex } from './data/sha256';

export const CHECKPOINT_FORMAT = 'lora-lab-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** File name of the parameter blob, relative to the manifest. */
  file: string;
  config: LlamaConfig;
  /** f32 elements in modelLayout(config) order, including alignment padding. */
  elements: number;
  bytes: number;
  sha256: string;
  training: {
    seed: number;
    steps: number;
    tokensSeen: number;
    batchSize: number;
    seqLen: number;
    lr: number;
    schedule: string;
    seconds: number;
    device: string;
    codeVersion: string;
    /** A pretraining continued from another checkpoint (`npm run pretrain -- --init`): which, and how much it had seen; steps, tokensSeen and seconds above are the totals of all pieces. */
    initFrom?: { file: string; sha256: string; steps: number; tokensSeen: number };
  };
  /** Mean held-out loss (nats per byte) on each domain. */
  heldOutLoss: Record<string, number>;
  createdAt: string;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** Checks a manifest's shape and its config; returns the parsed manifest. `path` names the file in messages. */
export function validateManifest(json: unknown, path = 'checkpoint manifest'): CheckpointManifest {
  const m = json as Partial<CheckpointManifest> | null;
  const notManifest = (why: string) => new CheckpointError(`${path} is not a model manifest: ${why}`);
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw notManifest('not a JSON object');
  if (m.format !== CHECKPOINT_FORMAT) throw notManifest(`not a LoRA Lab checkpoint (format ${JSON.stringify(m.format)})`);
  if (m.version !== CHECKPOINT_VERSION) throw new CheckpointError(`${path}: checkpoint version ${m.version} is not supported (expected ${CHECKPOINT_VERSION})`);
  // A plain name, so a manifest cannot point the loader at another folder.
  if (typeof m.file !== 'string' || !/^[\w.-]+$/.test(m.file) || m.file.startsWith('.')) throw notManifest('its parameter file must be a plain file name');
  if (!m.config || typeof m.config !== 'object') throw notManifest('no model config');
  const errs = validateConfig(m.config);
  if (errs.length) throw new CheckpointError(`${path}: checkpoint config is invalid: ${errs.join('; ')}`);
  const expected = modelLayout(m.config).totalElements;
  if (m.elements !== expected) {
    throw new CheckpointError(`${path}: checkpoint manifest says ${m.elements} parameters, but its config needs ${expected}`);
  }
  if (m.bytes !== expected * 4) throw new CheckpointError(`${path}: checkpoint manifest says ${m.bytes} bytes, expected ${expected * 4}`);
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) throw new CheckpointError(`${path}: checkpoint manifest has no valid sha256`);
  return m as CheckpointManifest;
}

/**
 * Verifies the parameter bytes against the manifest and returns them as f32. `path` names the parameter file in
 * messages (default: the manifest's `file`).
 */
export function parseCheckpoint(manifestJson: unknown, bytes: Uint8Array, path?: string): { manifest: CheckpointManifest; params: Float32Array } {
  const manifest = validateManifest(manifestJson);
  const file = path ?? `checkpoint ${manifest.file}`;
  if (bytes.length !== manifest.bytes) {
    throw new CheckpointError(
      `${file} is corrupted: ${bytes.length} bytes, its manifest says ${manifest.bytes}` +
        (bytes.length < manifest.bytes ? ' (the file is truncated)' : ''),
    );
  }
  const sum = sha256Hex(bytes);
  if (sum !== manifest.sha256) {
    throw new CheckpointError(`${file} is corrupted: checksum mismatch (sha256 ${sum}, the manifest says ${manifest.sha256})`);
  }
  const params = new Float32Array(manifest.elements);
  new Uint8Array(params.buffer).set(bytes);
  for (let i = 0; i < params.length; i++) {
    if (!Number.isFinite(params[i])) throw new CheckpointError(`${file} is corrupted: a non-finite weight at ${i}`);
  }
  return { manifest, params };
}

export function checkpointBytes(params: Float32Array): Uint8Array {
  return new Uint8Array(params.buffer, params.byteOffset, params.byteLength).slice();
}

/** Adds which bases are shipped to a problem with the manifest of a base that is not one of them (a wrong name). */
function withBases(e: unknown, manifestName: string): unknown {
  const name = manifestName.replace(/\.json$/, '');
  if (isShippedBase(name)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new CheckpointError(`${msg}. "${name}" is not a shipped base model; ${shippedBasesNote()}.`);
}

/**
 * Reads a base model's manifest and its parameter file from an AssetSource (fetch in the browser, fs in
 * Node). A missing manifest, or one that is not a model manifest, of a base that is not shipped names the shipped ones.
 */
export async function loadCheckpoint(source: AssetSource, manifestName: string) {
  const where = (name: string) => source.where?.(name) ?? name;
  let json: unknown;
  let manifest: CheckpointManifest;
  try {
    const text = new TextDecoder().decode(await source.read(manifestName));
    try {
      json = JSON.parse(text);
    } catch {
      throw new CheckpointError(`${where(manifestName)} is not a model manifest: not valid JSON`);
    }
    manifest = validateManifest(json, where(manifestName));
  } catch (e) {
    throw withBases(e, manifestName);
  }
  return parseCheckpoint(manifest, await source.read(manifest.file), where(manifest.file));
}

/** Loads a shipped base model by name (`base` → base.json + base.bin); an unknown name is refused before any read. */
export function loadBaseModel(source: AssetSource, name: string) {
  if (!isShippedBase(name)) {
    return Promise.reject(new CheckpointError(`base model "${name}" is not shipped with this page; ${shippedBasesNote()}.`));
  }
  return loadCheckpoint(source, `${name}.json`);
}
