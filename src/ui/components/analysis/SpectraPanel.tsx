// Spectra of the weight change (the paper's finding 6, and intruder dimensions from Shuttleworth
// et al. 2024): the Worker takes the SVD of ΔW = W_tuned − W_base for every matrix of every method
// at the run's latest checkpoint; the student picks a matrix and compares the methods' singular
// values and explained energy with a random matrix of the same shape and norm, and reads rank@90%
// and intruder dimensions over all matrices in a table. Every number here comes from that result.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { MethodSpectra, SpectraResult } from '../../../experiment/protocol';
import { useAnalysis } from '../../store/analysis';
import { analysisActions } from '../../store/client';
import { useExperiment } from '../../store/experiment';
import { BASE_COLOR, methodColor } from '../charts/colors';
import { fix } from './common';
import { Term } from '../../glossary/Term';
import { ChartBody } from '../charts/legend';
import { ExplainedChart, SingularValuesChart, ZERO_SHARE, type SpectrumSeries } from './SpectraCharts';

const REF_COLOR = BASE_COLOR;

function matrixLabel(s: { name: string; layer: number | null; proj: string; rows: number; cols: number }): string {
  return s.layer === null ? `embedding ${s.proj} (${s.rows}×${s.cols}, full fine-tuning only)` : `layer ${s.layer} · ${s.proj} (${s.rows}×${s.cols})`;
}

function seriesFor(r: SpectraResult, name: string, colorOf: (id: string) => string): SpectrumSeries[] {
  const out: SpectrumSeries[] = [];
  for (const m of r.methods) {
    const s = m.spectra.find((x) => x.name === name);
    if (s) out.push({ key: m.id, label: m.label, color: colorOf(m.id), dashed: false, singular: s.singular, explained: s.explained });
  }
  const ref = r.references.find((x) => x.name === name);
  if (ref) out.push({ key: '__random', label: 'random (same shape and norm)', color: REF_COLOR, dashed: true, singular: ref.singular, explained: ref.explained });
  return out;
}

function maxRank(m: MethodSpectra): string {
  if (m.kind === 'lora') return `≤ ${m.rank} (r)`;
  const dims = m.spectra.filter((s) => s.kind !== 'embedding').map((s) => Math.min(s.rows, s.cols));
  return dims.length ? `≤ ${Math.max(...dims)}` : '—';
}

function SummaryTable({ r, colorOf }: { r: SpectraResult; colorOf: (id: string) => string }) {
  const refKind = new Map(r.methods.flatMap((m) => m.spectra.map((s) => [s.name, s.kind] as const)));
  const refMean = (kind: string) => {
    const xs = r.references.filter((x) => (kind === 'all' ? refKind.get(x.name) !== 'embedding' : refKind.get(x.name) === kind)).map((x) => x.rank90);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
  };
  return (
    <div className="ll-table-wrap" tabIndex={0}><table className="ll-table" data-testid="rank-table">
      <caption className="ll-hint">Mean <Term id="rank90">rank@90%</Term> over all projection matrices of each kind (embeddings excluded), in directions (singular vectors); <Term id="intruders">intruder dimensions</Term> counted over them (top {r.intruderTopK} singular vectors, |cos| &lt; {r.intruderThreshold}).</caption>
      <thead>
        <tr><th scope="col">Method</th><th scope="col">Attention rank@90% (directions)</th><th scope="col">MLP rank@90% (directions)</th><th scope="col">All rank@90% (directions)</th><th scope="col">Possible rank (directions)</th><th scope="col">Intruders, attention / MLP (count)</th></tr>
      </thead>
      <tbody>
        {r.methods.map((m) => (
          <tr key={m.id} data-method={m.id}>
            <th scope="row"><span className="ll-swatch" style={{ background: colorOf(m.id) }} />{m.label}</th>
            {m.diverged ? <td colSpan={5}>diverged: no spectrum</td> : (
              <>
                <td>{fix(m.summary.attention, 1)}</td><td>{fix(m.summary.mlp, 1)}</td><td>{fix(m.summary.all, 1)}</td>
                <td>{maxRank(m)}</td><td>{m.intruders.attention} / {m.intruders.mlp}</td>
              </>
            )}
          </tr>
        ))}
        {r.references.length > 0 && (
          <tr data-method="random">
            <th scope="row"><span className="ll-swatch" style={{ background: REF_COLOR }} />random (norm of {r.methods.find((m) => m.id === r.references[0].normOf)?.label})</th>
            <td>{fix(refMean('attention'), 1)}</td><td>{fix(refMean('mlp'), 1)}</td><td>{fix(refMean('all'), 1)}</td><td>—</td><td>—</td>
          </tr>
        )}
      </tbody>
    </table></div>
  );
}

/** What the table says, in words computed from it. */
function measuredSentence(r: SpectraResult): string {
  const ok = r.methods.filter((m) => !m.diverged);
  const parts = ok.map((m) => `${m.label} ${fix(m.summary.attention, 1)} (attention) and ${fix(m.summary.mlp, 1)} (MLP)${m.kind === 'lora' ? `, at most ${m.rank} by construction` : ''}`);
  return parts.length ? `At step ${r.step}, ΔW needs on average: ${parts.join('; ')}.` : 'Every method diverged: no spectra.';
}

function Result({ r, colorOf }: { r: SpectraResult; colorOf: (id: string) => string }) {
  const first = r.methods.find((m) => m.kind === 'full' && !m.diverged) ?? r.methods.find((m) => !m.diverged);
  const [picked, setPicked] = useState<string | null>(null);
  if (!first) return <p className="ll-hint">Every method diverged: no spectra.</p>;
  const name = picked && first.spectra.some((s) => s.name === picked) ? picked : first.spectra[0].name;
  const series = seriesFor(r, name, colorOf);
  const ranks = r.methods.flatMap((m) => m.spectra.filter((s) => s.name === name).map((s) => ({ id: m.id, label: m.label, rank: s.rank90, intruders: s.intruders })));
  const ref = r.references.find((x) => x.name === name);
  return (
    <>
      <p className="ll-hint" data-testid="spectra-summary">{measuredSentence(r)} (computed in {(r.ms / 1000).toFixed(1)} s)</p>
      <div className="ll-row ll-spectra-pick">
        <label htmlFor="spectra-matrix">Matrix</label>
        <select id="spectra-matrix" value={name} onChange={(e) => setPicked(e.target.value)}>
          {first.spectra.map((s) => <option key={s.name} value={s.name}>{matrixLabel(s)}</option>)}
        </select>
      </div>
      <ul className="ll-spectra-ranks" data-testid="matrix-ranks">
        {ranks.map((x) => <li key={x.id}><span className="ll-swatch" style={{ background: colorOf(x.id) }} />{x.label}: rank@90% <b data-rank={x.id}>{x.rank}</b>, intruders {x.intruders}</li>)}
        {ref && <li><span className="ll-swatch" style={{ background: REF_COLOR }} />random: rank@90% <b>{ref.rank90}</b></li>}
      </ul>
      <div className="ll-charts">
        <figure className="ll-chart" data-chart="singular" aria-label="Singular values of ΔW">
          <figcaption>Singular values of ΔW (log scale)</figcaption>
          <p className="ll-hint">Values below {ZERO_SHARE.toExponential(0)} of a line’s largest are zero up to rounding and not drawn.</p>
          <ChartBody><SingularValuesChart series={series} /></ChartBody>
        </figure>
        <figure className="ll-chart" data-chart="explained" aria-label="Cumulative explained energy of ΔW">
          <figcaption>Cumulative energy explained</figcaption>
          <p className="ll-hint">Share of ΔW’s energy (sum of squared singular values) in the top k; rank@90% is where a line crosses 90%.</p>
          <ChartBody><ExplainedChart series={series} /></ChartBody>
        </figure>
      </div>
      <SummaryTable r={r} colorOf={colorOf} />
    </>
  );
}

export function SpectraPanel() {
  const run = useExperiment(useShallow((x) => ({ id: x.activeRunId, state: x.state, methods: x.methods })));
  const a = useAnalysis(useShallow((x) => ({ result: x.spectra, busy: x.busy.spectra, error: x.error.spectra })));
  const result = a.result && a.result.runId === run.id ? a.result : null;
  const ids = run.methods.map((m) => m.id);
  const colorOf = (id: string) => methodColor(Math.max(0, ids.indexOf(id)));
  return (
    <section className="ll-analysis" aria-labelledby="spectra-title" data-testid="spectra-panel">
      <h3 id="spectra-title">Spectra of the weight change</h3>
      <p className="ll-hint">
        <Term id="delta-w">ΔW</Term> = W<sub>fine-tuned</sub> − W<sub>base</sub> per weight matrix (for LoRA: the merged weights minus W, i.e. (<Term id="alpha-r">α/r</Term>)·B·A).
        Its singular values count the independent directions the change uses; <Term id="rank90">rank@90%</Term> is the fewest that hold 90% of its energy.
        LoRA’s ΔW is an (out×r) matrix times an (r×in) one: rank ≤ r by construction.
        A Gaussian random matrix of the same shape and norm has no structure, so its singular values fall off slowly.
        <Term id="intruders">Intruder dimensions</Term> (Shuttleworth et al. 2024): top singular vectors of the fine-tuned W far from every singular vector of the base W.
        Paper (finding 6): full fine-tuning’s ΔW needs a rank 10–100× typical LoRA ranks, MLP more than attention.
      </p>
      <div className="ll-runbar">
        <button type="button" disabled={run.id === null || run.state === 'idle' || a.busy} onClick={analysisActions.spectra}>
          {a.busy ? 'Computing…' : result ? 'Recompute spectra' : 'Compute spectra'}
        </button>
        <span className="ll-hint">From the latest checkpoint{result ? ` (step ${result.step})` : ''}; the SVDs run in the Worker.</span>
      </div>
      {a.error && <p role="alert" className="ll-alert">{a.error}</p>}
      {result && <Result key={`${result.runId}-${result.step}`} r={result} colorOf={colorOf} />}
    </section>
  );
}
