// "What this playground measured" for one tour step: the student's own finished run or sweep when one
// of the step's kind is on screen, beside the results file's numbers (with the machine they came from),
// and, where the toy scale disagrees with the paper, the experiments that probe why, with their own
// measured numbers beside them. Every sentence comes from stepMeasured (the findings box's claims).
import { useMemo, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Verdict } from '../../../experiment/analysis/claims';
import { baseLabel } from '../../../experiment/bases';
import {
  configHash, experimentSummary, hashConfig, judgeFor, offersProbes, stepAlso, stepMeasured, sweepSummary, type RunSummary,
} from '../../../experiment/tour/results';
import { classroomRun, TOUR_RUNS, type TourProbe, type TourRun, type TourStep } from '../../../experiment/tour/steps';
import { useExperiment } from '../../store/experiment';
import { useSweep } from '../../store/sweep';
import { useTour } from '../../store/tour';
import { VERDICT_LABEL, VerdictRule } from '../charts/ClaimList';


/** “small” (820k parameters, d_model 128, 4 layers, pretrained 1400 steps), or the quoted name of another base. */
function baseWords(name: string): string {
  const label = baseLabel(name);
  if (!label.startsWith(`${name}: `)) return `“${name}”`;
  return `“${name}” (${label.slice(name.length + 2).replace(' (', ', ').replace('),', ',')})`;
}

/** Whose settings the student's run had: the step's, its classroom version's, or their own. */
type Match = 'exact' | 'classroom' | 'own';
type Yours = { summary: RunSummary; match: Match } | { training: string } | null;

function matchOf(run: TourRun, hash: string): Match {
  if (hash === configHash(run)) return 'exact';
  return hash === configHash(classroomRun(run)) ? 'classroom' : 'own';
}

/** The student's run of the step's kind on screen: finished (a summary), training (a note), or none. */
function useYours(run: TourRun): Yours {
  const x = useExperiment(useShallow((s) => ({ config: s.config, evals: s.evals, diverged: s.diverged, state: s.state, step: s.step })));
  const w = useSweep(useShallow((s) => ({ sweep: s.sweep, evals: s.evals, diverged: s.diverged, state: s.state, progress: s.progress })));
  const results = useTour((s) => s.results);
  return useMemo(() => {
    if (run.kind === 'experiment') {
      if (!x.config) return null;
      if (x.state === 'running' || x.state === 'paused') return { training: `Your run is training (step ${x.step} of ${x.config.steps}); its numbers appear beside these when it finishes.` };
      if (x.state !== 'done') return null;
      const summary = experimentSummary('yours', x.config, [{ evals: x.evals, diverged: x.diverged }], [x.config.seed], judgeFor(results, 'experiment', x.config));
      return { summary, match: matchOf(run, hashConfig('experiment', x.config)) };
    }
    if (!w.sweep) return null;
    if (w.state === 'running' || w.state === 'paused') {
      const pct = w.progress && w.progress.total > 0 ? ` (${Math.round((100 * w.progress.done) / w.progress.total)}%)` : '';
      return { training: `Your sweep is training${pct}; its numbers appear beside these when it finishes.` };
    }
    if (w.state !== 'done') return null;
    const summary = sweepSummary('yours', w.sweep, [{ evals: w.evals, diverged: Object.keys(w.diverged) }], [w.sweep.seed], judgeFor(results, 'sweep', w.sweep));
    return { summary, match: matchOf(run, hashConfig('sweep', w.sweep)) };
  }, [run, x, w, results]);
}

const PROBE_LEAD = {
  disagrees: 'Here the toy scale disagrees with the paper.',
  mixed: 'Here the toy scale agrees with the paper only in part.',
  'within-noise': 'Here the differences are within the seed-to-seed noise: this scale cannot tell.',
  inconclusive: 'Here the grid cannot tell.',
} as const;

function Verdict({ verdict, legacy = false }: { verdict: Verdict | null; legacy?: boolean }) {
  if (!verdict) return null;
  // A one-seed result from before the noise rule: its old verdict is shown as such, never as a verdict of the rule.
  if (legacy && verdict !== 'not-measured') {
    return <span className="ll-verdict ll-within-noise" data-testid="tour-verdict">One seed, not judged against noise (earlier rule: {VERDICT_LABEL[verdict].toLowerCase()}).</span>;
  }
  return <span className={`ll-verdict ll-${verdict}`} data-testid="tour-verdict">{VERDICT_LABEL[verdict]}.</span>;
}

function Probe({ probe, step, onRun, busy }: { probe: TourProbe; step: TourStep; onRun: (r: TourRun) => void; busy: string }) {
  const results = useTour((s) => s.results);
  const run = TOUR_RUNS[probe.run];
  // The probe's own numbers for this step's finding, when the results file holds them and they measure it.
  const stored = results?.runs[probe.run];
  const m = stored ? stepMeasured(step, stored) : null;
  const n = stored?.seeds.length ?? 0;
  // Judged under the same rule as the step's own run, so it carries its own verdict: the larger base may differ.
  return (
    <li>
      <button type="button" onClick={() => onRun(run)} disabled={busy !== ''} title={busy || undefined}>{probe.label}</button>{' '}
      {probe.why}
      {m && m.verdict !== 'not-measured' && (
        <p className="ll-tour-probe-results" data-testid="tour-probe-results">
          <Verdict verdict={m.verdict} legacy={stored?.legacy} /> <b>{run.title}</b> ({n} seed{n > 1 ? 's' : ''}): {m.text}
        </p>
      )}
    </li>
  );
}

const YOURS_LEAD: Record<Match, string> = {
  exact: 'Your run, with this step’s settings:',
  classroom: 'Your classroom run (fewer steps; no shipped reference of its own, so the reference beside it is the full run’s):',
  own: 'Your run, with settings of your own (not this step’s):',
};

interface Props {
  step: TourStep;
  onRun: (r: TourRun) => void;
  busy: string;
  /** Predict first: the reference's numbers wait for the student's pick. */
  hidden?: boolean;
}

export function TourMeasured({ step, onRun, busy, hidden = false }: Props) {
  const run = TOUR_RUNS[step.run];
  const { results, resultsError } = useTour(useShallow((s) => ({ results: s.results, resultsError: s.resultsError })));
  const yours = useYours(run);
  const stored = results?.runs[step.run] ?? null;
  const mine = yours && 'summary' in yours ? yours : null;
  const ref = stored ? stepMeasured(step, stored) : null;
  // Further shipped runs that measure this finding another way (finding 6 at a second width), always shown under the reference.
  const also = stored ? stepAlso(step, results) : [];
  const own = mine ? stepMeasured(step, mine.summary) : null;
  // The probes follow the reference's verdict (the student's own run when there is no reference).
  const m = ref ?? own;
  let source: ReactNode;
  if (stored && results) {
    source = (
      <>
        Reference: fine-tuned from the base model {baseWords(stored.base)}; measured by <code>{results.generatedBy}</code> on {results.device}, {(stored.measuredAt ?? results.generatedAt).slice(0, 10)}
        {stored.seconds ? ` (${Math.round(stored.seconds / 60)} min${stored.seeds.length > 1 ? ` for ${stored.seeds.length} seeds` : ''})` : ''}.
        {stored.legacy ? ' One seed, measured before verdicts were judged against seed-to-seed noise: these sentences follow the earlier rule until the run is re-measured with three seeds.' : ''}
        {mine ? '' : ' Your own run’s numbers appear beside these when it finishes.'}
      </>
    );
  } else if (results) {
    source = 'The results file has no numbers for this step’s run: regenerate it with npm run tour-results.';
  } else {
    source = resultsError ? `No stored numbers: ${resultsError}.` : 'Loading the stored numbers…';
  }
  // Two grid items of the tour's body: the measured numbers beside the text, the probes across both columns.
  return (
    <>
      <section className="ll-tour-measured" aria-labelledby="ll-tour-measured-title" data-testid="tour-measured" data-source={mine ? 'yours' : 'file'}>
        <h4 id="ll-tour-measured-title">What this playground measured</h4>
        {yours && 'training' in yours && <p className="ll-hint">{yours.training}</p>}
        {hidden ? (
          <p className="ll-hint" data-testid="tour-hidden">Hidden until you make your prediction (or skip it).</p>
        ) : (
          <div className="ll-tour-reference" data-testid="tour-reference">
            <p className="ll-hint">{source}</p>
            {ref && <p data-testid="tour-claim"><Verdict verdict={ref.verdict} legacy={stored?.legacy} /> {ref.text}</p>}
            {also.map((a) => (
              <p key={a.run} data-testid="tour-also-claim">
                <Verdict verdict={a.verdict} legacy={a.legacy} /> <b>{a.title}</b> ({a.seeds} seed{a.seeds > 1 ? 's' : ''}): {a.text}
              </p>
            ))}
          </div>
        )}
        {mine && own && (
          <div className="ll-tour-yours" data-testid="tour-yours" data-match={mine.match}>
            <p className="ll-hint">{YOURS_LEAD[mine.match]}</p>
            <p data-testid="tour-your-claim"><Verdict verdict={own.verdict} /> {own.text}</p>
          </div>
        )}
        {!hidden && (ref?.verdict || own?.verdict) && <VerdictRule />}
      </section>
      {!hidden && m && offersProbes(m.verdict) && step.probes.length > 0 && (
        <section className="ll-tour-probes" aria-label="Experiments that probe why">
          <p>
            <b>{PROBE_LEAD[m.verdict as keyof typeof PROBE_LEAD] ?? ''}</b>{' '}
            Experiments that probe why:
          </p>
          <ul>{step.probes.map((p) => <Probe key={p.run} probe={p} step={step} onRun={onRun} busy={busy} />)}</ul>
        </section>
      )}
    </>
  );
}
