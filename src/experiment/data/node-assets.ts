// Node-only asset source: reads public/data/ from disk. Used by the CLI, the prepare script
// and tests; the browser uses fetchAssetSource from assets.ts instead. Keep it out of any
// module the Worker imports (it pulls in node:fs).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AssetSource, type DataAssets, loadAssets } from './assets';

/** The repository's public/data folder, resolved from this file's location. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../public/data/', import.meta.url));

export function fsAssetSource(dir: string = DEFAULT_DATA_DIR): AssetSource {
  return {
    async read(name: string): Promise<Uint8Array> {
      try {
        const buf = await readFile(join(dir, name));
        return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      } catch (e) {
        throw new Error(`could not read data asset ${join(dir, name)}: ${(e as Error).message}. Run \`npm run prepare-data\`.`);
      }
    },
  };
}

/** Loads and verifies the assets from disk (default: public/data). */
export function loadAssetsFromDisk(dir: string = DEFAULT_DATA_DIR): Promise<DataAssets> {
  return loadAssets(fsAssetSource(dir));
}
