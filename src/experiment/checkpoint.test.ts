// Checkpoint files: a round trip restores the weights exactly; a manifest that does not
// match its config, a truncated or corrupted file, and a non-checkpoint are refused with a
// message that says what is wrong.
import { describe, expect, it } from 'vitest';
import { initModelParams, MODEL_SIZES } from '../engine/index';
import { checkpointBytes, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, loadBaseModel, loadCheckpoint, parseCheckpoint, type CheckpointManifest } from './checkpoint';
import { fetchAssetSource } from './data/assets';
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
    expect(() => parseCheckpoint(manifest, bytes)).toThrow('checkpoint t.bin is corrupted: checksum mismatch');
  });

  it('refuses a manifest whose config does not match the parameter count', () => {
    const { bytes, manifest } = make();
    expect(() => parseCheckpoint({ ...manifest, config: { ...manifest.config, dModel: 64 } }, bytes)).toThrow(/config needs/);
  });

  it('refuses something that is not a checkpoint manifest', () => {
    const { bytes } = make();
    expect(() => parseCheckpoint({ hello: 1 }, bytes)).toThrow(/is not a model manifest: not a LoRA Lab checkpoint/);
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

/** A fetch serving `files` as http://x/models/<name>, and index.html (status 200), like `vite preview`, for anything else. */
function fakeServer(files: Record<string, Uint8Array | string>, answer: Record<string, () => Response> = {}) {
  return fetchAssetSource('http://x/models/', (async (url: string) => {
    const name = url.slice('http://x/models/'.length);
    if (answer[name]) return answer[name]();
    const body = files[name];
    if (body === undefined) return new Response('<!doctype html><html><body><div id="root"></div></body></html>', { headers: { 'content-type': 'text/html' } });
    return new Response(typeof body === 'string' ? body : body.slice(), { headers: { 'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
  }) as unknown as typeof fetch);
}

describe('loading a base model over fetch: every problem names the file', () => {
  const { bytes, manifest } = make();
  const named = { ...manifest, file: 'base.bin' };
  const files = { 'base.json': JSON.stringify(named), 'base.bin': bytes };

  it('loads a good one', async () => {
    const { params } = await loadCheckpoint(fakeServer(files), 'base.json');
    expect(params.length).toBe(manifest.elements);
  });

  it('an unknown base (the server answers with its index page) is not found, and the shipped bases are named', async () => {
    await expect(loadCheckpoint(fakeServer(files), 'medium.json')).rejects.toThrow(
      'models/medium.json not found: the server sent a web page in its place. "medium" is not a shipped base model; the shipped base models are: "base", "small".',
    );
    await expect(loadBaseModel(fakeServer(files), 'medium')).rejects.toThrow('base model "medium" is not shipped with this page; the shipped base models are: "base", "small".');
    await expect(loadCheckpoint(fakeServer(files, { 'medium.json': () => new Response('', { status: 404 }) }), 'medium.json'))
      .rejects.toThrow('models/medium.json not found (HTTP 404). "medium" is not a shipped base model');
  });

  it('a manifest that is not a model manifest says so', async () => {
    await expect(loadCheckpoint(fakeServer({ ...files, 'base.json': '{"format":' }), 'base.json')).rejects.toThrow('models/base.json is not a model manifest: not valid JSON');
    await expect(loadCheckpoint(fakeServer({ ...files, 'base.json': '{"hello":1}' }), 'base.json')).rejects.toThrow('models/base.json is not a model manifest: not a LoRA Lab checkpoint');
    await expect(loadCheckpoint(fakeServer({ ...files, 'base.json': JSON.stringify({ ...named, file: '../data/x.bin' }) }), 'base.json'))
      .rejects.toThrow('models/base.json is not a model manifest: its parameter file must be a plain file name');
  });

  it('a missing, replaced, truncated or corrupted parameter file is named with what is wrong', async () => {
    const { 'base.bin': _, ...noBin } = files;
    await expect(loadBaseModel(fakeServer(noBin), 'base')).rejects.toThrow('models/base.bin not found: the server sent a web page in its place');
    await expect(loadBaseModel(fakeServer(files, { 'base.bin': () => new Response('', { status: 404 }) }), 'base')).rejects.toThrow('models/base.bin not found (HTTP 404)');
    await expect(loadBaseModel(fakeServer({ ...files, 'base.bin': bytes.slice(0, 64) }), 'base')).rejects.toThrow(
      `models/base.bin is corrupted: 64 bytes, its manifest says ${bytes.length} (the file is truncated)`,
    );
    const flipped = bytes.slice();
    flipped[200] ^= 1;
    await expect(loadBaseModel(fakeServer({ ...files, 'base.bin': flipped }), 'base')).rejects.toThrow('models/base.bin is corrupted: checksum mismatch');
  });
});
