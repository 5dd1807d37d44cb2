// One method's card, edged in the method's chart colour: label, kind (full fine-tuning or
// LoRA), learning rate on a log scale, weight decay, and for LoRA its own fields.
import { useId, type CSSProperties } from 'react';
import { autoLabel, loraMethod, methodDefaults, METHOD_SETTINGS, settingField, type LoraMethodConfig, type MethodConfig } from '../../../experiment/config';
import { LoraFields } from './LoraFields';
import { Hint, LogNumberField, NumberField, SelectField } from './NumberField';

export type EditMethod = (change: (m: MethodConfig) => MethodConfig) => boolean;

/** Labels the page writes itself; switching kind replaces them, a user's own label stays. */
const isAutoLabel = (label: string | undefined) => label === undefined || label === autoLabel('full') || /^LoRA r=\d+$/.test(label);

/** The same method as the other kind, keeping its id, label (unless automatic) and optimiser settings. */
export function switchKind(m: MethodConfig, kind: MethodConfig['kind']): MethodConfig {
  if (m.kind === kind) return m;
  const common = { id: m.id, lr: m.lr, weightDecay: m.weightDecay };
  if (kind === 'full') return { ...common, kind, dropout: m.dropout, label: isAutoLabel(m.label) ? autoLabel('full') : m.label };
  return newLora(m.id, { ...common, label: isAutoLabel(m.label) ? autoLabel('lora') : m.label });
}

/** A LoRA method with the defaults of experiment/config.ts (the paper's rank 8, alpha = 2r, all modules). */
export function newLora(id: string, extra: Partial<LoraMethodConfig> = {}): LoraMethodConfig {
  return loraMethod(id, methodDefaults('lora').rank, extra);
}

/** Letters a label may not hold (a shared link refuses them). */
const UNSAFE_LABEL = /[<>\u0000-\u001f\u007f-\u009f]/;

interface Props {
  m: MethodConfig;
  index: number;
  color: string;
  edit: EditMethod;
  /** Absent when this is the only method. */
  remove?: () => void;
}

export function MethodCard({ m, index, color, edit, remove }: Props) {
  const labelId = useId();
  const name = m.label || m.id;
  return (
    <fieldset className="ll-card" style={{ '--method-color': color } as CSSProperties} data-method-card={m.id}>
      <legend>
        <span className="ll-swatch" aria-hidden="true" />
        Method {index + 1}: {name}
      </legend>
      <div className="ll-row">
        <label htmlFor={labelId}>Label</label>
        <input
          id={labelId}
          type="text"
          maxLength={48}
          value={m.label ?? ''}
          placeholder={m.id}
          onChange={(e) => {
            const v = e.target.value;
            if (!UNSAFE_LABEL.test(v)) edit((x) => ({ ...x, label: v === '' ? undefined : v }));
          }}
        />
      </div>
      <SelectField
        label="Kind"
        value={m.kind}
        options={[['full', 'Full fine-tuning'], ['lora', 'LoRA']]}
        onChange={(kind) => edit((x) => switchKind(x, kind))}
      />
      <LogNumberField
        {...settingField(METHOD_SETTINGS.lr)}
        value={m.lr}
        onCommit={(lr) => edit((x) => ({ ...x, lr }))}
        base={10}
        minExp={-5}
        maxExp={-1}
        step="any"
        scaleLabel="log scale: 10⁻⁵ … 10⁻¹"
      />
      <NumberField {...settingField(METHOD_SETTINGS.weightDecay)} value={m.weightDecay} onCommit={(weightDecay) => edit((x) => ({ ...x, weightDecay }))} step={0.01} />
      {m.kind === 'lora' ? (
        <LoraFields m={m} edit={(change) => edit((x) => (x.kind === 'lora' ? change(x) : x))} />
      ) : (
        <>
          <NumberField
            {...settingField(METHOD_SETTINGS.dropout)}
            value={m.dropout}
            onCommit={(dropout) => edit((x) => (x.kind === 'full' ? { ...x, dropout } : x))}
            step={0.05}
          />
          <Hint>Updates all weights of the model. Dropout zeroes a share of each projection’s inputs while training, a regularizer to compare with LoRA.</Hint>
        </>
      )}
      {remove && (
        <button type="button" onClick={remove} aria-label={`Remove method ${index + 1}`}>
          Remove
        </button>
      )}
    </fieldset>
  );
}
