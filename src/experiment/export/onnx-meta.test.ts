// An exported ONNX model states its sequence-length limit where a user meets it: in its metadata
// (read here without onnx-proto, as the page reads it), in the check the page's generation makes
// before running, and in the names of the nodes that fail on a longer input (Python's onnxruntime
// quotes the failing node's name in its error). CPU only: onnxruntime-web's wasm provider.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { initModelParams } from '../../engine/index';
import { decodeModel } from './onnx-graph';
import { exportOnnx } from './onnx';
import { onnxInputProblem, onnxMaxSequenceLength, readOnnxMetadata } from './onnx-meta';
import { runWeights } from './weights';

ort.env.wasm.numThreads = 1;
const cfg = { vocabSize: 256, dModel: 8, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 12, seqLen: 8, tieEmbeddings: true };
const bytes = exportOnnx(cfg, runWeights(cfg, initModelParams(cfg, 1).flat, null, null), { name: 't', description: 'a test model' });

async function run(T: number): Promise<string> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    await session.run({ input_ids: new ort.Tensor('int64', new BigInt64Array(T).fill(65n), [1, T]) });
    return 'ok';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await session.release();
  }
}

describe('the ONNX sequence-length limit', () => {
  it('is in the metadata (read without a protobuf library) and the doc string', () => {
    const meta = readOnnxMetadata(bytes);
    expect(meta.max_sequence_length).toBe('8');
    expect(JSON.parse(meta.config).dModel).toBe(8);
    expect(meta).toEqual(Object.fromEntries(decodeModel(bytes).metadataProps.map((p) => [p.key, p.value])));
    expect(onnxMaxSequenceLength(bytes)).toBe(8);
    expect(decodeModel(bytes).docString).toBe('a test model. Input: byte ids, at most 8 per sequence (max_sequence_length).');
    expect(() => readOnnxMetadata(bytes.subarray(0, 100))).toThrow(/truncated/);
  });

  it('is checked before running, with the limit in the message', () => {
    expect(onnxInputProblem(8, 8)).toBeNull();
    expect(onnxInputProblem(9, 8)).toBe('the input is 9 tokens, but this model takes at most 8 (max_sequence_length: its RoPE and mask tables end there); keep the last 8');
    expect(onnxInputProblem(0, 8)).toMatch(/empty/);
    expect(onnxInputProblem(500, null)).toBeNull();
  });

  it('fails in onnxruntime only beyond the limit, at nodes whose names carry it', async () => {
    expect(await run(8)).toBe('ok');
    expect(await run(9)).toMatch(/broadcast.*8 by 9/);
    // Python's onnxruntime quotes the failing node's name ("...running Mul node. Name:'Mul_32'..."):
    // every node that meets the position tables says the limit. (onnxruntime-web's message does not
    // name the node; the page checks the length before running instead.)
    const nodes = decodeModel(bytes).graph!.node ?? [];
    const readers = nodes.filter((n) => n.input!.some((i) => /^(cos|sin|mask)(_\d+)?$/.test(i)));
    expect(readers.length).toBe(5 * cfg.nLayers); // per layer: RoPE's cos and sin products for q and for k, the mask
    for (const n of readers) expect(n.name).toMatch(/_max_sequence_length_8$/);
  }, 60_000);
});
