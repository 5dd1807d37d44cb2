// Finding 8 (target all modules: All > MLP > Attention, and the choice of modules matters more than
// the rank) from LoRA series over seeds: the module sets compared at each rank, the ranks compared
// at each module set, and, where the data has both, whether changing the modules moved the target
// loss more than changing the rank did. Every comparison goes through the noise rule.

import { claim, numberOf, spreadText, verdictOf, type Claim, type ClaimNumber } from './claims-text';
import { ctxOf, withNote, type Judge, type Stat } from './claims-findings';
import { compare, type Comparison, type Decision } from './noise';

const MODULE_ORDER = ['all', 'mlp', 'attention'] as const; // the paper's order, most learning first
type ModuleSet = (typeof MODULE_ORDER)[number];
const SETS: Record<ModuleSet, readonly string[]> = {
  attention: ['q', 'k', 'v', 'o'], mlp: ['gate', 'up', 'down'], all: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'],
};

function moduleSet(targets: readonly string[] | undefined): ModuleSet | null {
  if (!targets) return null;
  for (const k of MODULE_ORDER) if (SETS[k].length === targets.length && SETS[k].every((t) => targets.includes(t))) return k;
  return null;
}

export const moduleName = (t: readonly string[] | undefined) => {
  const s = moduleSet(t);
  return s === 'all' ? 'All' : s === 'mlp' ? 'MLP' : s === 'attention' ? 'Attention' : (t ?? []).join(',');
};

function groupBy<T>(xs: readonly T[], key: (x: T) => string): T[][] {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return [...m.values()];
}

const sym = { less: '<', more: '>', 'within-noise': '≈' } as const;

/** "All < Attention, MLP ≈ All": each ordered pair's relation of target loss (lower = learned more). */
function pairsText(pairs: ReadonlyArray<{ a: string; b: string; c: Comparison }>): string {
  return pairs.map((p) => `${p.a} ${sym[p.c.rel]} ${p.b}`).join(', ');
}

/** The largest difference between two series' mean target losses within each group, and the noise it has to beat. */
function effect(groups: readonly Stat[][]): { size: number; noise: number } {
  let size = 0;
  let noise = 0;
  for (const g of groups) {
    const means = g.map((x) => x.target.mean);
    size = Math.max(size, Math.max(...means) - Math.min(...means));
    for (const x of g) noise = Math.max(noise, x.target.max - x.target.min);
  }
  return { size, noise };
}

/** Finding 8: target modules at equal rank, rank at equal modules, and which mattered more. */
export function modulesAndRank(stats: readonly Stat[], note: string, judge: Judge): Claim {
  const loras = stats.filter((x) => x.s.kind === 'lora' && x.s.rank !== undefined);
  const ctx = ctxOf(judge, 'target');
  const cmp = (a: Stat, b: Stat) => compare(a.target, b.target, { shipped: ctx.shipped, floor: 0.01 });
  const decisions: Decision[] = [];
  const parts: string[] = [];
  const numbers: ClaimNumber[] = [];
  const byRank = groupBy(loras, (x) => String(x.s.rank)).filter((g) => new Set(g.map((x) => moduleName(x.s.targets))).size >= 2);
  const byModules = groupBy(loras, (x) => [...(x.s.targets ?? [])].sort().join(',')).filter((g) => new Set(g.map((x) => x.s.rank)).size >= 2);
  for (const g of byRank) {
    const sorted = [...g].sort((a, b) => MODULE_ORDER.indexOf(moduleSet(a.s.targets)!) - MODULE_ORDER.indexOf(moduleSet(b.s.targets)!));
    const pairs = [];
    for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) {
      if (moduleSet(sorted[i].s.targets) && moduleSet(sorted[j].s.targets)) {
        const c = cmp(sorted[i], sorted[j]);
        decisions.push(c.rel);
        pairs.push({ a: moduleName(sorted[i].s.targets), b: moduleName(sorted[j].s.targets), c });
      }
    }
    numbers.push(...sorted.map((x) => numberOf(`r=${x.s.rank} ${moduleName(x.s.targets)} target loss`, x.target, 'target')));
    parts.push(`At rank ${g[0].s.rank}, lowest target loss by modules: ${sorted.map((x) => `${moduleName(x.s.targets)} ${spreadText(x.target)}`).join(', ')} nats/byte (${pairsText(pairs)}).`);
  }
  for (const g of byModules) {
    const sorted = [...g].sort((a, b) => a.s.rank! - b.s.rank!);
    const pairs = [];
    for (let i = 1; i < sorted.length; i++) {
      const c = cmp(sorted[i], sorted[i - 1]);
      decisions.push(c.rel);
      pairs.push({ a: `r=${sorted[i].s.rank}`, b: `r=${sorted[i - 1].s.rank}`, c });
    }
    if (!byRank.length) numbers.push(...sorted.map((x) => numberOf(`r=${x.s.rank} ${moduleName(x.s.targets)} target loss`, x.target, 'target')));
    parts.push(`With ${moduleName(g[0].s.targets)} modules, lowest target loss by rank: ${sorted.map((x) => `r=${x.s.rank} ${spreadText(x.target)}`).join(', ')} nats/byte (${pairsText(pairs)}).`);
  }
  if (parts.length === 0) {
    return claim(8, withNote('Not measured: compare LoRA target modules (Attention / MLP / All) at one rank, or several ranks with the same modules.', note), 'not-measured');
  }
  const seeds = Math.min(...loras.map((x) => x.target.n));
  parts.push(seeds >= 2
    ? `(“<”: lower loss, learned more, beyond the seed range; “≈”: within it; mean [min–max] over ${seeds} seeds.)`
    : `(One seed: “<” counts only beyond the seed range of ${judge.from}${ctx.shipped !== null ? ` (${ctx.shipped.toFixed(2)})` : ', and there is none, so nothing counts'}.)`);
  if (byRank.length && byModules.length) {
    const m = effect(byRank);
    const r = effect(byModules);
    const noise = Math.max(m.noise, r.noise, seeds < 2 ? ctx.shipped ?? Infinity : 0, 0.01);
    const d: Decision = Math.abs(m.size - r.size) > noise ? (r.size < m.size ? 'less' : 'more') : 'within-noise';
    decisions.push(d);
    const word = d === 'less' ? 'more than' : d === 'more' ? 'less than' : 'about as much as (within the noise)';
    parts.push(`Changing the modules moved the target loss by up to ${m.size.toFixed(2)} nats/byte, changing the rank by up to ${r.size.toFixed(2)}: the modules mattered ${word} the rank.`);
  }
  const v = verdictOf(decisions, 'less');
  const known = decisions.length > 0;
  if (!known) parts.push("The paper's ordering does not cover these module sets.");
  return claim(8, withNote(parts.join(' '), note), known ? v : 'mixed', numbers);
}

