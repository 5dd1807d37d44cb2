// Labelled number inputs that never break the page on bad input: the field keeps what the user
// typed as a draft and commits only a value the experiment schema accepts (`onCommit` returns
// false otherwise, and the field is marked invalid until it is fixed or left). LogNumberField
// adds a slider over the value's logarithm (log10 for learning rates, log2 for LoRA ranks).
import { useId, useState, type ReactNode } from 'react';

type Commit = (value: number) => boolean;

interface FieldProps {
  label: ReactNode;
  value: number;
  onCommit: Commit;
  min?: number;
  max?: number;
  step?: number | 'any';
  /** Shown after the input, e.g. a unit. */
  suffix?: ReactNode;
  disabled?: boolean;
  id?: string;
}

/** The draft text of a number input: follows `value` from outside unless it already means it. */
function useDraft(value: number, onCommit: Commit) {
  const [text, setText] = useState(String(value));
  const [shown, setShown] = useState(value);
  const [invalid, setInvalid] = useState(false);
  if (shown !== value) {
    // Adjusting state while rendering (React's recommended pattern for derived state).
    setShown(value);
    if (Number(text) !== value || text.trim() === '') {
      setText(String(value));
      setInvalid(false);
    }
  }
  return {
    text,
    invalid,
    change(raw: string) {
      setText(raw);
      const n = Number(raw);
      const ok = raw.trim() !== '' && Number.isFinite(n) && onCommit(n);
      setInvalid(!ok);
    },
    /** Leaving the field shows the value in use again. */
    blur() {
      setText(String(value));
      setInvalid(false);
    },
  };
}

export function NumberField({ label, value, onCommit, min, max, step = 1, suffix, disabled, id }: FieldProps) {
  const autoId = useId();
  const inputId = id ?? autoId;
  const d = useDraft(value, onCommit);
  const range = min !== undefined && max !== undefined ? `${min} to ${max}` : undefined;
  return (
    <div className="ll-row">
      <label htmlFor={inputId}>{label}</label>
      <span style={{ display: 'flex', gap: '0.3rem', alignItems: 'center' }}>
        <input
          id={inputId}
          type="number"
          inputMode="decimal"
          min={min}
          max={max}
          step={step}
          value={d.text}
          disabled={disabled}
          aria-invalid={d.invalid}
          title={d.invalid && range ? `Allowed: ${range}` : undefined}
          onChange={(e) => d.change(e.target.value)}
          onBlur={d.blur}
        />
        {suffix}
      </span>
    </div>
  );
}

/** Two significant digits: slider positions give round rates (0.003, not 0.0031622...). */
const round2 = (x: number) => Number(x.toPrecision(2));

/** e.g. 3e-3 → "3 × 10⁻³" */
export function sci(x: number): string {
  const [m, e] = x.toExponential(1).split('e');
  const sup = e.replace('+', '').replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]);
  return `${m.replace(/\.0$/, '')} × 10${sup}`;
}

interface LogProps {
  label: ReactNode;
  value: number;
  onCommit: Commit;
  /** The slider runs over log_base(value) from minExp to maxExp. */
  base: 2 | 10;
  minExp: number;
  maxExp: number;
  /** The exact field's limits and step. */
  min: number;
  max: number;
  step: number | 'any';
  /** Label of the slider, e.g. "log scale". */
  scaleLabel: ReactNode;
  disabled?: boolean;
}

/** An exact number field plus a slider over the value's logarithm. */
export function LogNumberField({ label, value, onCommit, base, minExp, maxExp, min, max, step, scaleLabel, disabled }: LogProps) {
  const id = useId();
  const log = Math.log(value) / Math.log(base);
  const slider = Math.min(maxExp, Math.max(minExp, log));
  const fromSlider = (x: number) => (base === 10 ? round2(10 ** x) : Math.round(2 ** x));
  return (
    <>
      <NumberField id={id} label={label} value={value} onCommit={onCommit} min={min} max={max} step={step} disabled={disabled} />
      <div className="ll-row">
        <label htmlFor={`${id}-log`}>{scaleLabel}</label>
        <input
          id={`${id}-log`}
          type="range"
          min={minExp}
          max={maxExp}
          step={base === 10 ? 0.05 : 1}
          value={slider}
          disabled={disabled}
          aria-valuetext={String(value)}
          list={`${id}-ticks`}
          onChange={(e) => onCommit(fromSlider(Number(e.target.value)))}
        />
        <datalist id={`${id}-ticks`}>
          {Array.from({ length: maxExp - minExp + 1 }, (_, i) => <option key={i} value={minExp + i} />)}
        </datalist>
      </div>
    </>
  );
}

/** A labelled select of fixed choices. */
export function SelectField<T extends string>({ label, value, options, onChange, disabled }: {
  label: ReactNode; value: T; options: ReadonlyArray<readonly [T, string]>; onChange: (v: T) => void; disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="ll-row">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as T)}>
        {options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </div>
  );
}

/** A short explanation under a control group. */
export function Hint({ children }: { children: ReactNode }) {
  return <p className="ll-hint">{children}</p>;
}
