// The compared methods: what full fine-tuning and LoRA's knobs mean, one card per method (in
// the colour its curves use in the charts), and adding (a new LoRA with a fresh id) or
// removing methods within 1..LIMITS.methods.
import { LIMITS, type ExperimentConfig, type MethodConfig } from '../../../experiment/config';
import { Term } from '../../glossary/Term';
import { methodColor } from '../charts/colors';
import { MethodCard, newLora } from './MethodCard';
import { Hint } from './NumberField';
import type { Update } from './update';

/** The first of lora1, lora2, ... that no method uses. */
export function freshId(methods: readonly MethodConfig[]): string {
  const ids = new Set(methods.map((m) => m.id));
  let k = 1;
  while (ids.has(`lora${k}`)) k++;
  return `lora${k}`;
}

export function MethodList({ config, update }: { config: ExperimentConfig; update: Update }) {
  const methods = config.methods;
  const setMethods = (f: (ms: MethodConfig[]) => MethodConfig[]) => update((c) => ({ ...c, methods: f(c.methods) }));
  return (
    <fieldset>
      <legend>Methods</legend>
      <Hint>
        <b>Full fine-tuning</b> changes every weight W. <b>LoRA</b> freezes W and learns ΔW = scale · B A of
        rank r. B starts at zero, so training starts exactly at the base model.
      </Hint>
      <Hint>
        <b>Rank r</b>: how many independent directions <Term id="delta-w">ΔW</Term> may use. <b>Alpha α</b> sets the scale <Term id="alpha-r">α/r</Term>
        (<Term id="rslora">rsLoRA</Term>: α/√r). With α = 2r the scale stays 2 at every rank.
      </Hint>
      <Hint>
        <b>Learning rate</b>: LoRA trains far fewer numbers from ΔW = 0, so each step moves the model
        less; it usually needs about 10× full fine-tuning’s rate and is more sensitive to it. Sweep it.
      </Hint>
      <Hint>
        <b>Target modules</b>: which matrices get an adapter, attention (q k v o) or MLP (gate up down).
        The paper found All &gt; MLP &gt; Attention.
      </Hint>
      {methods.map((m, i) => (
        <MethodCard
          key={m.id}
          m={m}
          index={i}
          color={methodColor(i)}
          edit={(change) => setMethods((ms) => ms.map((x) => (x.id === m.id ? change(x) : x)))}
          remove={methods.length > 1 ? () => setMethods((ms) => ms.filter((x) => x.id !== m.id)) : undefined}
        />
      ))}
      <button
        type="button"
        disabled={methods.length >= LIMITS.methods}
        onClick={() => setMethods((ms) => [...ms, newLora(freshId(ms))])}
      >
        Add LoRA method
      </button>
      {methods.length >= LIMITS.methods && <Hint>At most {LIMITS.methods} methods run side by side.</Hint>}
    </fieldset>
  );
}
