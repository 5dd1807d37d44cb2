// Pins the engine's random numbers to values computed independently (a Python transcription
// of the PCG hash and SplitMix32 with explicit 32-bit masking): dropout masks, seeds and
// saved initialisations depend on these exact sequences, and the reference re-exports them.
import { describe, expect, it } from 'vitest';
import * as reference from '../reference/rng';
import { hash_u32, pcg_u32, Rng, u01 } from './rng';

describe('engine rng', () => {
  it('pcg_u32 and hash_u32 give the known 32-bit values', () => {
    expect([0, 1, 2, 0xffffffff].map(pcg_u32)).toEqual([129708002, 2831084092, 2055130248, 3861530882]);
    expect([hash_u32(0, 0), hash_u32(42, 7), hash_u32(0xdeadbeef, 123456)]).toEqual([817759070, 1940953008, 1679194636]);
  });

  it('Rng (SplitMix32) gives the known sequence', () => {
    const r = new Rng(1234);
    expect([r.nextU32(), r.nextU32(), r.nextU32()]).toEqual([1889054206, 3098527212, 4145563210]);
  });

  it('u01 stays below 1 at the largest hash', () => {
    expect(u01(0xffffffff)).toBe(1 - 2 ** -24);
  });

  it('the reference draws from the same definitions', () => {
    expect(reference.Rng).toBe(Rng);
    expect(reference.hash_u32).toBe(hash_u32);
  });
});
