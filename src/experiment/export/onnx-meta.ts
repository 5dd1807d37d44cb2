// What an exported ONNX model says about itself, read without a protobuf library (the page
// imports this, and onnx-proto stays out of its bundle): the metadata_props of the ModelProto,
// among them max_sequence_length, and the check that a generation window fits it, so the user
// reads the limit instead of a runtime's broadcast error.

/** Reads a base-128 varint at `pos`; returns [value, next position]. */
function varint(b: Uint8Array, pos: number): [number, number] {
  let v = 0;
  let scale = 1;
  for (let i = pos; i < b.length; i++) {
    v += (b[i] & 0x7f) * scale;
    if (b[i] < 0x80) return [v, i + 1];
    scale *= 128;
  }
  throw new Error('truncated ONNX file (a varint runs past the end)');
}

/** The (field number, bytes) of each length-delimited field of one protobuf message; other wire types skipped. */
function lengthFields(b: Uint8Array, start = 0, end = b.length): Array<[number, Uint8Array]> {
  const out: Array<[number, Uint8Array]> = [];
  let pos = start;
  while (pos < end) {
    const [key, p] = varint(b, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) pos = varint(b, p)[1];
    else if (wire === 1) pos = p + 8;
    else if (wire === 5) pos = p + 4;
    else if (wire === 2) {
      const [len, q] = varint(b, p);
      if (q + len > end) throw new Error('truncated ONNX file (a field runs past the end)');
      out.push([field, b.subarray(q, q + len)]);
      pos = q + len;
    } else throw new Error(`not an ONNX file (protobuf wire type ${wire})`);
  }
  return out;
}

/** ModelProto.metadata_props (field 14: StringStringEntryProto, key 1, value 2) as a record. */
export function readOnnxMetadata(bytes: Uint8Array): Record<string, string> {
  const text = new TextDecoder();
  const meta: Record<string, string> = {};
  for (const [field, entry] of lengthFields(bytes)) {
    if (field !== 14) continue;
    const kv = Object.fromEntries(lengthFields(entry).map(([f, v]) => [f, text.decode(v)]));
    if (kv[1] !== undefined) meta[kv[1]] = kv[2] ?? '';
  }
  return meta;
}

/** The longest input sequence an exported model takes (its RoPE and mask tables), or null if it does not say. */
export function onnxMaxSequenceLength(bytes: Uint8Array): number | null {
  const n = Number(readOnnxMetadata(bytes).max_sequence_length);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** Why a window of `length` tokens cannot run (null if it can): said before the runtime fails on it. */
export function onnxInputProblem(length: number, max: number | null): string | null {
  if (length < 1) return 'the input is empty: give at least one byte';
  if (max !== null && length > max) {
    return `the input is ${length} tokens, but this model takes at most ${max} (max_sequence_length: its RoPE and mask tables end there); keep the last ${max}`;
  }
  return null;
}
