// Base-model checkpoints: a flat little-endian f32 parameter file plus a JSON manifest
// (config, size, SHA-256, how it was trained, held-out losses). Loading checks the file
// against its manifest and refuses a mismatched, truncated or corrupted one with a message
// that says what is wrong.

import { modelLayout, validateConfig, type LlamaConfig } from '../engine/index';
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
  };
  /** Mean held-out loss (nats per byte) on each domain. */
  heldOutLoss: Record<string, number>;
  createdAt: string;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** Checks a manifest's shape and its config; returns the parsed manifest. */
export function validateManifest(json: unknown): CheckpointManifest {
  const m = json as Partial<CheckpointManifest> | null;
  if (!m || typeof m !== 'object') throw new CheckpointError('checkpoint manifest is not a JSON object');
  if (m.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`not a LoRA Lab checkpoint manifest (format ${JSON.stringify(m.format)})`);
  if (m.version !== CHECKPOINT_VERSION) throw new CheckpointError(`checkpoint version ${m.version} is not supported (expected ${CHECKPOINT_VERSION})`);
  if (!m.config || typeof m.config !== 'object') throw new CheckpointError('checkpoint manifest has no model config');
  const errs = validateConfig(m.config);
  if (errs.length) throw new CheckpointError(`checkpoint config is invalid: ${errs.join('; ')}`);
  const expected = modelLayout(m.config).totalElements;
  if (m.elements !== expected) {
    throw new CheckpointError(`checkpoint manifest says ${m.elements} parameters, but its config needs ${expected}`);
  }
  if (m.bytes !== expected * 4) throw new CheckpointError(`checkpoint manifest says ${m.bytes} bytes, expected ${expected * 4}`);
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) throw new CheckpointError('checkpoint manifest has no valid sha256');
  return m as CheckpointManifest;
}

/** Verifies the parameter bytes against the manifest and returns them as f32. */
export function parseCheckpoint(manifestJson: unknown, bytes: Uint8Array): { manifest: CheckpointManifest; params: Float32Array } {
  const manifest = validateManifest(manifestJson);
  if (bytes.length !== manifest.bytes) {
    throw new CheckpointError(
      `checkpoint ${manifest.file} has ${bytes.length} bytes, its manifest says ${manifest.bytes}` +
        (bytes.length < manifest.bytes ? ' (the file is truncated)' : ''),
    );
  }
  const sum = sha256Hex(bytes);
  if (sum !== manifest.sha256) {
    throw new CheckpointError(`checkpoint ${manifest.file} is corrupted: sha256 ${sum} does not match the manifest's ${manifest.sha256}`);
  }
  const params = new Float32Array(manifest.elements);
  new Uint8Array(params.buffer).set(bytes);
  for (let i = 0; i < params.length; i++) {
    if (!Number.isFinite(params[i])) throw new CheckpointError(`checkpoint ${manifest.file} holds a non-finite weight at ${i}`);
  }
  return { manifest, params };
}

export function checkpointBytes(params: Float32Array): Uint8Array {
  return new Uint8Array(params.buffer, params.byteOffset, params.byteLength).slice();
}

/** Reads a manifest and its parameter file from an AssetSource (fetch in the browser, fs in Node). */
export async function loadCheckpoint(source: AssetSource, manifestName: string) {
  const text = new TextDecoder().decode(await source.read(manifestName));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CheckpointError(`${manifestName} is not valid JSON`);
  }
  const manifest = validateManifest(json);
  return parseCheckpoint(manifest, await source.read(manifest.file));
}
