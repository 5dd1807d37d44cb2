// Seeded randomness for the data pipeline: a SplitMix32 PRNG whose whole state is one uint32
// (so a checkpoint can save and restore it exactly) and a FNV-1a string hash used to assign
// items to splits. Integer-only arithmetic (Math.imul, >>> 0): the same sequence in every
// JS engine, browser or Node. Deliberately separate from the engine's PRNG: data code must
// not import engine internals.

/** SplitMix32: tiny, fast, full-period over its 32-bit state, good enough for sampling. */
export class SplitMix32 {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Next uniform uint32. */
  nextU32(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform integer in [0, n), n ≤ 2^32. Float scaling is exact IEEE arithmetic, so deterministic. */
  int(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`SplitMix32.int: n must be a positive integer, got ${n}`);
    return Math.floor((this.nextU32() / 4294967296) * n);
  }

  /** Uniform integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** The whole generator state (restore with `setState`). */
  getState(): number {
    return this.s;
  }

  setState(state: number): void {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) {
      throw new RangeError(`SplitMix32 state must be a uint32, got ${state}`);
    }
    this.s = state;
  }
}

/** FNV-1a 32-bit hash of a string's UTF-16 code units, finished with an avalanche mix. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  }
  // FNV's low bits are weak for short, similar keys ("add:12,34" vs "add:12,35"); mix them.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
