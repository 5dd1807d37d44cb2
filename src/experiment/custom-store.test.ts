// Tests of the custom text store on fake-indexeddb: round trip, dedup by hash, integrity.

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { CustomTextStore } from './custom-store';

const bytes = new TextEncoder().encode('abc');
// SHA-256("abc"), FIPS 180-2 appendix B.1.
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe('CustomTextStore', () => {
  it('stores a text by its hash and gives it back after reopening', async () => {
    const name = `custom-${Math.random()}`;
    const s = await CustomTextStore.open(name);
    await s.put({ name: 'abc.txt', bytes, sha256: ABC });
    await s.put({ name: 'again.txt', bytes, sha256: ABC });
    s.close();
    const t = await CustomTextStore.open(name);
    const got = await t.get(ABC);
    expect(got?.bytes).toEqual(bytes);
    expect(got?.name).toBe('again.txt');
    expect((await t.list()).map((r) => [r.sha256, r.bytes])).toEqual([[ABC, 3]]);
    await t.delete(ABC);
    expect(await t.get(ABC)).toBeNull();
    t.close();
  });
  it('refuses a text whose hash does not match', async () => {
    const s = await CustomTextStore.open(`custom-${Math.random()}`);
    await expect(s.put({ name: 'x', bytes, sha256: ABC.replace('b', 'c') })).rejects.toThrow('does not match');
    expect(await s.get('0'.repeat(64))).toBeNull();
    s.close();
  });
});
