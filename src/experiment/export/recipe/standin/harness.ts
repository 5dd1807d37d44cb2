// Running the recipe's generated files on this machine, for the tests: unpacks a recipe zip into
// a temporary folder, and makes a bin/ of stand-in commands so the scripts run end to end
// without a GPU or the real libraries: `python3` runs a script with standin.py's stand-ins for
// torch, accelerate, transformers, datasets, peft and matplotlib; `accelerate launch
// --config_file FILE SCRIPT ARGS` runs `python3 SCRIPT ARGS` (with --dry-run when asked);
// `lm_eval` is lm_eval_standin.py. Node-only (tests); nothing here is shipped.

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';

/** This folder: standin.py, check_train_loss.py, lm_eval_standin.py. */
export const STANDIN_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Unpacks a zip into a new temporary folder; returns the folder. */
export function unpackZip(zip: Uint8Array, prefix = 'recipe-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, bytes] of Object.entries(unzipSync(zip))) {
    mkdirSync(join(dir, dirname(name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

const realPython = () => execFileSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).trim();

function script(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/**
 * A bin/ folder of stand-in commands inside `dir`; returns a PATH that puts it first.
 * With dryRun, `accelerate launch` adds --dry-run (train.py then prints its parsed settings).
 */
export function standinPath(dir: string, { dryRun = false } = {}): string {
  const bin = join(dir, 'standin-bin');
  mkdirSync(bin, { recursive: true });
  const py = realPython();
  script(join(bin, 'python3'), `exec "${py}" "${join(STANDIN_DIR, 'standin.py')}" "$@"`);
  script(join(bin, 'accelerate'), [
    '# accelerate launch --config_file FILE SCRIPT ARGS',
    'if [ "$1" != launch ] || [ "$2" != --config_file ] || [ ! -f "$3" ]; then echo "unexpected: accelerate $*" >&2; exit 2; fi',
    'shift 3',
    `exec python3 "$@"${dryRun ? ' --dry-run' : ''}`,
  ].join('\n'));
  script(join(bin, 'lm_eval'), `exec "${py}" "${join(STANDIN_DIR, 'lm_eval_standin.py')}" "$@"`);
  return `${bin}:${process.env.PATH ?? ''}`;
}
