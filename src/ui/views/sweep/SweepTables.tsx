// The two comparisons of the sweep, each saying which one it is: "at each method's best
// learning rate" (the paper's: best held-out target loss, the source loss at that point and its
// rise over the base model) and "at equal learning" (the source loss each method had when its
// target loss first reached a level the user picks; by default the best LoRA's). Every number
// column names its unit; losses are in nats/byte (a glossary term, linked in the caption).
import { useState } from 'react';
import { bestPoint, defaultEqualLevel, equalLearning, type SweepCellResult } from '../../../experiment/analysis/front';
import { fmtLr } from './model';
import { Term } from '../../glossary/Term';

const f3 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3));
const signed = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(3)}`);

function Swatch({ color }: { color: string }) {
  return <span className="ll-swatch" style={{ background: color }} aria-hidden="true" />;
}

interface Props {
  best: SweepCellResult[];
  colors: Record<string, string>;
  baseSource: number | null;
}

export function BestLrTable({ best, colors, baseSource }: Props) {
  return (
    <div className="ll-table-wrap" tabIndex={0}><table className="ll-table" data-testid="best-lr-table">
      <caption>
        <b>At each method’s best learning rate</b> (the paper’s comparison): the run of each method whose <Term id="held-out">held-out</Term> target
        loss went lowest, at that evaluation. Losses in <Term id="nats-per-byte">nats/byte</Term>; the rise is over the base model’s source loss.
      </caption>
      <thead>
        <tr><th scope="col">Method</th><th scope="col">Best learning rate</th><th scope="col">Best target loss (nats/byte)</th><th scope="col">At step</th><th scope="col">Source loss there (nats/byte)</th><th scope="col">Source rise (nats/byte)</th></tr>
      </thead>
      <tbody>
        {best.map((c) => {
          const b = bestPoint(c.evals);
          return (
            <tr key={c.family} data-family={c.family}>
              <th scope="row"><Swatch color={colors[c.family]} />{c.familyLabel}</th>
              <td>{b ? fmtLr(c.lr) : '–'}</td>
              <td>{f3(b?.targetLoss)}</td>
              <td>{b?.step ?? '–'}</td>
              <td>{f3(b?.sourceLoss)}</td>
              <td>{b && baseSource !== null ? signed(b.sourceLoss - baseSource) : '–'}</td>
            </tr>
          );
        })}
      </tbody>
    </table></div>
  );
}

export function EqualLearningTable({ best, colors }: Omit<Props, 'baseSource'>) {
  const series = best.map((c) => ({ key: c.family, label: c.familyLabel, kind: c.kind, evals: c.evals }));
  const fallback = defaultEqualLevel(series);
  // null: follow the default (the best LoRA's target loss), which moves as the sweep trains.
  const [text, setText] = useState<string | null>(null);
  const typedValue = text === null || text.trim() === '' ? NaN : Number(text);
  const picked = Number.isFinite(typedValue) && typedValue > 0 ? typedValue : null;
  const level = picked ?? fallback;
  const rows = level === null ? [] : equalLearning(series, level);
  return (
    <div className="ll-table-wrap" tabIndex={0}><table className="ll-table" data-testid="equal-learning-table">
      <caption>
        <b><Term id="equal-learning">At equal learning</Term></b>: the source loss each method (at its best learning rate) had when its held-out target loss first
        reached{' '}
        <label>
          <span className="ll-sr">target-loss level</span>
          <input
            className="ll-level" type="number" step={0.01} min={0} aria-label="Target-loss level"
            value={text ?? (fallback === null ? '' : fallback.toFixed(3))}
            aria-invalid={text !== null && picked === null}
            onChange={(e) => setText(e.target.value)}
            onBlur={() => picked === null && setText(null)}
          />
        </label>
        {' nats/byte'}{picked === null && fallback !== null ? ' (the best LoRA’s target loss)' : ''}; <Term id="interpolated">interpolated</Term> between evaluations.
      </caption>
      <thead>
        <tr><th scope="col">Method</th><th scope="col">Reached it</th><th scope="col">At step (interpolated)</th><th scope="col">Source loss then (nats/byte)</th><th scope="col">Source rise (nats/byte)</th></tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-family={r.key}>
            <th scope="row"><Swatch color={colors[r.key]} />{r.label}</th>
            <td>{r.reached ? 'yes' : 'no'}</td>
            <td>{r.step === null ? '–' : r.step.toFixed(1)}</td>
            <td>{f3(r.sourceLoss)}</td>
            <td>{signed(r.sourceRise)}</td>
          </tr>
        ))}
        {rows.length === 0 && <tr><td colSpan={5}>No LoRA run has been evaluated yet, so there is no level to compare at: pick one above.</td></tr>}
      </tbody>
    </table></div>
  );
}
