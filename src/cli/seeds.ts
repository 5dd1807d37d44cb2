// The seed list of the experiment and sweep CLIs (`--seeds 1,2,3`): parsed and checked in one place,
// with the output prefix of each seed's files and the one-line report of claims over the seeds.

import type { Claim } from '../experiment/analysis/claims';
import { ConfigError } from '../experiment/config';

/** "1,2,3" → [1, 2, 3]; a clear ConfigError for anything else (the schema's seed range, no repeats). */
export function parseSeeds(text: string): number[] {
  const seeds = text.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (!seeds.length || seeds.some((s) => !Number.isInteger(s) || s < 0 || s > 0xffffffff)) {
    throw new ConfigError([`--seeds expects whole numbers from 0 to 4294967295 separated by commas, e.g. 1,2,3; got "${text}"`]);
  }
  if (new Set(seeds).size !== seeds.length) throw new ConfigError([`--seeds lists a seed twice: "${text}"`]);
  return seeds;
}

/** Where one seed's files go: PREFIX.seedN.json / .csv. */
export const seedPrefix = (out: string, seed: number) => `${out}.seed${seed}`;

/** The claims over seeds as the CLIs print them. */
export function claimLines(claims: readonly Claim[]): string {
  return claims.map((c) => `finding ${c.finding} (${c.verdict}${c.seeds ? `, ${c.seeds} seeds` : ''}): ${c.measured}`).join('\n');
}
