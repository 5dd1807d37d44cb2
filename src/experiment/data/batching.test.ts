// Seeded batching: determinism, checkpoint exactness, targets and masks, held-out windows.
import { describe, expect, it } from 'vitest';
import { Batcher, heldOutBatches, type TokenSource } from './batching';
import { mathSource } from './domains';
import { SplitMix32 } from './rng';

const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7 + (i >> 5)) & 255);
const source: TokenSource = { name: 'synthetic', bytes };

const take = (b: Batcher, n: number) => Array.from({ length: n }, () => b.next());

describe('Batcher', () => {
  it('gives identical batches for the same seed and different ones for another seed', () => {
    const a = take(new Batcher(source, { batchSize: 4, seqLen: 16, seed: 1 }), 10);
    const b = take(new Batcher(source, { batchSize: 4, seqLen: 16, seed: 1 }), 10);
    const c = take(new Batcher(source, { batchSize: 4, seqLen: 16, seed: 2 }), 10);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[0]).not.toEqual(a[1]);
  });

  it('samples contiguous windows with next-byte targets at SplitMix32-chosen offsets', () => {
    const B = 3;
    const T = 8;
    const batch = new Batcher(source, { batchSize: B, seqLen: T, seed: 1234 }).next();
    const rng = new SplitMix32(1234);
    for (let r = 0; r < B; r++) {
      const s = rng.int(bytes.length - T);
      expect(Array.from(batch.tokens.subarray(r * T, (r + 1) * T))).toEqual(Array.from(bytes.subarray(s, s + T)));
      expect(Array.from(batch.targets.subarray(r * T, (r + 1) * T))).toEqual(Array.from(bytes.subarray(s + 1, s + T + 1)));
    }
  });

  it('resumes exactly from state()', () => {
    const a = new Batcher(source, { batchSize: 3, seqLen: 8, seed: 99 });
    take(a, 5);
    const saved = JSON.parse(JSON.stringify(a.state()));
    const rest = take(a, 5);
    const b = new Batcher(source, { batchSize: 3, seqLen: 8, seed: 99 });
    b.restore(saved);
    expect(b.steps).toBe(5);
    expect(take(b, 5)).toEqual(rest);
    expect(() => new Batcher(source, { batchSize: 3, seqLen: 8, seed: 98 }).restore(saved)).toThrow(/seed 99/);
    expect(() => new Batcher(source, { batchSize: 2, seqLen: 8, seed: 99 }).restore(saved)).toThrow(/B=3/);
  });

  it('skips batches without reading them, landing where drawing them would', () => {
    const a = new Batcher(source, { batchSize: 3, seqLen: 8, seed: 5 });
    take(a, 7);
    const b = new Batcher(source, { batchSize: 3, seqLen: 8, seed: 5 });
    b.skip(7);
    expect(b.steps).toBe(7);
    expect(take(b, 3)).toEqual(take(a, 3));
  });

  it('refuses sources too short for a window', () => {
    expect(() => new Batcher({ name: 'tiny', bytes: new Uint8Array(16) }, { batchSize: 1, seqLen: 16, seed: 0 })).toThrow(
      /tiny has 16 bytes, too short for windows of 17/,
    );
    expect(() => new Batcher(source, { batchSize: 0, seqLen: 16, seed: 0 })).toThrow(/batch size/);
  });

  it('masks targets and starts windows only at allowed offsets', () => {
    const math = mathSource('train', { seed: 3, bytes: 20_000, answerOnly: true });
    const starts = new Set(math.starts);
    const b = new Batcher(math, { batchSize: 8, seqLen: 64, seed: 5 });
    for (const batch of take(b, 20)) {
      for (let r = 0; r < 8; r++) {
        // Every window begins with "Q: "
        expect(String.fromCharCode(...batch.tokens.subarray(r * 64, r * 64 + 3))).toBe('Q: ');
        for (let t = 0; t < 64; t++) {
          const y = batch.targets[r * 64 + t];
          if (y !== -1) expect(y === 0x0a || (y >= 0x30 && y <= 0x39)).toBe(true);
        }
      }
    }
    expect(starts.size).toBe(math.starts!.length);
    const full = new Batcher(mathSource('train', { seed: 3, bytes: 20_000 }), { batchSize: 8, seqLen: 64, seed: 5 }).next();
    expect(full.targets.every((y) => y >= 0)).toBe(true);
  });
});

describe('heldOutBatches', () => {
  it('is fixed, evenly spaced and covers both ends', () => {
    const a = heldOutBatches(source, 4, 32, 3);
    expect(a).toEqual(heldOutBatches(source, 4, 32, 3));
    expect(a).toHaveLength(3);
    expect(Array.from(a[0].tokens.subarray(0, 32))).toEqual(Array.from(bytes.subarray(0, 32)));
    const last = a[2].tokens.subarray(3 * 32, 4 * 32);
    expect(Array.from(last)).toEqual(Array.from(bytes.subarray(bytes.length - 33, bytes.length - 1)));
    expect(Array.from(a[2].targets.subarray(3 * 32, 4 * 32))).toEqual(Array.from(bytes.subarray(bytes.length - 32)));
  });

  it('aligns math windows to problem starts', () => {
    const math = mathSource('heldout');
    for (const batch of heldOutBatches(math, 4, 48, 4)) {
      for (let r = 0; r < 4; r++) expect(String.fromCharCode(...batch.tokens.subarray(r * 48, r * 48 + 3))).toBe('Q: ');
    }
  });
});
