// Base models a student pretrained in the tab, kept in their own IndexedDB database
// ('lora-lab-bases'): the weights and a manifest (size and config, training settings, the loss
// curve, held-out English and code losses, SHA-256 of the weights). Experiments name one by an id
// the config schema accepts ('u-' + a slug of its name). Loading checks the weights against the
// manifest's hash, so a damaged record is reported, never trained on.

import { openDB, type IDBPDatabase } from 'idb';
import { z } from '../zod';
import { sha256Hex } from '../data/sha256';
import { isSavedBaseName, savedBaseId } from './saved-base-name';

export const SAVED_BASE_DB = 'lora-lab-bases';
export { isSavedBaseName, savedBaseId };

const point = z.object({ step: z.number().int().min(0), train: z.number().optional(), heldOut: z.number().optional() });

export const savedBaseManifestSchema = z.object({
  id: z.string().refine(isSavedBaseName, 'a saved base id is u- and 1-30 lowercase letters, digits or dashes'),
  name: z.string().min(1).max(40),
  size: z.string(),
  config: z.object({
    vocabSize: z.number().int(), dModel: z.number().int(), nLayers: z.number().int(), nHeads: z.number().int(),
    nKvHeads: z.number().int(), ffnDim: z.number().int(), seqLen: z.number().int(), tieEmbeddings: z.boolean(),
    ropeTheta: z.number().optional(), normEps: z.number().optional(),
  }),
  params: z.number().int().min(1),
  training: z.object({
    steps: z.number().int().min(1), batchSize: z.number().int(), seqLen: z.number().int(), lr: z.number(), warmup: z.number().int(),
    seed: z.number().int(), seconds: z.number(), device: z.string(), tokensSeen: z.number().int(),
  }),
  curve: z.array(point),
  heldOutLoss: z.object({ english: z.number(), code: z.number() }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(1),
  createdAt: z.string(),
});

export type SavedBaseManifest = z.infer<typeof savedBaseManifestSchema>;

/** The little-endian bytes of a weight vector, as hashed and stored. */
export function weightBytes(params: Float32Array): Uint8Array {
  return new Uint8Array(params.buffer.slice(params.byteOffset, params.byteOffset + params.byteLength));
}

/** Checks a stored record: a valid manifest, weights of the stated size and hash. Throws a message naming the base. */
export function checkSavedBase(manifest: unknown, bytes: Uint8Array): { manifest: SavedBaseManifest; params: Float32Array } {
  const r = savedBaseManifestSchema.safeParse(manifest);
  if (!r.success) throw new Error(`the saved base's manifest is not valid (${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message})`);
  const m = r.data;
  if (bytes.length !== m.bytes || bytes.length !== m.params * 4) {
    throw new Error(`the saved base "${m.name}" is damaged: ${bytes.length} bytes of weights, its manifest says ${m.bytes}`);
  }
  if (sha256Hex(bytes) !== m.sha256) throw new Error(`the saved base "${m.name}" is damaged: its weights do not match their SHA-256`);
  return { manifest: m, params: new Float32Array(bytes.slice().buffer) };
}

interface Db {
  manifests: { key: string; value: SavedBaseManifest };
  weights: { key: string; value: Uint8Array };
}

export class SavedBaseStore {
  private constructor(private readonly db: IDBPDatabase<Db>) {}

  /** `name` is for tests; the page uses the one database. */
  static async open(name = SAVED_BASE_DB): Promise<SavedBaseStore> {
    const db = await openDB<Db>(name, 1, {
      upgrade(d) {
        d.createObjectStore('manifests', { keyPath: 'id' });
        d.createObjectStore('weights');
      },
      // Another tab upgrading the database: let it, this connection reopens on the next use.
      blocking() {
        db.close();
      },
    });
    return new SavedBaseStore(db);
  }

  /** Newest first. */
  async list(): Promise<SavedBaseManifest[]> {
    const all = await this.db.getAll('manifests');
    return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async get(id: string): Promise<{ manifest: SavedBaseManifest; params: Float32Array }> {
    const [manifest, bytes] = await Promise.all([this.db.get('manifests', id), this.db.get('weights', id)]);
    if (!manifest || !bytes) throw new Error(`the saved base "${id}" is not in this browser: pretrain it in the Pretrain tab (or pick another base)`);
    return checkSavedBase(manifest, bytes);
  }

  /** Stores a base (replacing one with the same id) after checking it. */
  async put(manifest: SavedBaseManifest, params: Float32Array): Promise<void> {
    const bytes = weightBytes(params);
    checkSavedBase(manifest, bytes);
    const tx = this.db.transaction(['manifests', 'weights'], 'readwrite');
    await Promise.all([tx.objectStore('manifests').put(manifest), tx.objectStore('weights').put(bytes, manifest.id), tx.done]);
  }

  async delete(id: string): Promise<void> {
    const tx = this.db.transaction(['manifests', 'weights'], 'readwrite');
    await Promise.all([tx.objectStore('manifests').delete(id), tx.objectStore('weights').delete(id), tx.done]);
  }

  close(): void {
    this.db.close();
  }
}
