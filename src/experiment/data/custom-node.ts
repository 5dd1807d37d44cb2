// Node-only: a student's own target text read from a file for the CLI (`--target-file`), checked
// exactly as the page checks a dropped file. Keep it out of any module the Worker imports (it
// pulls in node:fs).

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { CustomDomainConfig } from '../config';
import { validateCustomText, type CustomTextAssets, type CustomTextLimits } from './custom-text';

/** The config's custom target and the runner's text for a file; throws the page's message for a bad one. */
export function customTargetFromFile(path: string, limits: CustomTextLimits): { target: CustomDomainConfig; assets: CustomTextAssets } {
  const name = basename(path);
  const r = validateCustomText(new Uint8Array(readFileSync(path)), name, limits);
  if (!r.ok) throw new Error(`--target-file ${path}: ${r.error.message}`);
  const t = r.text;
  return {
    target: { domain: 'custom', name, sha256: t.sha256, bytes: t.bytes.length },
    assets: { customTexts: new Map([[t.sha256, { name, bytes: t.bytes }]]) },
  };
}
