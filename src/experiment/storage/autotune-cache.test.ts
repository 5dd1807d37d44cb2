// IdbAutotuneCache against fake-indexeddb: a choice written by one cache instance is read by
// a fresh instance on the same database (what a page reload does), keys stay separate, and a
// missing key reads as undefined.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IdbAutotuneCache } from './autotune-cache';

describe('IdbAutotuneCache', () => {
  it('persists choices across instances, per key', async () => {
    const name = `autotune-test-${Math.random()}`;
    const a = new IdbAutotuneCache(name);
    expect(await a.get('gpu-a/matmul/64x64x64')).toBeUndefined();
    await a.set('gpu-a/matmul/64x64x64', 'tiled');
    await a.set('gpu-b/matmul/64x64x64', 'register');
    await a.close();
    const b = new IdbAutotuneCache(name);
    expect(await b.get('gpu-a/matmul/64x64x64')).toBe('tiled');
    expect(await b.get('gpu-b/matmul/64x64x64')).toBe('register');
    expect(await b.get('gpu-a/matmul/128x64x64')).toBeUndefined();
    await b.set('gpu-a/matmul/64x64x64', 'register');
    await b.close();
    expect(await new IdbAutotuneCache(name).get('gpu-a/matmul/64x64x64')).toBe('register');
  });
});
