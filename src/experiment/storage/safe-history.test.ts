// SafeHistory against fake-indexeddb: storage that cannot be opened (no IndexedDB, refused,
// switched off by the test hook, blocked by an older tab, upgraded by a newer one) keeps the
// session's runs in memory and says results will not be kept; a full quota mid-run drops the
// write without throwing, keeps the run and checkpoint saved before it, says storage is full and
// how much is stored, and says "ok" once writes succeed again. Also the helpers' known answers.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PRESETS } from '../config';
import { quotaError, RunHistory } from './history';
import type { SavedRun } from '../protocol';
import type { ExperimentCheckpoint } from '../run/runner';
import { formatBytes, isQuotaError, SafeHistory, type StorageReport } from './safe-history';

const run = (id: string, evals = 1, state: SavedRun['state'] = 'running'): SavedRun => ({
  id, preset: 'english-code', config: PRESETS['english-code'].config, createdAt: 1, updatedAt: 1, state, step: evals,
  methods: [{ id: 'full', label: 'Full', kind: 'full', trainableParams: 1, totalParams: 1, dispatchesPerStep: 1, memory: { weightBytes: 4, gradientBytes: 4, optimizerBytes: 8, activationBytes: 4 } }],
  evals: Array.from({ length: evals }, (_, i) => ({ step: i, method: 'full', targetLoss: 3 - i / 10, sourceLoss: 2 })),
  checkpointStep: null,
});

const ckpt = (step: number): ExperimentCheckpoint => ({
  config: PRESETS['english-code'].config, step, batcher: { seed: 1, batchSize: 8, seqLen: 64, step, rng: 12345 },
  methods: { full: { params: new Float32Array([step, -2, 0.5]), m: new Float32Array(3), v: new Float32Array(3), step, diverged: false } },
  evals: [], steps: [],
});

const dbName = () => `storage-test-${Math.random()}`;

function reporter() {
  const reports: StorageReport[] = [];
  return { reports, report: (r: StorageReport) => reports.push(r) };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

async function exercisesMemory(h: SafeHistory): Promise<void> {
  expect(await h.save(run('m', 2))).toBe(true);
  await h.saveCheckpoint('m', ckpt(2));
  expect((await h.get('m'))?.evals).toHaveLength(2);
  expect((await h.get('m'))?.checkpointStep).toBe(2);
  expect((await h.checkpoint('m'))?.methods.full.params).toEqual(new Float32Array([2, -2, 0.5]));
  expect((await h.list()).map((r) => r.id)).toEqual(['m']);
  await h.delete('m');
  expect(await h.list()).toEqual([]);
}

describe('SafeHistory when storage cannot be opened', () => {
  it('keeps runs in memory and says results will not be kept when there is no IndexedDB', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const { reports, report } = reporter();
    const h = await SafeHistory.open(report, dbName());
    expect(reports).toEqual([]); // lazy: nothing is opened before the first access
    await exercisesMemory(h);
    expect(h.available).toBe(false);
    expect(reports).toHaveLength(1);
    expect(reports[0].ok).toBe(false);
    expect(reports[0].message).toMatch(/will not be kept after this tab closes/);
    expect(reports[0].message).toMatch(/no IndexedDB/);
  });

  it('names a refused open (SecurityError) and keeps a saved run apart from the caller’s object', async () => {
    vi.stubGlobal('indexedDB', { open: () => { throw new DOMException('denied', 'SecurityError'); } });
    const { reports, report } = reporter();
    const h = await SafeHistory.open(report, dbName());
    const r = run('x', 1);
    await h.save(r);
    r.evals.push({ step: 9, method: 'full', targetLoss: 0, sourceLoss: 0 });
    expect((await h.get('x'))?.evals).toHaveLength(1);
    expect(reports.map((x) => x.ok)).toEqual([false]);
    expect(reports[0].message).toMatch(/does not let this page store data/);
  });

  it('the storage-unavailable fault injected right after open switches to memory and writes nothing to IndexedDB', async () => {
    const name = dbName();
    const { reports, report } = reporter();
    const h = await SafeHistory.open(report, name);
    h.injectFault('storage-unavailable');
    await exercisesMemory(h);
    await h.save(run('kept-in-memory'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ ok: false });
    expect(reports[0].message).toMatch(/will not be kept/);
    const direct = await RunHistory.open(name);
    expect(await direct.list()).toEqual([]);
    direct.close();
  });

  it('a switch to memory while writes are in flight loses none of them', async () => {
    const { reports, report } = reporter();
    const h = await SafeHistory.open(report, dbName());
    await h.save(run('a'));
    const pending = [h.save(run('b')), h.saveCheckpoint('b', ckpt(2)), h.save(run('c'))];
    h.injectFault('storage-unavailable');
    expect(await Promise.all(pending)).toEqual([true, true, true]);
    expect(reports).toHaveLength(1);
    await h.save(run('d'));
    expect((await h.list()).map((r) => r.id).sort()).toContain('d');
  });

  it('an open blocked by an older tab that never lets go gives up within the timeout', async () => {
    const name = dbName();
    // An "older tab": version 1, with no versionchange handler, so it never closes.
    const old = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('runs', { keyPath: 'id' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const { reports, report } = reporter();
    const h = await SafeHistory.open(report, name, { blockedTimeoutMs: 200 });
    const t0 = Date.now();
    expect(await h.list()).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(h.available).toBe(false);
    expect(reports[0].message).toMatch(/another tab of LoRA Lab, opened before an update, keeps the saved runs open/);
    await exercisesMemory(h);
    old.close();
  });

  it('a newer version opened in another tab is not blocked, keeps this tab’s saved run, and this tab goes on in memory', async () => {
    const name = dbName();
    const { reports, report } = reporter();
    const h = await SafeHistory.open(report, name);
    await h.save(run('a', 2));
    expect(reports).toEqual([]);
    // The "newer tab" upgrades to version 3: it must open (this tab's connection closes itself) and see run a.
    const newer = await Promise.race([
      new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name, 3);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the upgrade was blocked')), 3000)),
    ]);
    const a = await new Promise<SavedRun>((resolve) => {
      const req = newer.transaction('runs').objectStore('runs').get('a');
      req.onsuccess = () => resolve(req.result as SavedRun);
    });
    expect(a.evals).toHaveLength(2);
    expect(await h.save(run('b'))).toBe(true);
    expect(h.available).toBe(false);
    expect(reports).toHaveLength(1);
    expect(reports[0].message).toMatch(/newer version of LoRA Lab.*reload this tab/);
    expect((await h.get('b'))?.id).toBe('b');
    newer.close();
  });
});

describe('SafeHistory when storage is full', () => {
  it('a quota fault mid-run loses nothing saved before it, never throws, and says storage is full with the usage', async () => {
    const name = dbName();
    const { reports, report } = reporter();
    const h = await SafeHistory.open(report, name, { estimate: async () => ({ usage: 48_200_000, quota: 50_000_000 }) });
    expect(await h.save(run('old', 3, 'done'))).toBe(true);
    expect(await h.save(run('a', 1))).toBe(true);
    expect(await h.saveCheckpoint('a', ckpt(1))).toBe(true);
    h.injectFault('storage-quota');
    // The run trains on: a later evaluation, a checkpoint and the final state are all refused.
    expect(await h.save(run('a', 3))).toBe(false);
    expect(await h.saveCheckpoint('a', ckpt(3))).toBe(false);
    expect(await h.save(run('a', 4, 'done'))).toBe(false);
    expect(reports).toHaveLength(1);
    expect(reports[0].ok).toBe(false);
    expect(reports[0].message).toMatch(/^Storage is full/);
    expect(reports[0].message).toContain('48 MB of the 50 MB');
    expect(reports[0].message).toMatch(/Delete old runs in Saved runs to free space/);
    // The last good copies stay, in this connection and in a fresh one (as after a reload).
    const fresh = await RunHistory.open(name);
    for (const store of [h, fresh]) {
      const a = await store.get('a');
      expect(a?.evals).toHaveLength(1);
      expect(a?.state).toBe('running');
      expect(a?.checkpointStep).toBe(1);
      expect((await store.checkpoint('a'))?.methods.full.params).toEqual(new Float32Array([1, -2, 0.5]));
      expect((await store.get('old'))?.evals).toHaveLength(3);
    }
    fresh.close();
    // Deleting, which frees space, still works under the fault.
    await h.delete('old');
    expect((await h.list()).map((r) => r.id)).toEqual(['a']);
    expect(h.available).toBe(true);
  });

  it('without an estimate the message gives the saved runs’ size', async () => {
    const { reports, report } = reporter();
    const h = await SafeHistory.open(report, dbName(), { estimate: async () => null });
    await h.save(run('a', 1));
    const [summary] = await h.list();
    h.injectFault('storage-quota');
    await h.save(run('a', 2));
    expect(reports[0].message).toContain(`(the saved run takes about ${formatBytes(summary.bytes)})`);
  });

  it('reports ok once after every refused kind of write succeeds again', async () => {
    const { reports, report } = reporter();
    const h = await SafeHistory.open(report, dbName(), { estimate: async () => null });
    await h.save(run('a'));
    // A real browser's refusal arrives as the aborted transaction's error; idb rejects with it.
    const abort = Object.assign(new DOMException('aborted', 'AbortError'), { target: { error: quotaError() } });
    vi.spyOn(RunHistory.prototype, 'saveCheckpoint').mockRejectedValueOnce(abort);
    vi.spyOn(RunHistory.prototype, 'save').mockRejectedValueOnce(quotaError());
    expect(await h.saveCheckpoint('a', ckpt(1))).toBe(false);
    expect(await h.save(run('a', 2))).toBe(false);
    expect(reports.map((r) => r.ok)).toEqual([false]);
    // Room again (the user deleted runs): a run save alone does not clear the checkpoint's refusal.
    expect(await h.save(run('a', 3))).toBe(true);
    expect(reports.map((r) => r.ok)).toEqual([false]);
    expect(await h.saveCheckpoint('a', ckpt(3))).toBe(true);
    expect(reports).toEqual([{ ok: false, message: reports[0].message }, { ok: true, message: '' }]);
    await h.save(run('a', 4));
    expect(reports).toHaveLength(2);
    expect((await h.get('a'))?.checkpointStep).toBe(3);
  });

  it('other write errors are not mistaken for a full store', async () => {
    const { reports, report } = reporter();
    const h = await SafeHistory.open(report, dbName());
    await h.save(run('a'));
    vi.spyOn(RunHistory.prototype, 'save').mockRejectedValueOnce(new DOMException('cannot clone', 'DataCloneError'));
    await expect(h.save(run('a'))).rejects.toThrow('cannot clone');
    expect(reports).toEqual([]);
  });
});

describe('storage helpers', () => {
  it('recognises a quota error however it is wrapped', () => {
    expect(isQuotaError(new DOMException('full', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'AbortError', target: { error: new DOMException('full', 'QuotaExceededError') } })).toBe(true);
    expect(isQuotaError(new Error('save failed', { cause: { name: 'QuotaExceededError' } }))).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isQuotaError({ code: 22 })).toBe(false);
    expect(isQuotaError(null)).toBe(false);
    expect(isQuotaError('QuotaExceededError')).toBe(false);
  });

  it('formats sizes in decimal units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.0 kB');
    expect(formatBytes(1234)).toBe('1.2 kB');
    expect(formatBytes(48_200_000)).toBe('48 MB');
    expect(formatBytes(1_500_000_000)).toBe('1.5 GB');
  });
});
