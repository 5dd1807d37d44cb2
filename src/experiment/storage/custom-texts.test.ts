// Tests of the custom text store on fake-indexeddb: round trip, dedup by hash, integrity, and
// what a run gets from it (the text by hash, or a message that says to paste it again).

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { CustomTextStore, customTextsInUse, withCustomText } from './custom-texts';

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

describe('custom texts for a run', () => {
  const config = { target: { domain: 'custom' as const, name: 'abc.txt', sha256: ABC, bytes: 3 } };
  it('adds the stored text to the assets, or says to paste it again', async () => {
    const s = await CustomTextStore.open(`custom-${Math.random()}`);
    await expect(withCustomText({ x: 1 }, config, s)).rejects.toThrow('The target text "abc.txt" (SHA-256 ba7816bf8f01…) is not stored in this browser. Paste the same text again');
    await expect(withCustomText({ x: 1 }, config, null)).rejects.toThrow('not stored in this browser');
    await s.put({ name: 'abc.txt', bytes, sha256: ABC });
    const a = await withCustomText({ x: 1 }, config, s);
    expect(a.x).toBe(1);
    expect(a.customTexts?.get(ABC)?.bytes).toEqual(bytes);
    // A built-in target needs nothing from the store.
    expect(await withCustomText({ x: 1 }, { target: { domain: 'code' } }, null)).toEqual({ x: 1 });
    s.close();
  });
  it('lists the texts saved runs refer to', () => {
    expect([...customTextsInUse([config, { target: { domain: 'code' } }, config])]).toEqual([ABC]);
  });
});
