// safetensors writer and reader: a hand-assembled file (known bytes), a byte-exact round
// trip, F16/BF16 decoding, and the defects an upload can have (truncated, wrong kind,
// overlapping or short data), each refused with a message.
import { describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from './safetensors';

function known(): Uint8Array {
  // {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} is 54 bytes: padded with two spaces to 56.
  const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  ';
  expect(header.length).toBe(56);
  const out = new Uint8Array(8 + 56 + 8);
  out[0] = 56;
  out.set(new TextEncoder().encode(header), 8);
  out.set([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0], 64); // 1.0f, -2.0f little-endian
  return out;
}

describe('safetensors', () => {
  it('writes the bytes the format specifies (header length, space padding to 8, little-endian f32)', () => {
    expect(writeSafetensors([{ name: 'a', shape: [2], data: new Float32Array([1, -2]) }])).toEqual(known());
  });

  it('reads a known file', () => {
    const f = readSafetensors(known());
    expect(f.tensors).toEqual([{ name: 'a', shape: [2], data: new Float32Array([1, -2]) }]);
    expect(f.metadata).toEqual({});
  });

  it('round-trips byte-exactly, with metadata and several tensors', () => {
    const tensors = [
      { name: 'x.weight', shape: [3, 2], data: new Float32Array([0.1, -0, 3e38, -1e-40, Math.PI, 7]) },
      { name: 'y', shape: [1], data: new Float32Array([42]) },
      { name: 'empty', shape: [0, 4], data: new Float32Array(0) },
    ];
    const bytes = writeSafetensors(tensors, { format: 'pt', note: 'ü "quoted"' });
    expect((bytes.length - 8 - Number(new DataView(bytes.buffer).getBigUint64(0, true))) % 4).toBe(0);
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt', note: 'ü "quoted"' });
    expect(back.tensors.map((t) => t.name)).toEqual(['x.weight', 'y', 'empty']);
    expect(Array.from(back.tensors[0].data)).toEqual(Array.from(tensors[0].data));
    expect(writeSafetensors(back.tensors, back.metadata)).toEqual(bytes);
  });

  it('decodes F16 and BF16 to f32', () => {
    const header = '{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[4,6]}}';
    const pad = header + ' '.repeat((8 - (header.length % 8)) % 8);
    const out = new Uint8Array(8 + pad.length + 6);
    out[0] = pad.length;
    out.set(new TextEncoder().encode(pad), 8);
    out.set([0x00, 0x3c, 0x00, 0xc0, 0x40, 0x40], 8 + pad.length); // f16 1, f16 -2, bf16 3
    const f = readSafetensors(out);
    expect(Array.from(f.tensors[0].data)).toEqual([1, -2]);
    expect(Array.from(f.tensors[1].data)).toEqual([3]);
  });

  it('refuses damaged or foreign files with a message', () => {
    const good = known();
    expect(() => readSafetensors(good.slice(0, 5))).toThrow(/too short/);
    expect(() => readSafetensors(good.slice(0, 40))).toThrow(/truncated: its header/);
    expect(() => readSafetensors(good.slice(0, 68))).toThrow(/truncated: its tensors need 8 bytes/);
    expect(() => readSafetensors(new TextEncoder().encode('{"not": "safetensors", "at": "all"}'))).toThrow(/not plausible|not valid JSON/);
    const extra = new Uint8Array(good.length + 4);
    extra.set(good);
    expect(() => readSafetensors(extra)).toThrow(/unexpected bytes/);
    const i64 = known();
    i64.set(new TextEncoder().encode('"I64"'), 8 + 14);
    expect(() => readSafetensors(i64)).toThrow(/dtype "I64"/);
    const bad = known();
    bad.set(new TextEncoder().encode('[0,4]'), 8 + 47);
    expect(() => readSafetensors(bad)).toThrow(/needs 8/);
  });
});
