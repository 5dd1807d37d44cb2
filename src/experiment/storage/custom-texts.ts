// Students' own target texts in IndexedDB, keyed by SHA-256, so a run that trained on one can be
// reloaded, reopened or resumed after a reload, and a link that names a text by its hash can
// restore it once the student has pasted it here before. A database of its own: the runs
// database (storage/history.ts) keeps its version, and a text used by several runs is stored once.
// A text stays while any saved run refers to it: deleting the last such run deletes it too
// (worker/run-host.ts), and the page stores it again whenever a run starts with it.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { sha256Hex } from '../data/sha256';
import { customTextMissingMessage, type CustomTextAssets } from '../data/custom-text';
import type { ExperimentConfig } from '../config';

export const CUSTOM_DB_NAME = 'lora-lab-custom-texts';
const CUSTOM_DB_VERSION = 1;

export interface StoredCustomText {
  sha256: string;
  name: string;
  /** Normalised UTF-8 bytes (see data/custom-text.ts). */
  bytes: Uint8Array;
  savedAt: number;
}

interface CustomDB extends DBSchema {
  texts: { key: string; value: StoredCustomText };
}

export class CustomTextStore {
  private constructor(private readonly db: IDBPDatabase<CustomDB>) {}

  static async open(name = CUSTOM_DB_NAME): Promise<CustomTextStore> {
    const db = await openDB<CustomDB>(name, CUSTOM_DB_VERSION, {
      upgrade(d) {
        d.createObjectStore('texts', { keyPath: 'sha256' });
      },
      // Another tab's upgrade must not hang on this connection.
      blocking: () => db.close(),
    });
    return new CustomTextStore(db);
  }

  /** Saves a text under its hash; refuses a record whose hash does not match its bytes. */
  async put(text: { name: string; bytes: Uint8Array; sha256: string }): Promise<void> {
    if (sha256Hex(text.bytes) !== text.sha256) throw new Error(`custom text "${text.name}": SHA-256 does not match its bytes`);
    await this.db.put('texts', { sha256: text.sha256, name: text.name, bytes: text.bytes.slice(), savedAt: Date.now() });
  }

  /** The text with this hash, or null; a record whose bytes no longer match its hash counts as missing. */
  async get(sha256: string): Promise<StoredCustomText | null> {
    const rec = await this.db.get('texts', sha256);
    if (!rec || sha256Hex(rec.bytes) !== sha256) return null;
    return rec;
  }

  async delete(sha256: string): Promise<void> {
    await this.db.delete('texts', sha256);
  }

  /** Hash, name and size of every stored text, newest first. */
  async list(): Promise<{ sha256: string; name: string; bytes: number; savedAt: number }[]> {
    const all = await this.db.getAll('texts');
    return all.map((r) => ({ sha256: r.sha256, name: r.name, bytes: r.bytes.length, savedAt: r.savedAt }))
      .sort((a, b) => b.savedAt - a.savedAt);
  }

  close(): void {
    this.db.close();
  }
}

/** The store's part a run needs: reading by hash, and saving the text a run starts with. */
export type CustomTextReader = Pick<CustomTextStore, 'get' | 'put'>;

/**
 * The data assets plus the custom target text of `config`, read from the store by its SHA-256.
 * Throws customTextMissingMessage (what to do, with the file's name) when the store lacks it.
 */
export async function withCustomText<A extends object>(
  assets: A, config: Pick<ExperimentConfig, 'target'>, store: CustomTextReader | null,
): Promise<A & CustomTextAssets> {
  const t = config.target;
  if (t.domain !== 'custom') return assets;
  const rec = store ? await store.get(t.sha256) : null;
  if (!rec) throw new Error(customTextMissingMessage(t));
  return { ...assets, customTexts: new Map([[t.sha256, { name: t.name, bytes: rec.bytes }]]) };
}

/** Hashes of the custom texts a list of configs refers to (texts still in use are never pruned). */
export function customTextsInUse(configs: readonly Pick<ExperimentConfig, 'target'>[]): Set<string> {
  return new Set(configs.flatMap((c) => (c.target.domain === 'custom' ? [c.target.sha256] : [])));
}
