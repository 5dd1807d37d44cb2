// The LoRA part of a method card: rank (exact number plus a powers-of-two slider), alpha with
// an "α = 2r" link, scaling (standard α/r or rsLoRA α/√r, with the resulting scale shown),
// target modules (attention / MLP / all, or one checkbox per projection) and dropout.
import { useId, useState } from 'react';
import { loraMethodSchema, loraScale, METHOD_SETTINGS, RANK_LIMITS, settingField, type LoraMethodConfig } from '../../../experiment/config';
import { LogNumberField, NumberField, SelectField } from './NumberField';
import { Term } from '../../glossary/Term';

/** q, k, v, o, gate, up, down (from the schema: the UI may not import the engine). */
export const PROJECTIONS = loraMethodSchema.shape.targets.element.options;
type Projection = (typeof PROJECTIONS)[number];

const GROUPS: ReadonlyArray<readonly [string, readonly Projection[]]> = [
  ['Attention', ['q', 'k', 'v', 'o']],
  ['MLP', ['gate', 'up', 'down']],
  ['All', PROJECTIONS],
];

/** Commits a change to this method; false when the experiment would not validate. */
export type EditLora = (change: (m: LoraMethodConfig) => LoraMethodConfig) => boolean;

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
const fmt = (x: number) => String(Number(x.toPrecision(3)));

function Targets({ m, edit }: { m: LoraMethodConfig; edit: EditLora }) {
  const setTargets = (targets: Projection[]) => edit((x) => ({ ...x, targets: PROJECTIONS.filter((p) => targets.includes(p)) }));
  return (
    <fieldset>
      <legend>{METHOD_SETTINGS.targets.label}</legend>
      <div className="ll-quick">
        {GROUPS.map(([name, list]) => (
          <button key={name} type="button" aria-pressed={sameSet(m.targets, list)} onClick={() => setTargets([...list])}>
            {name}
          </button>
        ))}
      </div>
      <div className="ll-targets">
        {PROJECTIONS.map((p) => (
          <label key={p}>
            <input
              type="checkbox"
              checked={m.targets.includes(p)}
              onChange={(e) => setTargets(e.target.checked ? [...m.targets, p] : m.targets.filter((t) => t !== p))}
            />
            {p}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function LoraFields({ m, edit }: { m: LoraMethodConfig; edit: EditLora }) {
  const [link, setLink] = useState(true);
  const linked = link && m.alpha === 2 * m.rank;
  const linkId = useId();
  const scale = loraScale(m);

  function setRank(rank: number) {
    return edit((x) => ({
      ...x,
      rank,
      alpha: linked ? 2 * rank : x.alpha,
      // An automatic label follows the rank; a label the user wrote stays.
      label: x.label === `LoRA r=${x.rank}` ? `LoRA r=${rank}` : x.label,
    }));
  }

  return (
    <>
      <LogNumberField
        label={METHOD_SETTINGS.rank.label}
        value={m.rank}
        onCommit={setRank}
        base={2}
        minExp={Math.log2(RANK_LIMITS.min)}
        maxExp={Math.log2(RANK_LIMITS.max)}
        min={RANK_LIMITS.min}
        max={RANK_LIMITS.max}
        step={1}
        scaleLabel={`rank: ${RANK_LIMITS.min} … ${RANK_LIMITS.max} (powers of 2)`}
      />
      <NumberField {...settingField(METHOD_SETTINGS.alpha)} value={m.alpha} onCommit={(alpha) => edit((x) => ({ ...x, alpha }))} step="any" disabled={linked} />
      <div className="ll-row">
        <span />
        <label htmlFor={linkId}>
          <input
            id={linkId}
            type="checkbox"
            checked={linked}
            onChange={(e) => {
              setLink(e.target.checked);
              if (e.target.checked) edit((x) => ({ ...x, alpha: 2 * x.rank }));
            }}
          />
          α = 2r (the paper’s choice)
        </label>
      </div>
      <SelectField
        label={METHOD_SETTINGS.scaling.label}
        value={m.scaling}
        options={[['standard', 'standard: α / r'], ['rslora', 'rsLoRA: α / √r']]}
        onChange={(scaling) => edit((x) => ({ ...x, scaling }))}
      />
      <p className="ll-hint">
        Update scale{' '}
        {m.scaling === 'rslora' ? <Term id="rslora">α/√r</Term> : <Term id="alpha-r">α/r</Term>}{' '}
        = {fmt(m.alpha)} / {m.scaling === 'rslora' ? `√${m.rank}` : m.rank} = <b>{fmt(scale)}</b>
      </p>
      <Targets m={m} edit={edit} />
      <NumberField {...settingField(METHOD_SETTINGS.dropout)} value={m.dropout} onCommit={(dropout) => edit((x) => ({ ...x, dropout }))} step={0.05} />
    </>
  );
}
