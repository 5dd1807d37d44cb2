// Zip folders for downloads (fflate) and the reading of uploads: a PEFT adapter as a zip or
// as its two files, or a run JSON. Every upload is size-checked before it is parsed (the
// zip's declared sizes too, so a zip bomb is refused before it is inflated), and a file of
// the wrong kind gets a message that says what was expected.

import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { ImportError } from './peft';

/** Largest upload accepted (the playground's biggest adapter is a few MB). */
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

export interface UploadFile {
  name: string;
  bytes: Uint8Array;
}

export type Upload =
  | { kind: 'adapter'; config: unknown; safetensors: Uint8Array }
  | { kind: 'run'; json: unknown; name: string };

/** A zip of text and binary files (deflated; paths may contain folders; scripts executable). */
export function zipFiles(files: Record<string, Uint8Array | string>): Uint8Array {
  const entries: Zippable = {};
  for (const [k, v] of Object.entries(files)) {
    const data = typeof v === 'string' ? strToU8(v) : v;
    // Unix mode in the high 16 bits of the external attributes (os 3 = Unix): rwxr-xr-x for scripts.
    entries[k] = /\.(sh|py)$/.test(k) ? [data, { os: 3, attrs: (0o100755 << 16) >>> 0 }] : [data, { os: 3, attrs: (0o100644 << 16) >>> 0 }];
  }
  return zipSync(entries, { level: 6, mtime: new Date('2024-05-15T00:00:00Z') });
}

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

function checkSize(f: UploadFile): void {
  if (f.bytes.length === 0) throw new ImportError(`${f.name} is empty`);
  if (f.bytes.length > MAX_UPLOAD_BYTES) throw new ImportError(`${f.name} is ${(f.bytes.length / 2 ** 20).toFixed(1)} MB; the limit is ${MAX_UPLOAD_BYTES / 2 ** 20} MB`);
}

/** The files of a zip, refusing one whose entries would inflate past the size limit. */
export function unzipUpload(f: UploadFile): UploadFile[] {
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(f.bytes, {
      filter: (info) => {
        if (info.name.endsWith('/')) return false;
        total += info.originalSize;
        if (total > MAX_UPLOAD_BYTES) throw new ImportError(`${f.name} unpacks to more than ${MAX_UPLOAD_BYTES / 2 ** 20} MB`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(`${f.name} is not a readable zip file (${e instanceof Error ? e.message : e}); it may be truncated`);
  }
  return Object.entries(files).map(([name, bytes]) => ({ name, bytes }));
}

function parseJson(f: UploadFile): unknown {
  try {
    return JSON.parse(strFromU8(f.bytes));
  } catch {
    throw new ImportError(`${f.name} is not valid JSON${f.bytes[0] === 0x7b ? ' (it may be truncated)' : ''}`);
  }
}

const base = (n: string) => n.slice(n.lastIndexOf('/') + 1);

/** Works out what was uploaded: a PEFT adapter (zip, or adapter_config.json + adapter_model.safetensors) or a run JSON. */
export function readUpload(input: UploadFile[]): Upload {
  if (input.length === 0) throw new ImportError('no file was chosen');
  input.forEach(checkSize);
  const files = input.flatMap((f) => (isZip(f.bytes) ? unzipUpload(f) : [f]));
  // Prefer the shallowest match, so a zip that also holds base/ or checkpoints/ reads its top-level adapter.
  const find = (n: string) => files.filter((f) => base(f.name) === n).sort((a, b) => a.name.split('/').length - b.name.split('/').length)[0];
  const cfg = find('adapter_config.json');
  const st = find('adapter_model.safetensors');
  if (cfg && st) return { kind: 'adapter', config: parseJson(cfg), safetensors: st.bytes };
  if (cfg || st) {
    throw new ImportError(`a PEFT adapter needs both adapter_config.json and adapter_model.safetensors; only ${cfg ? 'adapter_config.json' : 'adapter_model.safetensors'} was given`);
  }
  const json = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  if (json.length === 1 && files.length === 1) return { kind: 'run', json: parseJson(json[0]), name: json[0].name };
  if (input.length === 1 && !isZip(input[0].bytes) && input[0].bytes[0] === 0x7b) return { kind: 'run', json: parseJson(input[0]), name: input[0].name };
  throw new ImportError(
    `could not recognise ${input.map((f) => f.name).join(', ')}: choose a PEFT adapter (a zip, or adapter_config.json with adapter_model.safetensors) or a run JSON exported from this page`,
  );
}
