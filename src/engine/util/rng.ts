// Deterministic integer hashing and seeded random numbers for the engine: hash_u32 seeds
// the dropout masks (shaders/lora_dropout.wgsl re-implements it bit for bit, so GPU masks match the
// reference's exactly) and Rng draws parameter initialisations, identically in every JS
// engine. The reference (src/engine/reference/rng.ts) re-exports this module, so the oracle
// and the engine draw the same numbers without the engine depending on the oracle.

/** PCG-style 32-bit integer hash (one round of the PCG output permutation). */
export function pcg_u32(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** Hash of (seed, index), the only source of randomness inside kernels. */
export function hash_u32(seed: number, index: number): number {
  return pcg_u32((pcg_u32(seed >>> 0) ^ (index >>> 0)) >>> 0);
}

/** Uniform in [0, 1) from the top 24 bits of a hash (exact in f32). */
export function u01(h: number): number {
  return (h >>> 8) / 16777216;
}

/** Dropout keep decision: true when the element is kept. */
export function dropout_keep(seed: number, index: number, p: number): boolean {
  return u01(hash_u32(seed, index)) >= p;
}

/** Small seeded PRNG (SplitMix32) for initialisation; same sequence in every JS engine. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }
  /** Standard normal (Box-Muller). */
  normal(): number {
    const u1 = Math.max(this.uniform(), 1e-12);
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  /** Derives an independent generator for a named stream. */
  fork(tag: number): Rng {
    return new Rng(hash_u32(this.nextU32(), tag));
  }
}
