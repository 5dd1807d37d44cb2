// Diversity of sampled completions of one prompt (the paper's finding 5: full fine-tuning collapses
// towards fewer distinct outputs than LoRA): the share of distinct completions, distinct-n ratios over
// word n-grams, and the model's mean per-token entropy at the generated positions.

import type { DiversityPoint } from '../protocol';

/** Distinct completions / N (exact string equality); 0 for no completions. */
export function distinctShare(completions: readonly string[]): number {
  if (completions.length === 0) return 0;
  return new Set(completions).size / completions.length;
}

/**
 * Distinct word n-grams / all word n-grams, pooled over all completions (words are whitespace-split;
 * n-grams do not cross from one completion into the next). 0 when no completion has n words.
 */
export function distinctN(completions: readonly string[], n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`distinctN: n must be a positive integer, got ${n}`);
  const seen = new Set<string>();
  let total = 0;
  for (const c of completions) {
    const words = c.split(/\s+/).filter((w) => w.length > 0);
    for (let i = 0; i + n <= words.length; i++) {
      // A space joins the words: no word contains whitespace, so distinct n-grams stay distinct keys.
      seen.add(words.slice(i, i + n).join(' '));
      total++;
    }
  }
  return total === 0 ? 0 : seen.size / total;
}

/**
 * Mean entropy (nats) over every generated token of every completion, so longer completions weigh
 * more, as in a per-token average; non-finite values are skipped; 0 when there are none.
 */
export function meanEntropy(entropies: readonly (readonly number[])[]): number {
  let sum = 0;
  let count = 0;
  for (const row of entropies) {
    for (const h of row) {
      if (!Number.isFinite(h)) continue;
      sum += h;
      count++;
    }
  }
  return count === 0 ? 0 : sum / count;
}

/** The set of byte n-grams of a text (as strings; a text shorter than n has none). */
function byteGrams(text: string, n: number): Set<string> {
  const bytes = new TextEncoder().encode(text);
  const out = new Set<string>();
  for (let i = 0; i + n <= bytes.length; i++) out.add(String.fromCharCode(...bytes.subarray(i, i + n)));
  return out;
}

/**
 * Mean pairwise Jaccard similarity of the completions' byte 4-gram sets (0: nothing shared, 1: the
 * same text), over every pair; a pair where both sets are empty counts as identical. 0 for fewer than
 * two completions. Byte n-grams rather than words: a toy model's words are often not words.
 */
export function selfSimilarity(completions: readonly string[], n = 4): number {
  const sets = completions.map((c) => byteGrams(c, n));
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < sets.length; i++) {
    for (let j = i + 1; j < sets.length; j++) {
      const [a, b] = sets[i].size <= sets[j].size ? [sets[i], sets[j]] : [sets[j], sets[i]];
      let shared = 0;
      for (const g of a) if (b.has(g)) shared++;
      const union = a.size + b.size - shared;
      sum += union === 0 ? 1 : shared / union;
      pairs++;
    }
  }
  return pairs === 0 ? 0 : sum / pairs;
}

export function diversityStats(
  completions: readonly string[], entropies: readonly (readonly number[])[],
): Omit<DiversityPoint, 'samples'> {
  return {
    distinctShare: distinctShare(completions),
    distinct1: distinctN(completions, 1),
    distinct2: distinctN(completions, 2),
    distinct3: distinctN(completions, 3),
    entropy: meanEntropy(entropies),
    similarity: selfSimilarity(completions),
  };
}
