// The browser Worker's kernel-autotune cache (issue 10, "kernels chosen per device"): the
// engine's Autotuner stores the variant it timed fastest per adapter and shape class, and this
// keeps those choices in IndexedDB so a reload does not time the kernels again. Its own
// database, so the run history's schema version (storage/history.ts) is untouched. Storage failures
// (private mode, quota) fall back to memory: a lost choice only costs one more timing.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AutotuneCache } from '../../engine/index';

export const AUTOTUNE_DB_NAME = 'lora-lab-autotune';
const STORE = 'choices';

interface AutotuneDB extends DBSchema {
  choices: { key: string; value: string }; // Autotuner key (adapter + kernel + shape class) → variant
}

export class IdbAutotuneCache implements AutotuneCache {
  private readonly memory = new Map<string, string>();
  private db: Promise<IDBPDatabase<AutotuneDB> | null> | null = null;

  constructor(private readonly name = AUTOTUNE_DB_NAME) {}

  private open(): Promise<IDBPDatabase<AutotuneDB> | null> {
    this.db ??= openDB<AutotuneDB>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore(STORE);
      },
    }).catch(() => null);
    return this.db;
  }

  async get(key: string): Promise<string | undefined> {
    const hit = this.memory.get(key);
    if (hit !== undefined) return hit;
    const db = await this.open();
    const stored = db ? await db.get(STORE, key).catch(() => undefined) : undefined;
    if (stored !== undefined) this.memory.set(key, stored);
    return stored;
  }

  async set(key: string, variant: string): Promise<void> {
    this.memory.set(key, variant);
    const db = await this.open();
    if (db) await db.put(STORE, variant, key).catch(() => undefined);
  }

  /** Closes the database (tests; a Worker keeps it open for its lifetime). */
  async close(): Promise<void> {
    (await this.open())?.close();
    this.db = null;
  }
}
