// Checkpoint files: a round trip restores the weights exactly; a manifest that does not
// match its config, a truncated or corrupted file, and a non-checkpoint are refused with a
// message that says what is wrong.
import { describe, expect, it } from 'vitest';
import { initModelParams, MODEL_SIZES } from '../engine/index';
import { checkpointBytes, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, loadCheckpoint, parseCheckpoint, type CheckpointManifest } from './checkpoint';
import { sha256Hex } from './data/sha256';
import { fsAssetSource } from './data/node-assets';

function make() {
  const config = MODEL_SIZES.tiny;
  const params = initModelParams(config, 5).flat;
  const bytes = checkpointBytes(params);
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, file: 't.bin', config, elements: params.length, bytes: bytes.length,
    sha256: sha256Hex(bytes),
    training: { seed: 5, steps: 0, tokensSeen: 0, batchSize: 1, seqLen: 1, lr: 0, schedule: '', seconds: 0, device: '', codeVersion: '' },
    heldOutLoss: {}, createdAt: '',
  };
  return { params, bytes, manifest };
}

describe('checkpoints', () => {
  it('round-trips the weights exactly', () => {
    const { params, bytes, manifest } = make();
    expect(parseCheckpoint(manifest, bytes).params).toEqual(params);
  });

  it('refuses a truncated file', () => {
    const { bytes, manifest } = make();
    expect(() => parseCheckpoint(manifest, bytes.slice(0, bytes.length - 4))).toThrow(/truncated/);
  });

  it('refuses a corrupted file', () => {
    const { bytes, manifest } = make();
    bytes[100] ^= 1;
    expect(() => parseCheckpoint(manifest, bytes)).toThrow(/corrupted: sha256/);
  });

  it('refuses a manifest whose config does not match the parameter count', () => {
    const { bytes, manifest } = make();
    expect(() => parseCheckpoint({ ...manifest, config: { ...manifest.config, dModel: 64 } }, bytes)).toThrow(/config needs/);
  });

  it('refuses something that is not a checkpoint manifest', () => {
    const { bytes } = make();
    expect(() => parseCheckpoint({ hello: 1 }, bytes)).toThrow(/not a LoRA Lab checkpoint/);
    expect(() => parseCheckpoint(null, bytes)).toThrow(/not a JSON object/);
  });

  it('refuses non-finite weights', () => {
    const { params, manifest } = make();
    params[3] = Number.NaN;
    const bytes = checkpointBytes(params);
    expect(() => parseCheckpoint({ ...manifest, sha256: sha256Hex(bytes) }, bytes)).toThrow(/non-finite/);
  });

  it('loads the shipped base model and it matches its manifest', async () => {
    const { manifest, params } = await loadCheckpoint(fsAssetSource(new URL('../../public/models/', import.meta.url).pathname), 'base.json');
    expect(params.length).toBe(manifest.elements);
    expect(manifest.heldOutLoss.english).toBeLessThan(manifest.heldOutLoss.code);
  });
});
