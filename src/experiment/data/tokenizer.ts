// Byte-level tokenizer: a token is one UTF-8 byte, so the vocabulary is exactly 256 and every
// well-formed string round-trips. No special tokens: documents in the prepared assets are
// separated by the ASCII Record Separator byte (0x1E, see DOC_SEPARATOR), which is an
// ordinary byte token. Runs unchanged in a browser Worker and in Node (TextEncoder/Decoder).

/** Number of distinct token ids: one per byte value. */
export const VOCAB_SIZE = 256;

/** Byte that ends every document in the prepared assets (ASCII "Record Separator"). */
export const DOC_SEPARATOR = 0x1e;

const encoder = new TextEncoder();
// fatal: false. A model may sample a byte sequence that is not valid UTF-8 (for example a
// multi-byte character cut in half); it decodes to U+FFFD instead of throwing.
const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * UTF-8 bytes of `text` as token ids. Lone UTF-16 surrogates (not representable in UTF-8)
 * become U+FFFD, as TextEncoder does; every well-formed string round-trips exactly.
 */
export function encode(text: string): Int32Array {
  return bytesToTokens(encoder.encode(text));
}

/** Text of token ids. Throws on an id outside [0, VOCAB_SIZE). */
export function decode(ids: ArrayLike<number>): string {
  return decoder.decode(tokensToBytes(ids));
}

/** Token ids of raw bytes (identity on values; widens to Int32 for the GPU). */
export function bytesToTokens(bytes: Uint8Array): Int32Array {
  return Int32Array.from(bytes);
}

/** Raw bytes of token ids, exact for any ids in range (also when they are not valid UTF-8). */
export function tokensToBytes(ids: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= VOCAB_SIZE) {
      throw new RangeError(`token id ${id} at position ${i} is outside the byte vocabulary [0, ${VOCAB_SIZE})`);
    }
    bytes[i] = id;
  }
  return bytes;
}
