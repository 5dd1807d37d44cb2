// Saved runs and sweeps in IndexedDB (through the `idb` library): each experiment's config,
// state and metrics are written as it trains, and its full checkpoint (weights or adapters,
// AdamW moments, batcher RNG, metrics) every evaluation, so a reload restores finished and
// in-progress runs and an interrupted run resumes from its last checkpoint. Sweeps are kept
// the same way in their own stores (grid, progress, every cell's evaluations; the sweep
// runner's checkpoint). Runs in the Worker (IndexedDB is available there) and in tests with
// fake-indexeddb. Every write waits for its transaction to commit and fails with the
// transaction's own error (a full disk is a QuotaExceededError, not a request's AbortError), so
// storage/safe-history.ts can tell a full store from a bug. Another tab that upgrades or deletes the database
// gets it at once: this connection closes itself and says why (`closed`).

import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { RunSummary, SavedRun, SavedSweep, SweepSummary } from '../protocol';
import type { ExperimentCheckpoint } from '../run/runner';
import type { SweepCheckpoint } from '../sweep/runner';


interface HistoryDB extends DBSchema {
  runs: { key: string; value: SavedRun; indexes: { updatedAt: number } };
  checkpoints: { key: string; value: ExperimentCheckpoint };
  sweeps: { key: string; value: SavedSweep; indexes: { updatedAt: number } };
  sweepCheckpoints: { key: string; value: SweepCheckpoint };
}

export const DB_NAME = 'lora-lab';
/** 1: runs and their checkpoints; 2: sweeps and theirs (the upgrade keeps saved runs). */
const DB_VERSION = 2;

/**
 * Approximate bytes a value takes in storage: typed arrays by their byteLength, everything else by
 * its JSON length. Cheap enough to run over a run record on every list().
 */
export function storedBytes(value: unknown): number {
  let binary = 0;
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (ArrayBuffer.isView(v)) {
      binary += v.byteLength;
      return 0;
    }
    if (v instanceof ArrayBuffer) {
      binary += v.byteLength;
      return 0;
    }
    return v;
  });
  return binary + (json?.length ?? 0);
}

/** A run as the list shows it: no metrics, with its size (the record's own, plus its checkpoint's as recorded when saved). */
export function summarize(run: SavedRun): RunSummary {
  const { evals: _e, methods, ...rest } = run;
  return { ...rest, methodLabels: methods.map((m) => m.label), bytes: storedBytes(run) + (run.checkpointBytes ?? 0) };
}

/** A sweep as the list shows it: no metrics, with its grid's cell count. */
export function summarizeSweep(sweep: SavedSweep): SweepSummary {
  const { evals: _e, methods: _m, diverged: _d, ...rest } = sweep;
  return { ...rest, cellCount: rest.sweep.families.reduce((n, f) => n + f.lrs.length, 0) };
}

/** What a quota error looks like when a browser's disk or origin quota is used up (also thrown by the test fault). */
export function quotaError(): DOMException {
  return new DOMException('The quota for this origin has been exceeded.', 'QuotaExceededError');
}

type Tx<N extends StoreNames<HistoryDB>> = IDBPTransaction<HistoryDB, N[], 'readwrite'>;

export interface OpenCallbacks {
  /** Another connection waits for this one to close (an older tab holds an older version open). */
  blocked?(): void;
  /** This connection was closed by another tab's upgrade or delete, or by the browser. */
  closed?(why: string): void;
}

export class RunHistory {
  /** Why this connection was closed from outside (another tab upgraded the database, the browser ended it); null while open. */
  closed: string | null = null;
  /** Test hook: every following write fails like a full disk (the transaction aborts, nothing is written). */
  private quotaFault = false;

  private constructor(private readonly db: IDBPDatabase<HistoryDB>) {}

  static async open(name = DB_NAME, callbacks: OpenCallbacks = {}): Promise<RunHistory> {
    let history: RunHistory | null = null;
    const closeFromOutside = (why: string) => {
      if (!history || history.closed) return;
      history.closed = why;
      history.db.close();
      callbacks.closed?.(why);
    };
    const db = await openDB<HistoryDB>(name, DB_VERSION, {
      upgrade(d, oldVersion) {
        if (oldVersion < 1) {
          const runs = d.createObjectStore('runs', { keyPath: 'id' });
          runs.createIndex('updatedAt', 'updatedAt');
          d.createObjectStore('checkpoints');
        }
        if (oldVersion < 2) {
          const sweeps = d.createObjectStore('sweeps', { keyPath: 'id' });
          sweeps.createIndex('updatedAt', 'updatedAt');
          d.createObjectStore('sweepCheckpoints');
        }
      },
      blocked: () => callbacks.blocked?.(),
      // Holding on would leave the other tab's open() hanging; it owns the database now.
      blocking: (_current, next) => closeFromOutside(next === null
        ? 'another tab deleted the saved runs'
        : 'another tab opened a newer version of LoRA Lab and upgraded the saved runs; reload this tab'),
      terminated: () => closeFromOutside('the browser closed the connection to storage'),
    });
    history = new RunHistory(db);
    return history;
  }

  /** Test hook (the 'storage-quota' fault): every following write throws a QuotaExceededError. */
  injectQuotaFault(): void {
    this.quotaFault = true;
  }

  /**
   * Runs `body` in one readwrite transaction and waits for the commit. A failure rejects with the transaction's
   * error when it has one (a quota error aborts the transaction; its requests only see AbortError).
   * `frees`: a delete, allowed while the quota fault is on (deleting is how a user makes room).
   */
  private async write<N extends StoreNames<HistoryDB>>(names: N[], body: (tx: Tx<N>) => Promise<void>, frees = false): Promise<void> {
    const tx = this.db.transaction(names, 'readwrite');
    const done = tx.done;
    // Observed below; this keeps a failure in `body` from leaving it unhandled.
    done.catch(() => undefined);
    try {
      if (this.quotaFault && !frees) throw quotaError();
      await body(tx);
      await done;
    } catch (e) {
      try {
        tx.abort();
      } catch {
        // Already aborted or finished.
      }
      throw tx.error ?? e;
    }
  }

  /**
   * Writes the run's record. Its checkpoint fields come from the stored record when there is one: only
   * saveCheckpoint writes them, so a save can never claim a checkpoint that was not stored.
   */
  async save(run: SavedRun): Promise<void> {
    await this.write(['runs'], async (tx) => {
      const prev = await tx.objectStore('runs').get(run.id);
      const record: SavedRun = { ...run, updatedAt: Date.now() };
      if (prev) {
        record.checkpointStep = prev.checkpointStep;
        if (prev.checkpointBytes !== undefined) record.checkpointBytes = prev.checkpointBytes;
        else delete record.checkpointBytes;
      }
      await tx.objectStore('runs').put(record);
    });
  }

  /** Stores the checkpoint and records its step and size on the saved run, in one transaction. */
  async saveCheckpoint(id: string, checkpoint: ExperimentCheckpoint): Promise<void> {
    await this.write(['runs', 'checkpoints'], async (tx) => {
      const run = await tx.objectStore('runs').get(id);
      await tx.objectStore('checkpoints').put(checkpoint, id);
      if (run) {
        await tx.objectStore('runs').put({ ...run, checkpointStep: checkpoint.step, checkpointBytes: storedBytes(checkpoint), updatedAt: Date.now() });
      }
    });
  }

  get(id: string): Promise<SavedRun | undefined> {
    return this.db.get('runs', id);
  }

  checkpoint(id: string): Promise<ExperimentCheckpoint | undefined> {
    return this.db.get('checkpoints', id);
  }

  /** Newest first. */
  async list(): Promise<RunSummary[]> {
    const runs = await this.db.getAllFromIndex('runs', 'updatedAt');
    return runs.reverse().map(summarize);
  }

  async delete(id: string): Promise<void> {
    await this.write(['runs', 'checkpoints'], async (tx) => {
      await tx.objectStore('runs').delete(id);
      await tx.objectStore('checkpoints').delete(id);
    }, true);
  }

  async saveSweep(sweep: SavedSweep): Promise<void> {
    await this.write(['sweeps'], async (tx) => {
      await tx.objectStore('sweeps').put({ ...sweep, updatedAt: Date.now() });
    });
  }

  /** Stores the checkpoint and records its group on the saved sweep, in one transaction. */
  async saveSweepCheckpoint(id: string, checkpoint: SweepCheckpoint): Promise<void> {
    await this.write(['sweeps', 'sweepCheckpoints'], async (tx) => {
      const sweep = await tx.objectStore('sweeps').get(id);
      await tx.objectStore('sweepCheckpoints').put(checkpoint, id);
      if (sweep) await tx.objectStore('sweeps').put({ ...sweep, checkpointGroup: checkpoint.group, updatedAt: Date.now() });
    });
  }

  getSweep(id: string): Promise<SavedSweep | undefined> {
    return this.db.get('sweeps', id);
  }

  sweepCheckpoint(id: string): Promise<SweepCheckpoint | undefined> {
    return this.db.get('sweepCheckpoints', id);
  }

  /** Newest first, without the metrics. */
  async listSweeps(): Promise<SweepSummary[]> {
    const sweeps = await this.db.getAllFromIndex('sweeps', 'updatedAt');
    return sweeps.reverse().map(summarizeSweep);
  }

  async deleteSweep(id: string): Promise<void> {
    await this.write(['sweeps', 'sweepCheckpoints'], async (tx) => {
      await tx.objectStore('sweeps').delete(id);
      await tx.objectStore('sweepCheckpoints').delete(id);
    }, true);
  }

  close(): void {
    this.db.close();
  }
}

/** What the Worker's hosts use of saved runs and sweeps: RunHistory, or SafeHistory (storage/safe-history.ts) that survives a full or missing IndexedDB. */
export interface HistoryStore {
  save(run: SavedRun): Promise<unknown>;
  saveCheckpoint(id: string, checkpoint: ExperimentCheckpoint): Promise<unknown>;
  get(id: string): Promise<SavedRun | undefined>;
  checkpoint(id: string): Promise<ExperimentCheckpoint | undefined>;
  list(): Promise<RunSummary[]>;
  delete(id: string): Promise<unknown>;
  saveSweep(sweep: SavedSweep): Promise<unknown>;
  saveSweepCheckpoint(id: string, checkpoint: SweepCheckpoint): Promise<unknown>;
  getSweep(id: string): Promise<SavedSweep | undefined>;
  sweepCheckpoint(id: string): Promise<SweepCheckpoint | undefined>;
  listSweeps(): Promise<SweepSummary[]>;
  deleteSweep(id: string): Promise<unknown>;
}
