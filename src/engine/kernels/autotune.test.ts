// The autotuner's choice logic with fake timers: it picks the lowest median (not the mean,
// not the warm-up), caches per adapter and shape class, shares one timing between concurrent
// asks, ignores stale cache entries, and the JSON file cache round-trips.
import { describe, expect, it } from 'vitest';
import { adapterKey, Autotuner, JsonFileAutotuneCache, MemoryAutotuneCache, pickFastest, sizeBucket, type Candidate } from './autotune';

const V = ['register', 'tiled'] as const;

/** A candidate whose successive timings are `ms` in order; counts its calls. */
function fake<V extends string>(variant: V, ms: number[]): Candidate<V> & { calls: number } {
  const c = {
    variant,
    calls: 0,
    time: async () => ms[Math.min(c.calls++, ms.length - 1)],
  };
  return c;
}

describe('pickFastest', () => {
  it('discards the warm-up and compares medians', async () => {
    // b's warm-up is huge (compilation) and one run is an outlier; its median is still lower.
    const a = fake('a', [1, 5, 5, 5]);
    const b = fake('b', [900, 4, 50, 4]);
    const r = await pickFastest([a, b], 3);
    expect(r.variant).toBe('b');
    expect(r.medians).toEqual({ a: 5, b: 4 });
    expect(a.calls).toBe(4);
    expect(b.calls).toBe(4);
  });

  it('keeps the first candidate on a tie and rejects an empty list', async () => {
    expect((await pickFastest([fake('x', [2]), fake('y', [2])], 2)).variant).toBe('x');
    await expect(pickFastest([], 2)).rejects.toThrow(/no candidates/);
  });
});

describe('Autotuner', () => {
  it('times once per adapter and shape class, then answers from the cache', async () => {
    const cache = new MemoryAutotuneCache();
    const tuner = new Autotuner({ adapterKey: 'nvidia/ampere', cache, repeats: 1 });
    const made: string[] = [];
    const cands = (slow: string) => () => {
      made.push(slow);
      return [fake('register', [slow === 'register' ? 9 : 1]), fake('tiled', [slow === 'tiled' ? 9 : 1])];
    };
    // Two concurrent asks for the same class share one timing.
    const [v1, v2] = await Promise.all([
      tuner.choose('matmul', 'small', V, cands('register')),
      tuner.choose('matmul', 'small', V, cands('register')),
    ]);
    expect([v1, v2]).toEqual(['tiled', 'tiled']);
    expect(await tuner.choose('matmul', 'large', V, cands('tiled'))).toBe('register');
    expect(await tuner.choose('matmul', 'small', V, cands('tiled'))).toBe('tiled');
    expect(made).toEqual(['register', 'tiled']);
    expect([...cache.entries]).toEqual([['nvidia/ampere|matmul|small', 'tiled'], ['nvidia/ampere|matmul|large', 'register']]);

    // Another adapter sharing the cache times again; a fresh tuner on the same adapter does not.
    const other = new Autotuner({ adapterKey: 'amd/rdna3', cache, repeats: 1 });
    expect(await other.choose('matmul', 'small', V, cands('tiled'))).toBe('register');
    const again = new Autotuner({ adapterKey: 'nvidia/ampere', cache, repeats: 1 });
    expect(await again.choose('matmul', 'small', V, () => { throw new Error('should not time'); })).toBe('tiled');
  });

  it('times again when the cached variant no longer exists', async () => {
    const cache = new MemoryAutotuneCache();
    cache.set('k|matmul|s', 'retired');
    const tuner = new Autotuner({ adapterKey: 'k', cache, repeats: 1 });
    expect(await tuner.choose('matmul', 's', V, () => [fake('register', [3]), fake('tiled', [2])])).toBe('tiled');
    expect(cache.get('k|matmul|s')).toBe('tiled');
  });
});

describe('JsonFileAutotuneCache', () => {
  it('starts empty without a file and writes every choice', async () => {
    const files = new Map<string, string>();
    const io = {
      readFile: async (p: string) => {
        const s = files.get(p);
        if (s === undefined) throw new Error('ENOENT');
        return s;
      },
      writeFile: async (p: string, d: string) => void files.set(p, d),
    };
    const c1 = new JsonFileAutotuneCache('a.json', io);
    expect(await c1.get('x')).toBeUndefined();
    await c1.set('x', 'tiled');
    await c1.set('y', 'register');
    expect(JSON.parse(files.get('a.json')!)).toEqual({ x: 'tiled', y: 'register' });
    expect(await new JsonFileAutotuneCache('a.json', io).get('y')).toBe('register');
  });
});

describe('keys and buckets', () => {
  it('builds adapter keys and power-of-two buckets', () => {
    expect(adapterKey({ vendor: 'apple', architecture: 'metal-3', description: '' })).toBe('apple/metal-3//');
    expect(adapterKey({})).toBe('unknown-adapter');
    expect([1, 2, 3, 64, 65, 100000].map(sizeBucket)).toEqual([1, 2, 4, 64, 128, 4096]);
  });
});
