// Saved runs that never stop training: SafeHistory wraps RunHistory (IndexedDB) with the same
// methods and survives what browsers do to storage. IndexedDB missing or refused (private
// browsing, blocked site data, an upgrade another tab blocks for seconds, a newer version in
// another tab) -> runs, checkpoints and sweeps are kept in this tab's memory, so resuming,
// analysis and export still work until the tab closes, and the page is told results will not be
// kept. A write refused for quota -> the write is dropped (the transaction aborts, so the last
// good copy stays), the page is told storage is full and how to free it; the next successful
// writes clear that. `report` carries those messages (the Worker posts them as 'storage' events).
// Test builds inject both faults through `injectFault`.

import { DB_NAME, RunHistory } from './history';
import type { RunSummary, SavedRun, SavedSweep, SweepSummary } from '../protocol';
import { MemoryHistory } from './memory-history';
import type { ExperimentCheckpoint } from '../run/runner';
import type { SweepCheckpoint } from '../sweep/runner';

export interface StorageReport {
  ok: boolean;
  message: string;
}

export type StorageFault = 'storage-unavailable' | 'storage-quota';

export interface StorageEstimateLike {
  usage?: number;
  quota?: number;
}

export interface SafeHistoryOptions {
  /** How long an open blocked by another tab may wait before this tab keeps results in memory instead. */
  blockedTimeoutMs?: number;
  /** This origin's storage use (defaults to navigator.storage.estimate where the browser has it). */
  estimate?: () => Promise<StorageEstimateLike | null>;
}

/** An upgrade blocked this long by another tab is given up on: the tab trains on, keeping results in memory. */
export const BLOCKED_TIMEOUT_MS = 4000;

type Backend = RunHistory | MemoryHistory;
type WriteKind = 'run' | 'checkpoint' | 'sweep' | 'sweep-checkpoint';

/** Bytes for people: 1 kB = 1000 B, as browsers' storage settings count them. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${Math.round(n)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}

/**
 * Whether an error is a full quota: the DOMException itself, or something that carries it (a transaction's
 * error, an error's cause), as browsers and wrappers deliver it. Code 22 is the legacy QUOTA_EXCEEDED_ERR.
 */
export function isQuotaError(e: unknown, depth = 0): boolean {
  if (e === null || typeof e !== 'object' || depth > 4) return false;
  const x = e as { name?: unknown; code?: unknown; error?: unknown; cause?: unknown; target?: { error?: unknown } | null };
  if (x.name === 'QuotaExceededError' || x.name === 'NS_ERROR_DOM_QUOTA_REACHED') return true;
  if (e instanceof DOMException && x.code === 22) return true;
  return isQuotaError(x.error, depth + 1) || isQuotaError(x.cause, depth + 1) || isQuotaError(x.target?.error, depth + 1);
}

/** Why IndexedDB could not be opened, in words for the page. */
function unavailableReason(e: unknown): string {
  const name = e instanceof Error || e instanceof DOMException ? e.name : '';
  switch (name) {
    case 'NoIndexedDB':
      return 'this browser gives the page no IndexedDB (private browsing, or site storage turned off)';
    case 'SecurityError':
      return 'the browser does not let this page store data (private browsing, or site data blocked)';
    case 'InvalidStateError':
      return 'the browser refused to open storage (private browsing, or site storage turned off)';
    case 'VersionError':
      return 'another tab runs a newer version of LoRA Lab, which upgraded the saved runs: reload this tab to keep results';
    case 'TimeoutError':
      return 'another tab of LoRA Lab, opened before an update, keeps the saved runs open: close or reload the other tabs';
    default:
      if (isQuotaError(e)) return 'the browser has no room left for this page';
      return `storage could not be opened (${e instanceof Error ? e.message : String(e)})`;
  }
}

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** Opens RunHistory; an open that another tab blocks for longer than `ms` is given up (and closed if it opens later). */
function openUnlessBlocked(name: string, ms: number): Promise<RunHistory> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let gaveUp = false;
    const blocked = () => {
      timer ??= setTimeout(() => {
        gaveUp = true;
        reject(named('TimeoutError', 'the storage upgrade was blocked by another tab'));
      }, ms);
    };
    RunHistory.open(name, { blocked }).then(
      (h) => {
        if (timer) clearTimeout(timer);
        if (gaveUp) h.close();
        else resolve(h);
      },
      (e: unknown) => {
        if (timer) clearTimeout(timer);
        reject(e);
      },
    );
  });
}

async function browserEstimate(): Promise<StorageEstimateLike | null> {
  const nav = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<StorageEstimateLike> } } }).navigator;
  return nav?.storage?.estimate ? nav.storage.estimate() : null;
}

export class SafeHistory {
  private db: RunHistory | null = null;
  private memory: MemoryHistory | null = null;
  private opening: Promise<Backend> | null = null;
  private quotaFault = false;
  /** Kinds of write refused for quota since the last report; the page hears "ok" again once each has succeeded. */
  private readonly full = new Set<WriteKind>();

  private constructor(
    private readonly report: (e: StorageReport) => void,
    private readonly name: string,
    private readonly opts: SafeHistoryOptions,
  ) {}

  /**
   * Lazy: IndexedDB is opened by the first access, so a fault injected right after open() still applies to it.
   * Never rejects; a storage that cannot be opened is reported and replaced by memory.
   */
  static async open(report: (e: StorageReport) => void, name = DB_NAME, opts: SafeHistoryOptions = {}): Promise<SafeHistory> {
    return new SafeHistory(report, name, opts);
  }

  /** False once results are kept only in this tab's memory. */
  get available(): boolean {
    return this.memory === null;
  }

  /** Test hooks: storage that cannot be opened (from now on), or a full quota on every following write. */
  injectFault(kind: StorageFault): void {
    if (kind === 'storage-unavailable') {
      this.toMemory('storage was switched off (simulated by a test hook)');
      return;
    }
    this.quotaFault = true;
    this.db?.injectQuotaFault();
  }

  /** Resolves true when the run was stored (false: storage is full and the write was dropped). */
  save(run: SavedRun): Promise<boolean> {
    return this.write('run', (b) => b.save(run));
  }

  saveCheckpoint(id: string, checkpoint: ExperimentCheckpoint): Promise<boolean> {
    return this.write('checkpoint', (b) => b.saveCheckpoint(id, checkpoint));
  }

  get(id: string): Promise<SavedRun | undefined> {
    return this.use((b) => b.get(id));
  }

  checkpoint(id: string): Promise<ExperimentCheckpoint | undefined> {
    return this.use((b) => b.checkpoint(id));
  }

  list(): Promise<RunSummary[]> {
    return this.use((b) => b.list());
  }

  delete(id: string): Promise<void> {
    return this.use((b) => b.delete(id));
  }

  saveSweep(sweep: SavedSweep): Promise<boolean> {
    return this.write('sweep', (b) => b.saveSweep(sweep));
  }

  saveSweepCheckpoint(id: string, checkpoint: SweepCheckpoint): Promise<boolean> {
    return this.write('sweep-checkpoint', (b) => b.saveSweepCheckpoint(id, checkpoint));
  }

  getSweep(id: string): Promise<SavedSweep | undefined> {
    return this.use((b) => b.getSweep(id));
  }

  sweepCheckpoint(id: string): Promise<SweepCheckpoint | undefined> {
    return this.use((b) => b.sweepCheckpoint(id));
  }

  listSweeps(): Promise<SweepSummary[]> {
    return this.use((b) => b.listSweeps());
  }

  deleteSweep(id: string): Promise<void> {
    return this.use((b) => b.deleteSweep(id));
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }

  private backend(): Promise<Backend> {
    if (this.memory) return Promise.resolve(this.memory);
    if (this.db && !this.db.closed) return Promise.resolve(this.db);
    this.opening ??= this.connect().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async connect(): Promise<Backend> {
    // A connection another tab closed (it upgraded or deleted the database) is opened again, or given up.
    this.db = null;
    try {
      if (typeof indexedDB === 'undefined') throw named('NoIndexedDB', 'no IndexedDB');
      const db = await openUnlessBlocked(this.name, this.opts.blockedTimeoutMs ?? BLOCKED_TIMEOUT_MS);
      if (this.memory) {
        // A fault switched this tab to memory while the database was opening.
        db.close();
        return this.memory;
      }
      if (this.quotaFault) db.injectQuotaFault();
      this.db = db;
      return db;
    } catch (e) {
      return this.toMemory(unavailableReason(e));
    }
  }

  private toMemory(reason: string): MemoryHistory {
    if (this.memory) return this.memory;
    this.db?.close();
    this.db = null;
    this.full.clear();
    this.memory = new MemoryHistory();
    this.report({
      ok: false,
      message: `Saved runs are unavailable: ${reason}. Training works as usual, but results will not be kept after this tab closes; export a run to keep it.`,
    });
    return this.memory;
  }

  /**
   * Runs `op` on the storage in use. A connection closed under it (by another tab, or by a switch to memory) is
   * reopened or replaced, and `op` tried once more there.
   */
  private async use<T>(op: (b: Backend) => Promise<T>, retried = false): Promise<T> {
    const b = await this.backend();
    try {
      return await op(b);
    } catch (e) {
      if (!retried && b instanceof RunHistory && (b.closed || b !== this.db)) return this.use(op, true);
      throw e;
    }
  }

  private async write(kind: WriteKind, op: (b: Backend) => Promise<void>): Promise<boolean> {
    try {
      await this.use(op);
    } catch (e) {
      if (!isQuotaError(e)) throw e;
      await this.storageFull(kind);
      return false;
    }
    if (this.full.delete(kind) && this.full.size === 0 && !this.memory) this.report({ ok: true, message: '' });
    return true;
  }

  private async storageFull(kind: WriteKind): Promise<void> {
    const first = this.full.size === 0;
    this.full.add(kind);
    if (!first) return;
    const used = await this.usage();
    this.report({
      ok: false,
      message: `Storage is full: the latest results could not be saved, and everything saved before is kept${used}. `
        + 'Delete old runs in Saved runs to free space; until then new results will not be kept.',
    });
  }

  /** How much is stored, for the "storage is full" message: the browser's estimate, else the saved runs' sizes. */
  private async usage(): Promise<string> {
    try {
      const est = await (this.opts.estimate ?? browserEstimate)();
      if (est && typeof est.usage === 'number') {
        return ` (this site's data take ${formatBytes(est.usage)}${est.quota ? ` of the ${formatBytes(est.quota)} the browser allows it` : ''})`;
      }
    } catch {
      // The estimate is optional; the runs' own sizes follow.
    }
    try {
      const runs = await this.list();
      const total = formatBytes(runs.reduce((n, r) => n + r.bytes, 0));
      if (runs.length > 0) return ` (${runs.length === 1 ? 'the saved run takes' : `${runs.length} saved runs take`} about ${total})`;
    } catch {
      // Nothing more to say.
    }
    return '';
  }
}
