// Pure helpers of the sweep view: names of target-module sets, one colour per family (the
// family's place in the grid), the base model's losses, and the data each chart draws, derived
// from the cells' results. No React here, so the derivations are easy to test.
import { loraMethodSchema } from '../../../experiment/config';
import { bestPoint, type LFPoint, type SweepCellResult } from '../../../experiment/analysis/front';
import type { EvalPoint } from '../../../experiment/protocol';
import type { SweepConfig } from '../../../experiment/sweep/config';
import { methodColor } from '../../components/charts/colors';

/** q, k, v, o, gate, up, down (from the schema: the UI may not import the engine). */
export const PROJECTIONS = loraMethodSchema.shape.targets.element.options;
export type Projection = (typeof PROJECTIONS)[number];

export const TARGET_SETS: Record<'attention' | 'mlp' | 'all', readonly Projection[]> = {
  attention: ['q', 'k', 'v', 'o'],
  mlp: ['gate', 'up', 'down'],
  all: PROJECTIONS,
};

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** 'attention' | 'mlp' | 'all', or null for another subset. */
export function targetSet(targets: readonly string[] | undefined): keyof typeof TARGET_SETS | null {
  if (!targets) return null;
  for (const [k, v] of Object.entries(TARGET_SETS)) if (sameSet(targets, v)) return k as keyof typeof TARGET_SETS;
  return null;
}

export function targetsName(targets: readonly string[] | undefined): string {
  const s = targetSet(targets);
  if (s === 'attention') return 'Attention';
  if (s === 'mlp') return 'MLP';
  if (s === 'all') return 'All';
  return (targets ?? []).join(',');
}

/** Family id → its colour, by its place in the grid: the same on every chart and table. */
export function familyColors(sweep: SweepConfig | null): Record<string, string> {
  return Object.fromEntries((sweep?.families ?? []).map((f, i) => [f.id, methodColor(i)]));
}

/** The base model's held-out losses: every cell evaluates it at step 0, from the same weights. */
export function baseLosses(evals: readonly EvalPoint[]): { target: number; source: number } | null {
  const e = evals.find((p) => p.step === 0 && Number.isFinite(p.targetLoss) && Number.isFinite(p.sourceLoss));
  return e ? { target: e.targetLoss, source: e.sourceLoss } : null;
}

/** The last evaluation with finite losses. */
export function finalPoint(evals: readonly LFPoint[]): LFPoint | null {
  for (let i = evals.length - 1; i >= 0; i--) {
    const e = evals[i];
    if (Number.isFinite(e.targetLoss) && Number.isFinite(e.sourceLoss)) return e;
  }
  return null;
}

/** Which ranks and target-module sets the LoRA families of a sweep cover. */
export function sweepVaries(sweep: SweepConfig | null): { rank: boolean; targets: boolean } {
  const lora = (sweep?.families ?? []).flatMap((f) => (f.kind === 'lora' ? [f] : []));
  const ranks = new Set(lora.map((f) => f.rank));
  // Target sets compared at one rank: some rank has families with different sets.
  const byRank = new Map<number, Set<string>>();
  for (const f of lora) byRank.set(f.rank, (byRank.get(f.rank) ?? new Set()).add([...f.targets].sort().join(',')));
  return { rank: ranks.size > 1, targets: [...byRank.values()].some((s) => s.size > 1) };
}

/** One point of the rank chart: a LoRA family at its best learning rate, at its last evaluation. */
export interface RankPoint { family: string; label: string; rank: number; targets: string; lr: number; targetLoss: number; sourceLoss: number }

/** `best` is bestPerFamily's output: one cell per family. */
export function rankPoints(best: readonly SweepCellResult[]): RankPoint[] {
  const out: RankPoint[] = [];
  for (const c of best) {
    const p = finalPoint(c.evals);
    if (c.kind !== 'lora' || c.rank === undefined || !p) continue;
    out.push({ family: c.family, label: c.familyLabel, rank: c.rank, targets: targetsName(c.targets), lr: c.lr, targetLoss: p.targetLoss, sourceLoss: p.sourceLoss });
  }
  return out.sort((a, b) => a.rank - b.rank);
}

/** Full fine-tuning families at their best learning rate, at their last evaluation: the rank chart's reference lines. */
export function fullReferences(best: readonly SweepCellResult[]): Array<{ family: string; label: string; targetLoss: number; sourceLoss: number }> {
  return best.flatMap((c) => {
    const p = finalPoint(c.evals);
    return c.kind === 'full' && p ? [{ family: c.family, label: c.familyLabel, targetLoss: p.targetLoss, sourceLoss: p.sourceLoss }] : [];
  });
}

/** One bar of the target-modules chart: a LoRA family at its best learning rate (point of best target loss). */
export interface ModuleBar { family: string; name: string; rank: number; bestTarget: number; sourceRise: number | null }

/** LoRA families whose rank is shared with a family of other target modules (equal-rank comparisons only). */
export function moduleBars(best: readonly SweepCellResult[], baseSource: number | null): ModuleBar[] {
  const lora = best.filter((c) => c.kind === 'lora' && c.rank !== undefined);
  const sets = new Map<number, Set<string>>();
  for (const c of lora) sets.set(c.rank!, (sets.get(c.rank!) ?? new Set()).add(targetsName(c.targets)));
  const out: ModuleBar[] = [];
  for (const c of lora) {
    const b = bestPoint(c.evals);
    if (!b || (sets.get(c.rank!)?.size ?? 0) < 2) continue;
    out.push({
      family: c.family, name: `${targetsName(c.targets)} r=${c.rank}`, rank: c.rank!, bestTarget: b.targetLoss,
      sourceRise: baseSource === null ? null : b.sourceLoss - baseSource,
    });
  }
  return out.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
}

/** Every checkpoint after step 0 of every cell, with its family: the learn–forget plane's points. */
export function planePoints(cells: readonly SweepCellResult[]): Array<LFPoint & { family: string; cell: string; label: string }> {
  return cells.flatMap((c) => c.evals
    .filter((e) => e.step > 0 && Number.isFinite(e.targetLoss) && Number.isFinite(e.sourceLoss))
    .map((e) => ({ step: e.step, targetLoss: e.targetLoss, sourceLoss: e.sourceLoss, family: c.family, cell: c.cellId, label: `${c.familyLabel} @ ${fmtLr(c.lr)}` })));
}

/** Learning rates as written in the grid: 0.003 → "3e-3". */
export function fmtLr(lr: number): string {
  const [m, e] = lr.toExponential().split('e');
  return `${Number(Number(m).toPrecision(3))}e${Number(e)}`;
}

/** "1e-3, 3e-3 0.01" → [0.001, 0.003, 0.01]; null when it is empty or any entry is not a positive number. */
export function parseLrList(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const lrs = parts.map(Number);
  return parts.length && lrs.every((x) => Number.isFinite(x) && x > 0) ? lrs : null;
}

/** Seconds → "about 3 min" / "about 40 s". */
export function fmtEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating time left…';
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  return `about ${(seconds / 3600).toFixed(1)} h left`;
}
