// Public surface of the data layer (tokenizer, domains, batching, asset loading). Runs in a
// browser Worker and in Node. The fs-backed loader is separate (node-assets.ts) so the
// Worker bundle never pulls in node:fs.

export { VOCAB_SIZE, DOC_SEPARATOR, encode, decode, bytesToTokens, tokensToBytes } from './tokenizer';
export { SplitMix32, hashString } from './rng';
export { sha256Hex } from './sha256';
export * from './assets';
export type { DocEntry } from './pack';
export { BROWN_GENRES, BROWN_GENRE_GROUPS, type BrownGenre } from './brown';
export * from './math';
export * from './batching';
export * from './domains';
