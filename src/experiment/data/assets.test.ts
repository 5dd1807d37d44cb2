// The committed assets in public/data: they load and verify through the Node loader, train and
// held-out never share a document (nor, for English, any 64-byte passage), genre ranges are
// right, and a truncated or altered file is refused with a message that says so.
import { beforeAll, describe, expect, it } from 'vitest';
import { type DataAssets, type DocSplit, displayPath, fetchAssetSource, loadAssets, looksLikeHtml, parseAssets, validateManifest } from './assets';
import { BROWN_GENRES, genreOfFileId } from './brown';
import { domainSource, englishSource, resolveGenres } from './domains';
import { fsAssetSource, loadAssetsFromDisk } from './node-assets';
import { DOC_SEPARATOR } from './tokenizer';

let assets: DataAssets;
let buffers: Record<string, Uint8Array>;

beforeAll(async () => {
  assets = await loadAssetsFromDisk();
  buffers = {};
  for (const d of ['english', 'code'] as const) {
    for (const s of ['train', 'heldout'] as const) buffers[assets.manifest.domains[d].splits[s].file] = assets[d][s].bytes;
  }
});

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

const text = (split: DocSplit, i: number): string => {
  const d = split.docs[i];
  return new TextDecoder().decode(split.bytes.subarray(d.start, d.end));
};

/** Held-out windows of `len` bytes (every `stride` bytes, within documents) that also occur in train. */
function sharedWindows(train: Uint8Array, heldout: Uint8Array, len: number, stride: number, skip?: RegExp) {
  const trainText = new TextDecoder('latin1').decode(train);
  const held = new TextDecoder('latin1').decode(heldout);
  let checked = 0;
  const shared: string[] = [];
  for (let i = 0; i + len <= held.length; i += stride) {
    const w = held.slice(i, i + len);
    if (w.includes('\u001e') || skip?.test(w)) continue;
    checked++;
    if (trainText.includes(w)) shared.push(w);
  }
  return { checked, shared };
}

describe('data assets', () => {
  it('load, verify and stay small enough to commit', () => {
    const sizes = Object.values(buffers).map((b) => b.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(3_000_000);
    expect(assets.english.train.bytes.length).toBeGreaterThan(1_000_000);
    expect(assets.code.train.bytes.length).toBeGreaterThan(500_000);
    for (const split of [assets.english.heldout, assets.code.heldout]) {
      expect(split.bytes.length).toBeGreaterThan(100_000);
      expect(split.bytes.length).toBeLessThanOrEqual(200_000);
    }
  });

  it('end every document with the separator and hold it nowhere else', () => {
    for (const d of ['english', 'code'] as const) {
      for (const s of ['train', 'heldout'] as const) {
        const split = assets[d][s];
        const seps = split.bytes.reduce((n, b) => n + (b === DOC_SEPARATOR ? 1 : 0), 0);
        expect(seps).toBe(split.docs.length);
        for (const doc of split.docs) expect(split.bytes[doc.end]).toBe(DOC_SEPARATOR);
        // valid UTF-8 throughout
        expect(() => new TextDecoder('utf-8', { fatal: true }).decode(split.bytes)).not.toThrow();
      }
    }
  });

  it('never share a document between train and held-out', () => {
    for (const d of ['english', 'code'] as const) {
      const train = assets[d].train;
      const held = assets[d].heldout;
      const trainIds = new Set(train.docs.map((x) => x.id));
      expect(held.docs.filter((x) => trainIds.has(x.id))).toEqual([]);
      const trainTexts = new Set(train.docs.map((_, i) => text(train, i)));
      expect(held.docs.filter((_, i) => trainTexts.has(text(held, i)))).toEqual([]);
    }
  });

  it('English: no 64-byte held-out passage appears in train', () => {
    const { checked, shared } = sharedWindows(assets.english.train.bytes, assets.english.heldout.bytes, 64, 61);
    expect(checked).toBeGreaterThan(2000);
    expect(shared).toEqual([]);
  });

  it('code: held-out files share only boilerplate with train', () => {
    // Banner comments ("//-----") and copied deprecation notices recur across ESLint's files;
    // outside those, few 128-byte held-out passages occur in train.
    const { checked, shared } = sharedWindows(assets.code.train.bytes, assets.code.heldout.bytes, 128, 61, /-----|deprecat/i);
    expect(checked).toBeGreaterThan(1500);
    expect(shared.length / checked).toBeLessThan(0.03);
  });

  it('English holds every genre in corpus order, every 10th text held out', () => {
    for (const s of ['train', 'heldout'] as const) {
      const split = assets.english[s];
      expect(Object.keys(split.genres!)).toEqual(BROWN_GENRES.map((g) => g.id));
      for (const [genre, r] of Object.entries(split.genres!)) {
        const docs = split.docs.filter((d) => d.start >= r.start && d.end < r.end);
        expect(docs).toHaveLength(r.documents);
        expect(docs.every((d) => genreOfFileId(d.id) === genre)).toBe(true);
      }
    }
    // ca01, ca11, ... are held out; ca02 is in train
    expect(assets.english.heldout.docs.map((d) => d.id)).toContain('ca01');
    expect(assets.english.heldout.docs.map((d) => d.id)).toContain('cm01');
    expect(assets.english.train.docs.map((d) => d.id)).toContain('ca02');
    expect(text(assets.english.heldout, 0)).toMatch(/^The Fulton County Grand Jury said Friday/);
  });

  it('select genres and genre groups as token sources', () => {
    expect(resolveGenres(['fiction'])).toEqual(['fiction', 'mystery', 'science_fiction', 'adventure', 'romance', 'humor']);
    expect(resolveGenres(['learned', 'news'])).toEqual(['news', 'learned']);
    expect(() => resolveGenres(['poetry'])).toThrow(/unknown English genre "poetry"/);
    const learned = englishSource(assets.english.train, ['learned']);
    const r = assets.english.train.genres!.learned;
    expect(same(learned.bytes, assets.english.train.bytes.subarray(r.start, r.end))).toBe(true);
    const all = domainSource(assets, { domain: 'english' }, 'heldout');
    expect(all.bytes).toBe(assets.english.heldout.bytes);
    expect(domainSource(assets, { domain: 'code' }, 'train').bytes).toBe(assets.code.train.bytes);
    expect(() => domainSource(null, { domain: 'code' }, 'train')).toThrow(/needs the data assets/);
  });
});

describe('asset verification', () => {
  it('refuses a truncated file', () => {
    const file = assets.manifest.domains.english.splits.heldout.file;
    const bad = { ...buffers, [file]: buffers[file].subarray(0, buffers[file].length - 10) };
    expect(() => parseAssets(assets.manifest, bad)).toThrow(/english\.heldout\.bin is corrupted \(truncated\): \d+ bytes, manifest says \d+/);
  });

  it('refuses a file whose checksum does not match', () => {
    const file = assets.manifest.domains.code.splits.train.file;
    const altered = buffers[file].slice();
    altered[1000] ^= 1;
    expect(() => parseAssets(assets.manifest, { ...buffers, [file]: altered })).toThrow(/code\.train\.bin is corrupted: checksum mismatch/);
  });

  it('refuses a missing file and a malformed manifest', async () => {
    const file = assets.manifest.domains.code.splits.heldout.file;
    const missing = { ...buffers };
    delete missing[file];
    expect(() => parseAssets(assets.manifest, missing)).toThrow(/code\.heldout\.bin .* was not provided/);
    expect(() => validateManifest({ format: 'x' })).toThrow(/not a lora-lab-data manifest/);
    const m = structuredClone(assets.manifest);
    m.domains.english.splits.train.docs[1].start += 1;
    expect(() => validateManifest(m)).toThrow(/contiguous/);
    await expect(fsAssetSource('/nonexistent').read('manifest.json')).rejects.toThrow(/npm run prepare-data/);
  });

  it('loads the same assets through a fetch-based source', async () => {
    const disk = fsAssetSource();
    const fakeFetch = (async (url: string) => {
      const name = url.slice('http://x/data/'.length);
      const bytes = await disk.read(name);
      return new Response(bytes.slice());
    }) as unknown as typeof fetch;
    const viaFetch = await loadAssets(fetchAssetSource('http://x/data', fakeFetch));
    expect(viaFetch.manifest).toEqual(assets.manifest);
    expect(same(viaFetch.code.heldout.bytes, assets.code.heldout.bytes)).toBe(true);
    const notFound = (async () => new Response('', { status: 404 })) as unknown as typeof fetch;
    await expect(fetchAssetSource('http://x/data/', notFound).read('manifest.json')).rejects.toThrow(/HTTP 404/);
  });
});

/** A fetch over the files on disk, served as `http://x/data/<name>`, with one file replaced by `answer`. */
function fakeFetch(answer: Record<string, () => Response> = {}) {
  const disk = fsAssetSource();
  return (async (url: string) => {
    const name = url.slice('http://x/data/'.length);
    if (answer[name]) return answer[name]();
    return new Response((await disk.read(name)).slice(), { headers: { 'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
  }) as unknown as typeof fetch;
}

const INDEX_HTML = '<!doctype html>\n<html lang="en"><head><title>LoRA Lab</title></head></html>';

describe('fetched assets: a bad file is named, with what is wrong', () => {
  const load = (answer: Record<string, () => Response>) => loadAssets(fetchAssetSource('http://x/data/', fakeFetch(answer)));

  it('a missing file (404) is "not found", with its path', async () => {
    await expect(load({ 'code.train.bin': () => new Response('', { status: 404 }) })).rejects.toThrow('data/code.train.bin not found (HTTP 404)');
    await expect(load({ 'manifest.json': () => new Response('nope', { status: 404 }) })).rejects.toThrow('data/manifest.json not found (HTTP 404)');
  });

  it('another error status names the file and the status', async () => {
    await expect(load({ 'english.train.bin': () => new Response('', { status: 500 }) })).rejects.toThrow('data/english.train.bin could not be fetched: HTTP 500');
  });

  it('a web page in place of the file (a static server\'s fallback) is "not found"', async () => {
    const page = () => new Response(INDEX_HTML, { headers: { 'content-type': 'text/html' } });
    await expect(load({ 'code.heldout.bin': page })).rejects.toThrow('data/code.heldout.bin not found: the server sent a web page in its place');
    await expect(load({ 'manifest.json': page })).rejects.toThrow('data/manifest.json not found');
    // No content type: recognised by its first bytes.
    const bare = () => new Response(`  ${INDEX_HTML}`);
    await expect(load({ 'english.heldout.bin': bare })).rejects.toThrow('data/english.heldout.bin not found: the server sent a web page');
  });

  it('a truncated file and a corrupted one are named with what is wrong', async () => {
    const disk = fsAssetSource();
    const cut = (await disk.read('code.train.bin')).slice(0, 100);
    await expect(load({ 'code.train.bin': () => new Response(cut) })).rejects.toThrow(/^data\/code\.train\.bin is corrupted \(truncated\): 100 bytes, manifest says \d+/);
    const altered = (await disk.read('english.heldout.bin')).slice();
    altered[5] ^= 0x20;
    await expect(load({ 'english.heldout.bin': () => new Response(altered) })).rejects.toThrow(/^data\/english\.heldout\.bin is corrupted: checksum mismatch/);
  });

  it('a manifest that is not JSON or not a data manifest is named', async () => {
    await expect(load({ 'manifest.json': () => new Response('{"format":') })).rejects.toThrow(/^data\/manifest\.json is not a data manifest: not valid JSON/);
    await expect(load({ 'manifest.json': () => new Response('{"format":"x"}') })).rejects.toThrow('data/manifest.json: not a lora-lab-data manifest');
  });

  it('a network failure names the file', async () => {
    const offline = (async () => { throw new TypeError('Failed to fetch'); }) as unknown as typeof fetch;
    await expect(fetchAssetSource('http://x/data', offline).read('manifest.json')).rejects.toThrow('data/manifest.json could not be fetched: Failed to fetch');
  });

  it('tells a web page from a binary that happens to start with "<"', () => {
    const bytes = (t: string) => new TextEncoder().encode(t);
    expect(looksLikeHtml('a.bin', 'text/html; charset=utf-8', bytes('anything'))).toBe(true);
    expect(looksLikeHtml('a.bin', null, bytes('<!DOCTYPE html><html>'))).toBe(true);
    expect(looksLikeHtml('a.bin', null, bytes('<<< binary'))).toBe(false);
    expect(looksLikeHtml('a.bin', 'application/octet-stream', new Uint8Array([0x3c, 0, 0, 0]))).toBe(false);
    expect(looksLikeHtml('a.json', null, bytes('\n<p>error</p>'))).toBe(true);
    expect(looksLikeHtml('a.json', 'application/json', bytes('{"a":1}'))).toBe(false);
    expect(displayPath('http://127.0.0.1:4173/models/small.json')).toBe('models/small.json');
    expect(displayPath('models/x.json')).toBe('models/x.json');
  });
});
