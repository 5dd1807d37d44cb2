// A sweep's results per cell: each cell's evaluations (by step) with what describes its family
// (kind, rate, rank, modules, regularizers), the input of the sweep analysis in analysis/front.ts.
// Apart from sweep/config.ts so that the sweep's config imports nothing from protocol.ts.

import type { SweepCellResult } from '../analysis/front';
import type { EvalPoint } from '../protocol';
import { expandSweep, type SweepConfig } from './config';

export type { SweepCellResult } from '../analysis/front';

/** Each cell's evaluations (by step) with what describes its family, for the analysis in analysis/front.ts. */
export function cellResults(s: SweepConfig, evals: readonly EvalPoint[], diverged: ReadonlySet<string>): SweepCellResult[] {
  const byCell = new Map<string, EvalPoint[]>();
  for (const e of evals) {
    const list = byCell.get(e.method);
    if (list) list.push(e);
    else byCell.set(e.method, [e]);
  }
  return expandSweep(s).map((c) => {
    const m = c.method;
    const own = [...(byCell.get(c.id) ?? [])].sort((a, b) => a.step - b.step);
    const result: SweepCellResult = {
      cellId: c.id, family: c.family, familyLabel: c.familyLabel, kind: m.kind, lr: c.lr,
      weightDecay: m.weightDecay, dropout: m.dropout, diverged: diverged.has(c.id),
      evals: own.map((e) => ({
        step: e.step, targetLoss: e.targetLoss, sourceLoss: e.sourceLoss,
        ...(e.targetAccuracy !== undefined ? { targetAccuracy: e.targetAccuracy } : {}),
      })),
    };
    if (m.kind === 'lora') Object.assign(result, { rank: m.rank, targets: [...m.targets] });
    return result;
  });
}
