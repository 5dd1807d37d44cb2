// The grid editor: settings every cell shares (target domain, steps, batch, length, seed,
// evaluation) and one card per family (kind, LoRA rank with alpha = 2r and target modules,
// weight decay, dropout, label, and the list of learning rates it is trained at). Every edit
// goes through `update`, which keeps only a grid the sweep schema accepts.
import { useId, useState, type CSSProperties } from 'react';
import { defaultFamilyLabel, type SweepConfig, type SweepFamily } from '../../../experiment/sweep/config';
import { familyDefaults } from '../../../experiment/sweep/presets';
import { METHOD_SETTINGS, settingField, SETTINGS } from '../../../experiment/config';
import { Hint, NumberField, SelectField } from '../../components/controls/NumberField';
import { fmtLr, parseLrList, TARGET_SETS, targetSet } from './model';

export type UpdateSweep = (change: (s: SweepConfig) => SweepConfig) => boolean;
type Family = SweepFamily;
type LoraFamily = Extract<Family, { kind: 'lora' }>;

const MAX_FAMILIES = 8;

/** A text input that keeps what was typed and commits it only when `commit` accepts it. */
function DraftField({ label, value, commit, placeholder }: { label: string; value: string; commit: (text: string) => boolean; placeholder?: string }) {
  const id = useId();
  const [text, setText] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);
  return (
    <div className="ll-row">
      <label htmlFor={id}>{label}</label>
      <input
        id={id} type="text" value={text ?? value} placeholder={placeholder} aria-invalid={invalid}
        onChange={(e) => {
          setText(e.target.value);
          setInvalid(!commit(e.target.value));
        }}
        onBlur={() => {
          setText(null);
          setInvalid(false);
        }}
      />
    </div>
  );
}

/** A LoRA family with the defaults of experiment/config.ts at `rank` (alpha = 2r), unlabelled. */
function newLoraFamily(id: string, lrs: number[], rank = familyDefaults('lora').rank): LoraFamily {
  return { id, ...familyDefaults('lora'), rank, alpha: 2 * rank, lrs };
}

function switchKind(f: Family, kind: Family['kind']): Family {
  if (f.kind === kind) return f;
  if (kind === 'full') return { id: f.id, ...familyDefaults('full'), lrs: f.lrs, weightDecay: f.weightDecay, dropout: f.dropout };
  return { ...newLoraFamily(f.id, f.lrs), weightDecay: f.weightDecay, dropout: f.dropout };
}

function FamilyCard({ f, index, color, edit, remove }: { f: Family; index: number; color: string; edit: (c: (f: Family) => Family) => boolean; remove?: () => void }) {
  const set = (patch: Partial<Family>) => edit((x) => ({ ...x, ...patch }) as Family);
  const targets = f.kind === 'lora' ? targetSet(f.targets) : null;
  return (
    <fieldset className="ll-card" style={{ '--method-color': color } as CSSProperties} data-family-card={f.id}>
      <legend><span className="ll-swatch" aria-hidden="true" />Family {index + 1}: {f.label || defaultFamilyLabel(f)}</legend>
      <SelectField label="Kind" value={f.kind} options={[['full', 'Full fine-tuning'], ['lora', 'LoRA']]} onChange={(k) => edit((x) => switchKind(x, k))} />
      <DraftField label="Learning rates" value={f.lrs.map(fmtLr).join(', ')} placeholder="1e-3, 3e-3, 1e-2"
        commit={(t) => {
          const lrs = parseLrList(t);
          return lrs !== null && set({ lrs });
        }} />
      {f.kind === 'lora' && (
        <>
          <NumberField {...settingField(METHOD_SETTINGS.rank)} value={f.rank} onCommit={(rank) => edit((x) => ({ ...x, rank, alpha: 2 * rank }) as Family)} suffix={`α = ${f.alpha}`} />
          <SelectField
            label="Target modules" value={targets ?? 'custom'}
            options={[['attention', 'Attention (q, k, v, o)'], ['mlp', 'MLP (gate, up, down)'], ['all', 'All seven'], ...(targets ? [] : [['custom', f.targets.join(', ')] as const])]}
            onChange={(k) => k !== 'custom' && set({ targets: [...TARGET_SETS[k as keyof typeof TARGET_SETS]] } as Partial<Family>)}
          />
        </>
      )}
      <NumberField {...settingField(METHOD_SETTINGS.weightDecay)} value={f.weightDecay} step={0.01} onCommit={(weightDecay) => set({ weightDecay })} />
      <NumberField {...settingField(METHOD_SETTINGS.dropout)} value={f.dropout} step={0.05} onCommit={(dropout) => set({ dropout })} />
      <DraftField label={METHOD_SETTINGS.label.label} value={f.label ?? ''} placeholder={defaultFamilyLabel(f)} commit={(t) => set({ label: t.trim() === '' ? undefined : t })} />
      {remove && <div className="ll-card-foot"><button type="button" onClick={remove}>Remove family {index + 1}</button></div>}
    </fieldset>
  );
}

const TARGETS: ReadonlyArray<readonly [string, string]> = [['code', 'Code (JS)'], ['math', 'Math problems'], ['learned', 'English: learned']];

function targetKey(t: SweepConfig['target']): string {
  if (t.domain === 'english') return 'learned';
  return t.domain;
}

export function GridEditor({ sweep, update, colors }: { sweep: SweepConfig; update: UpdateSweep; colors: Record<string, string> }) {
  const num = <K extends 'steps' | 'batchSize' | 'seqLen' | 'seed' | 'evalInterval' | 'evalBatches'>(key: K) => (v: number) => update((s) => ({ ...s, [key]: v }));
  const editFamily = (i: number) => (change: (f: Family) => Family) => update((s) => ({ ...s, families: s.families.map((f, j) => (j === i ? change(f) : f)) }));
  const freeId = () => {
    for (let n = 1; ; n++) if (!sweep.families.some((f) => f.id === `f${n}`)) return `f${n}`;
  };
  return (
    <>
      <fieldset>
        <legend>Shared by every run</legend>
        <Hint>Every run starts from the same base model and trains on the same batches; only the method and its learning rate differ.</Hint>
        <SelectField
          label="Target (learn)" value={targetKey(sweep.target)} options={TARGETS}
          onChange={(k) => update((s) => ({ ...s, target: k === 'learned' ? { domain: 'english', genres: ['learned'] } : { domain: k as 'code' | 'math' } }))}
        />
        <NumberField {...settingField(SETTINGS.steps)} value={sweep.steps} onCommit={num('steps')} />
        <NumberField {...settingField(SETTINGS.batchSize)} value={sweep.batchSize} onCommit={num('batchSize')} />
        <NumberField {...settingField(SETTINGS.seqLen)} value={sweep.seqLen} onCommit={num('seqLen')} suffix="bytes" />
        <NumberField {...settingField(SETTINGS.seed)} value={sweep.seed} onCommit={num('seed')} />
        <NumberField {...settingField(SETTINGS.evalInterval)} value={sweep.evalInterval} onCommit={num('evalInterval')} suffix="steps" />
        <NumberField {...settingField(SETTINGS.evalBatches)} value={sweep.evalBatches} onCommit={num('evalBatches')} />
      </fieldset>
      {sweep.families.map((f, i) => (
        <FamilyCard
          key={f.id} f={f} index={i} color={colors[f.id]} edit={editFamily(i)}
          remove={sweep.families.length > 1 ? () => update((s) => ({ ...s, families: s.families.filter((_, j) => j !== i) })) : undefined}
        />
      ))}
      <button type="button" disabled={sweep.families.length >= MAX_FAMILIES}
        onClick={() => update((s) => ({ ...s, families: [...s.families, newLoraFamily(freeId(), [...(s.families.at(-1)?.lrs ?? [1e-2])], 4)] }))}>
        Add family
      </button>
    </>
  );
}
