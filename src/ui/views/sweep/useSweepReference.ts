// The sweep charts' reference: while the tour shows a sweep step, its recorded sweep's cells over seeds
// (the curves file through referenceCells), its families' colours (the preset's grid order, the same as
// a student's run of the preset) and the base model's losses it started from. Null when none is drawn;
// the view (useTourReference) says why, for the checkbox line above the charts.
import { useMemo } from 'react';
import type { SweepCellResult } from '../../../experiment/analysis/front';
import { useTourReference, type ReferenceView } from '../../components/charts/useReference';
import { baseLosses, familyColors } from './model';
import { referenceCells } from './reference';

export interface SweepReference {
  label: string;
  cells: SweepCellResult[];
  colors: Record<string, string>;
  baseSource: number | null;
  families: Array<{ id: string; label: string }>;
}

export function useSweepReference(): { view: ReferenceView; ref: SweepReference | null } {
  const view = useTourReference('sweep');
  const shown = view.ref;
  const ref = useMemo(() => {
    if (!shown || shown.run.kind !== 'sweep') return null;
    const cells = referenceCells(shown.curves, shown.run.sweep);
    const families = shown.run.sweep.families.map((f) => ({ id: f.id, label: cells.find((c) => c.family === f.id)?.familyLabel ?? f.id }));
    const base = baseLosses(shown.curves.seeds[0].evals);
    return { label: shown.label, cells, colors: familyColors(shown.run.sweep), baseSource: base?.source ?? null, families };
  }, [shown]);
  return { view, ref };
}
