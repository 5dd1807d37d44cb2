// safetensors files (Hugging Face's tensor container): an 8-byte little-endian header length,
// a JSON header { name: { dtype, shape, data_offsets }, __metadata__?: {str: str} } padded with
// spaces so the data starts 8-byte aligned, then the tensors' bytes back to back. Written as
// F32; read as F32, F16 or BF16 (converted to f32), with every offset checked, because the
// files come from outside (a user's upload) and must never be trusted.

export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: NamedTensor[];
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** Largest header the reader accepts (the reference implementation's limit is 100 MB). */
const MAX_HEADER = 100_000_000;
const ELEMENT_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

/** Serialises tensors (in the given order) and optional string metadata. */
export function writeSafetensors(tensors: readonly NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new SafetensorsError(`${t.name}: shape [${t.shape}] needs ${n} values, got ${t.data.length}`);
    if (t.name === '__metadata__' || t.name in header) throw new SafetensorsError(`duplicate or reserved tensor name ${t.name}`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // The spec allows trailing spaces in the header; padding to 8 keeps the f32 data aligned.
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    const dv = new DataView(out.buffer, at, t.data.length * 4);
    for (let i = 0; i < t.data.length; i++) dv.setFloat32(i * 4, t.data[i], true);
    at += t.data.length * 4;
  }
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? Number.NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function decode(bytes: Uint8Array, at: number, n: number, dtype: string): Float32Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset + at, n * ELEMENT_BYTES[dtype]);
  const out = new Float32Array(n);
  if (dtype === 'F32') for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, true);
  else if (dtype === 'F16') for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(i * 2, true));
  else {
    const u = new Uint32Array(1);
    const f = new Float32Array(u.buffer);
    for (let i = 0; i < n; i++) {
      u[0] = dv.getUint16(i * 2, true) << 16;
      out[i] = f[0];
    }
  }
  return out;
}

function readHeader(bytes: Uint8Array, what: string): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) throw new SafetensorsError(`${what} is too short to be a safetensors file (${bytes.length} bytes)`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER)) throw new SafetensorsError(`${what}: header length ${n} is not plausible: not a safetensors file`);
  const len = Number(n);
  if (8 + len > bytes.length) throw new SafetensorsError(`${what} is truncated: its header needs ${len} bytes, only ${bytes.length - 8} present`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + len)));
  } catch {
    throw new SafetensorsError(`${what}: the header is not valid JSON: not a safetensors file`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw new SafetensorsError(`${what}: the header is not a JSON object`);
  return { header: header as Record<string, unknown>, dataStart: 8 + len };
}

interface Entry { name: string; dtype: string; shape: number[]; begin: number; end: number }

function entryOf(name: string, v: unknown, what: string): Entry {
  const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
  if (!e || typeof e !== 'object') throw new SafetensorsError(`${what}: entry ${name} is not an object`);
  if (typeof e.dtype !== 'string' || !(e.dtype in ELEMENT_BYTES)) {
    throw new SafetensorsError(`${what}: ${name} has dtype ${JSON.stringify(e.dtype)}; only F32, F16 and BF16 are supported`);
  }
  const shape = e.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new SafetensorsError(`${what}: ${name} has an invalid shape`);
  const off = e.data_offsets;
  if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0) || off[1] < off[0]) {
    throw new SafetensorsError(`${what}: ${name} has invalid data_offsets`);
  }
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  if (off[1] - off[0] !== numel * ELEMENT_BYTES[e.dtype]) {
    throw new SafetensorsError(`${what}: ${name} has ${off[1] - off[0]} bytes but shape [${shape}] of ${e.dtype} needs ${numel * ELEMENT_BYTES[e.dtype]}`);
  }
  return { name, dtype: e.dtype, shape: shape as number[], begin: off[0], end: off[1] };
}

/** Parses a safetensors file; throws SafetensorsError with a readable message on any defect. */
export function readSafetensors(bytes: Uint8Array, what = 'the safetensors file'): SafetensorsFile {
  const { header, dataStart } = readHeader(bytes, what);
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!v || typeof v !== 'object') throw new SafetensorsError(`${what}: __metadata__ is not an object`);
      for (const [k, s] of Object.entries(v)) {
        if (typeof s !== 'string') throw new SafetensorsError(`${what}: metadata ${k} is not a string`);
        metadata[k] = s;
      }
    } else entries.push(entryOf(name, v, what));
  }
  // The spec requires the byte ranges to tile the data section exactly (no holes, no overlap).
  const sorted = [...entries].sort((a, b) => a.begin - b.begin);
  let expect = 0;
  for (const e of sorted) {
    if (e.begin !== expect) throw new SafetensorsError(`${what}: ${e.name}'s data does not follow the previous tensor (offset ${e.begin}, expected ${expect})`);
    expect = e.end;
  }
  const dataLen = bytes.length - dataStart;
  if (dataLen < expect) throw new SafetensorsError(`${what} is truncated: its tensors need ${expect} bytes of data, only ${dataLen} present`);
  if (dataLen > expect) throw new SafetensorsError(`${what} has ${dataLen - expect} unexpected bytes after its tensors`);
  const tensors = entries.map((e) => ({
    name: e.name, shape: e.shape, data: decode(bytes, dataStart + e.begin, (e.end - e.begin) / ELEMENT_BYTES[e.dtype], e.dtype),
  }));
  return { tensors, metadata };
}
