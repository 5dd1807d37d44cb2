// Saved runs and sweeps in IndexedDB (through the `idb` library): each experiment's config,
// state and metrics are written as it trains, and its full checkpoint (weights or adapters,
// AdamW moments, batcher RNG, metrics) every evaluation, so a reload restores finished and
// in-progress runs and an interrupted run resumes from its last checkpoint. Sweeps are kept
// the same way in their own stores (grid, progress, every cell's evaluations; the sweep
// runner's checkpoint). Runs in the Worker (IndexedDB is available there) and in tests with
// fake-indexeddb.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ExperimentConfig } from './config';
import type { EvalPoint, MethodInfo, RunState } from './protocol';
import type { ExperimentCheckpoint } from './runner';
import type { SweepCheckpoint, SweepConfig } from './sweep';

export interface SavedRun {
  id: string;
  preset: string;
  config: ExperimentConfig;
  createdAt: number;
  updatedAt: number;
  /** The state when last saved; 'running' after a reload means the run was interrupted. */
  state: RunState;
  step: number;
  methods: MethodInfo[];
  evals: EvalPoint[];
  /** Step of the last saved checkpoint (null before the first). */
  checkpointStep: number | null;
}

export type RunSummary = Omit<SavedRun, 'evals' | 'methods'> & { methodLabels: string[] };

/** A sweep as it trains: the grid, where it got to, and every cell's evaluations (EvalPoint.method = cell id). */
export interface SavedSweep {
  id: string;
  preset: string;
  sweep: SweepConfig;
  createdAt: number;
  updatedAt: number;
  /** The state when last saved; 'running' after a reload means the sweep was interrupted. */
  state: RunState;
  /** The group training (0-based) and how many groups the grid has. */
  group: number;
  groups: number;
  /** Cell-steps trained and in all. */
  done: number;
  total: number;
  /** Methods of every group started so far (one per cell). */
  methods: MethodInfo[];
  evals: EvalPoint[];
  /** Cell id → step at which it diverged. */
  diverged: Record<string, number>;
  /** Group of the last saved checkpoint (null before the first). */
  checkpointGroup: number | null;
}

export type SweepSummary = Omit<SavedSweep, 'evals' | 'methods' | 'diverged'> & { cellCount: number };

interface HistoryDB extends DBSchema {
  runs: { key: string; value: SavedRun; indexes: { updatedAt: number } };
  checkpoints: { key: string; value: ExperimentCheckpoint };
  sweeps: { key: string; value: SavedSweep; indexes: { updatedAt: number } };
  sweepCheckpoints: { key: string; value: SweepCheckpoint };
}

const DB_NAME = 'lora-lab';
/** 1: runs and their checkpoints; 2: sweeps and theirs (the upgrade keeps saved runs). */
const DB_VERSION = 2;

export class RunHistory {
  private constructor(private readonly db: IDBPDatabase<HistoryDB>) {}

  static async open(name = DB_NAME): Promise<RunHistory> {
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
    });
    return new RunHistory(db);
  }

  async save(run: SavedRun): Promise<void> {
    await this.db.put('runs', { ...run, updatedAt: Date.now() });
  }

  async saveCheckpoint(id: string, checkpoint: ExperimentCheckpoint): Promise<void> {
    const tx = this.db.transaction(['runs', 'checkpoints'], 'readwrite');
    const run = await tx.objectStore('runs').get(id);
    await tx.objectStore('checkpoints').put(checkpoint, id);
    if (run) await tx.objectStore('runs').put({ ...run, checkpointStep: checkpoint.step, updatedAt: Date.now() });
    await tx.done;
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
    return runs.reverse().map(({ evals: _e, methods, ...rest }) => ({ ...rest, methodLabels: methods.map((m) => m.label) }));
  }

  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['runs', 'checkpoints'], 'readwrite');
    await tx.objectStore('runs').delete(id);
    await tx.objectStore('checkpoints').delete(id);
    await tx.done;
  }

  async saveSweep(sweep: SavedSweep): Promise<void> {
    await this.db.put('sweeps', { ...sweep, updatedAt: Date.now() });
  }

  /** Stores the checkpoint and records its group on the saved sweep, in one transaction. */
  async saveSweepCheckpoint(id: string, checkpoint: SweepCheckpoint): Promise<void> {
    const tx = this.db.transaction(['sweeps', 'sweepCheckpoints'], 'readwrite');
    const sweep = await tx.objectStore('sweeps').get(id);
    await tx.objectStore('sweepCheckpoints').put(checkpoint, id);
    if (sweep) await tx.objectStore('sweeps').put({ ...sweep, checkpointGroup: checkpoint.group, updatedAt: Date.now() });
    await tx.done;
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
    return sweeps.reverse().map(({ evals: _e, methods: _m, diverged: _d, ...rest }) => ({
      ...rest, cellCount: rest.sweep.families.reduce((n, f) => n + f.lrs.length, 0),
    }));
  }

  async deleteSweep(id: string): Promise<void> {
    const tx = this.db.transaction(['sweeps', 'sweepCheckpoints'], 'readwrite');
    await tx.objectStore('sweeps').delete(id);
    await tx.objectStore('sweepCheckpoints').delete(id);
    await tx.done;
  }

  close(): void {
    this.db.close();
  }
}
