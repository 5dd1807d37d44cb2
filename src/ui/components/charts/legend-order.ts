// Which series a legend entry stands for, and the legend's order (pure, so it is tested without
// React). Every series of a chart carries the class `ll-series` and one `ll-k-<key>` class per key it
// answers to: its method (or sweep family) id first, then any group it belongs to ('reference' for
// the recorded run's layers). A legend entry's key is the first key of its series; hovering or
// focusing it highlights every series that answers to that key. The legend lists the methods in the
// order the run (or the preset) gives them, then the reference, the Pareto fronts and the base model,
// instead of recharts' default alphabetical order (which put "LoRA r=64" before "LoRA r=8").

/** Keys are ids like "r8", "full-2", "run-3:r1": anything outside [A-Za-z0-9_-] becomes "_". */
export const cssKey = (key: string) => key.replace(/[^A-Za-z0-9_-]/g, '_');

/** The className of a series that answers to these keys (the first is its legend key). */
export function seriesClass(keys: readonly string[], extra?: string): string {
  return ['ll-series', ...keys.map((k) => `ll-k-${cssKey(k)}`), ...(extra ? [extra] : [])].join(' ');
}

/** The keys a className carries, in order. */
export function keysOf(className: unknown): string[] {
  if (typeof className !== 'string') return [];
  return className.split(/\s+/).filter((c) => c.startsWith('ll-k-')).map((c) => c.slice(5));
}

/** Entries that follow the methods, in this order. */
export const TAIL_KEYS = ['reference', 'front', 'ref-front', 'base'] as const;

/**
 * The legend's sort rank of an entry with these keys: its first key's place in `order` (the run's
 * methods, then the reference's), then the tail entries; anything else after them, in drawing order.
 */
export function legendRank(order: readonly string[], keys: readonly string[]): number {
  const key = keys[0];
  if (key === undefined) return order.length + TAIL_KEYS.length;
  const i = order.map(cssKey).indexOf(key);
  if (i >= 0) return i;
  const t = (TAIL_KEYS as readonly string[]).indexOf(key);
  return t >= 0 ? order.length + t : order.length + TAIL_KEYS.length;
}
