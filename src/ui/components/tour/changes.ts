// What a tour step's run would change in the settings on screen, in words ("steps 60 → 200",
// "methods: Full fine-tuning → Full fine-tuning, LoRA r=8"): the tour's button never overrides the
// student's settings in silence, it lists these and asks first (nothing listed: it just starts).
// Pure: the caller hands in the settings on screen (the experiment's form, the Sweep view's grid)
// and the step's. Values are written as links write them (links/experiment.ts's codecs), so "1e-3" reads the
// same here as in the address bar.
import type { ExperimentConfig, MethodConfig } from '../../../experiment/config';
import { differs, getAt, METHOD_FIELDS, TOP, type Field } from '../../../experiment/links/experiment';
import { defaultFamilyLabel, formatLr, type SweepConfig, type SweepFamily } from '../../../experiment/sweep/config';
import { domainName, sameDomain } from '../controls/setup-text';

/** How a setting is named in the list (its link key otherwise). */
const NAMES: Record<string, string> = {
  base: 'base model', bs: 'batch size', T: 'sequence length', sched: 'learning-rate schedule', warmup: 'warmup steps',
  clip: 'gradient clipping', evalEvery: 'evaluate every', evalBatches: 'evaluation batches', div: 'diversity samples',
  divLen: 'diversity sample length', divTemp: 'diversity temperature', lr: 'learning rate', wd: 'weight decay',
  targets: 'target modules', lrs: 'learning rates',
};

/** Settings both experiments and sweeps share, and that differ; source and target come first, in words. */
type Shared = Pick<ExperimentConfig, 'source' | 'target'>;

const write = (f: Field, o: unknown): string => {
  const v = getAt(o, f.path);
  return v === undefined ? 'none' : f.codec.write(v) || 'none';
};
const change = (f: Field, mine: unknown, step: unknown): string => `${NAMES[f.key] ?? f.key} ${write(f, mine)} → ${write(f, step)}`;

function sharedChanges(mine: Shared, step: Shared): string[] {
  const out: string[] = [];
  for (const which of ['source', 'target'] as const) {
    if (!sameDomain(mine[which], step[which])) out.push(`${which}: ${domainName(mine[which])} → ${domainName(step[which])}`);
  }
  for (const f of TOP) {
    if (f.path[0] === 'source' || f.path[0] === 'target') continue;
    if (differs(f, mine, step)) out.push(change(f, mine, step));
  }
  return out;
}

interface Item {
  id: string;
  kind: MethodConfig['kind'];
  name: string;
}

/** The list of methods (or sweep families) when it changes, then each kept one's own differing fields (not its label). */
function listChanges<T extends Item>(mine: readonly T[], step: readonly T[], fields: (t: T) => readonly Field[]): string[] {
  const key = (x: Item) => `${x.id}:${x.kind}`;
  const out: string[] = [];
  if (mine.map(key).join() !== step.map(key).join()) {
    out.push(`methods: ${mine.map((m) => m.name).join(', ') || 'none'} → ${step.map((m) => m.name).join(', ')}`);
  }
  for (const s of step) {
    const m = mine.find((x) => key(x) === key(s));
    if (!m) continue;
    const diffs = fields(s).filter((f) => f.key !== 'label' && differs(f, m, s)).map((f) => change(f, m, s));
    if (diffs.length) out.push(`${s.name}: ${diffs.join(', ')}`);
  }
  return out;
}

/** What starting the step's experiment would change in the experiment's form. */
export function experimentChanges(mine: ExperimentConfig, step: ExperimentConfig): string[] {
  const named = (c: ExperimentConfig) => c.methods.map((m) => ({ ...m, name: m.label || m.id }));
  return [...sharedChanges(mine, step), ...listChanges(named(mine), named(step), (m) => METHOD_FIELDS[m.kind])];
}

const LRS: Field = {
  key: 'lrs', path: ['lrs'], required: true,
  codec: { write: (v) => (v as number[]).map(formatLr).join(', '), read: () => null },
};

/** What starting the step's sweep would change in the Sweep view's grid. */
export function sweepChanges(mine: SweepConfig, step: SweepConfig): string[] {
  const named = (s: SweepConfig) => s.families.map((f: SweepFamily) => ({ ...f, name: f.label || defaultFamilyLabel(f) }));
  const fields = (f: SweepFamily) => [LRS, ...METHOD_FIELDS[f.kind].filter((x) => x.key !== 'lr')];
  return [...sharedChanges(mine, step), ...listChanges(named(mine), named(step), fields)];
}
