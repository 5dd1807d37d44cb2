// Packing documents into one byte asset: each document's UTF-8 bytes followed by the
// DOC_SEPARATOR byte, with an index of where each starts and ends. Also the excerpting rule
// that fits a corpus into a byte budget. Pure functions, used by scripts/prepare-data.ts
// and by tests; the loader only needs the resulting index (see assets.ts).

import { DOC_SEPARATOR } from './tokenizer';

/** A document's place in a split: bytes [start, end) of the split, separator at `end`. */
export interface DocEntry {
  id: string;
  start: number;
  end: number;
}

export interface PackedSplit {
  bytes: Uint8Array;
  docs: DocEntry[];
}

const encoder = new TextEncoder();

/** Concatenates documents, each followed by DOC_SEPARATOR. Refuses text that contains it. */
export function packDocuments(docs: ReadonlyArray<{ id: string; text: string }>): PackedSplit {
  const encoded = docs.map((d) => ({ id: d.id, bytes: encoder.encode(d.text) }));
  const total = encoded.reduce((n, d) => n + d.bytes.length + 1, 0);
  const bytes = new Uint8Array(total);
  const entries: DocEntry[] = [];
  let pos = 0;
  for (const d of encoded) {
    if (d.bytes.includes(DOC_SEPARATOR)) throw new Error(`document ${d.id} contains the separator byte 0x1e`);
    bytes.set(d.bytes, pos);
    entries.push({ id: d.id, start: pos, end: pos + d.bytes.length });
    pos += d.bytes.length;
    bytes[pos++] = DOC_SEPARATOR;
  }
  return { bytes, docs: entries };
}

/**
 * The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that ends at a line break
 * or a sentence end, whichever is later. Never
 * returns an empty string for non-empty text: a text with neither gets cut at a space.
 */
export function excerpt(text: string, maxBytes: number): string {
  if (encoder.encode(text).length <= maxBytes) return text;
  // Work on a character prefix that surely fits (≤ maxBytes bytes since each char ≥ 1 byte).
  let prefix = text.slice(0, maxBytes);
  while (encoder.encode(prefix).length > maxBytes) prefix = prefix.slice(0, -1);
  let best = prefix.lastIndexOf('\n');
  for (const m of prefix.matchAll(/[.!?]["')]?(?=\s)/g)) best = Math.max(best, m.index + m[0].length);
  if (best > 0) return prefix.slice(0, best);
  const sp = prefix.lastIndexOf(' ');
  return sp > 0 ? prefix.slice(0, sp) : prefix;
}
