// Saved runs in IndexedDB (through the `idb` library): each experiment's config, state and
// metrics are written as it trains, and its full checkpoint (weights or adapters, AdamW
// moments, batcher RNG, metrics) every evaluation, so a reload restores finished and
// in-progress runs and an interrupted run resumes from its last checkpoint. Runs in the
// Worker (IndexedDB is available there) and in tests with fake-indexeddb.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ExperimentConfig } from './config';
import type { EvalPoint, MethodInfo, RunState } from './protocol';
import type { ExperimentCheckpoint } from './runner';

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

interface HistoryDB extends DBSchema {
  runs: { key: string; value: SavedRun; indexes: { updatedAt: number } };
  checkpoints: { key: string; value: ExperimentCheckpoint };
}

const DB_NAME = 'lora-lab';
const DB_VERSION = 1;

export class RunHistory {
  private constructor(private readonly db: IDBPDatabase<HistoryDB>) {}

  static async open(name = DB_NAME): Promise<RunHistory> {
    const db = await openDB<HistoryDB>(name, DB_VERSION, {
      upgrade(d) {
        const runs = d.createObjectStore('runs', { keyPath: 'id' });
        runs.createIndex('updatedAt', 'updatedAt');
        d.createObjectStore('checkpoints');
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

  close(): void {
    this.db.close();
  }
}
