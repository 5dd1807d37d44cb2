// The Sweep view: a grid of learning rates × methods (full fine-tuning, LoRA at several ranks
// and target modules), run group by group from the same base model and batches, then read the
// way the paper reads it: learning-rate sensitivity, rank, target modules, the learn–forget
// plane with its Pareto front, comparisons at each method's best learning rate and at equal
// learning, and the findings computed from the cells on screen. The URL holds the grid (never
// the results): `view=sweep` plus encodeSweepShare's parameters, kept with replaceState.
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { bestPerFamily } from '../../../experiment/analysis/front';
import { LIMITS } from '../../../experiment/config';
import { cellResults } from '../../../experiment/sweep/cells';
import { expandSweep, parseSweep, sweepGroups, type SweepConfig } from '../../../experiment/sweep/config';
import { SWEEP_PRESETS } from '../../../experiment/sweep/presets';
import { encodeSweepShare, sweepFromQuery } from '../../../experiment/links/sweep';
import { withEmbedParams } from '../../embed';
import { sweepActions } from '../../store/client';
import { useExperiment, type Pending } from '../../store/experiment';
import { initSweepForm, setSweepForm, useSweep } from '../../store/sweep';
import { pendingWord } from '../../components/status-text';
import { SweepTime } from '../../components/RunTime';
import { Findings } from './Findings';
import { GridEditor, type UpdateSweep } from './GridEditor';
import { baseLosses, familyColors, fmtEta, sweepVaries } from './model';
import { SavedSweeps } from './SavedSweeps';
import { LrCharts, ModuleCharts, PlaneChart, RankCharts } from './SweepCharts';
import { BestLrTable, EqualLearningTable } from './SweepTables';
import { Term } from '../../glossary/Term';
import '../../components/controls/panel.css';
import './sweep.css';
import { replaceQuery } from '../../url';

function parseSweepSafe(input: unknown): SweepConfig | null {
  try {
    return parseSweep(input);
  } catch {
    return null;
  }
}

/** The grid in the page's URL (the default preset when the link names none), with any problems in the link. */
const fromUrl = () => {
  const { preset, sweep, problems } = sweepFromQuery(window.location.search);
  return { preset, sweep, problems };
};

function ProgressBar() {
  const { progress, state } = useSweep(useShallow((s) => ({ progress: s.progress, state: s.state })));
  if (!progress) return null;
  const pct = progress.total > 0 ? Math.floor((100 * progress.done) / progress.total) : 0;
  return (
    <div className="ll-progress">
      <progress value={progress.done} max={progress.total} aria-label="Sweep progress" data-testid="sweep-progress" />
      <span>
        {pct}% · group {Math.min(progress.group + 1, progress.groups)} of {progress.groups}
        {state === 'running' ? ` · ${fmtEta(progress.etaSeconds)}` : ''}
      </span>
    </div>
  );
}

function statusText(state: string, error: string, pending: Pending): string {
  if (pending && (state === 'running' || state === 'paused')) return `${pendingWord(pending)} The sweep finishes the step in hand first.${error ? ` ${error}` : ''}`;
  const text: Record<string, string> = {
    idle: 'Ready: press Start to train every run of the grid.',
    running: 'Training the sweep…',
    paused: 'Paused.',
    stopped: 'Stopped.',
    done: 'Done: every run of the grid trained.',
    error: 'The sweep stopped with an error.',
  };
  return `${text[state] ?? state}${error ? ` ${error}` : ''}`;
}

export function SweepView() {
  // The grid lives in the store (store/sweep.ts form); the first opening fills it from the link.
  const [opening] = useState(() => useSweep.getState().form ?? fromUrl());
  useEffect(() => void initSweepForm(() => opening), [opening]);
  const form = useSweep((x) => x.form) ?? opening;
  const { preset, sweep, problems: linkProblems } = form;
  const [copied, setCopied] = useState('');
  const s = useSweep(useShallow((x) => ({ sweep: x.sweep, evals: x.evals, diverged: x.diverged, state: x.state, error: x.error, resumable: x.resumable, pending: x.pending })));
  const runState = useExperiment((x) => x.state);

  useEffect(() => {
    replaceQuery(withEmbedParams(encodeSweepShare(sweep, preset), window.location.search));
  }, [sweep, preset]);

  const update: UpdateSweep = (change) => {
    const r = parseSweepSafe(change(sweep));
    if (r) setSweepForm(preset, r);
    return r !== null;
  };
  const setPreset = (p: string) => setSweepForm(p, SWEEP_PRESETS[p].sweep);

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied('Link copied (the grid, not the results).');
    } catch {
      setCopied(`Copy this link: ${window.location.href}`);
    }
  }

  const shown = s.sweep;
  const cells = useMemo(() => (shown ? cellResults(shown, s.evals, new Set(Object.keys(s.diverged))) : []), [shown, s.evals, s.diverged]);
  const best = useMemo(() => {
    const order = (shown?.families ?? []).map((f) => f.id);
    return bestPerFamily(cells).sort((a, b) => order.indexOf(a.family) - order.indexOf(b.family));
  }, [cells, shown]);
  const families = useMemo(() => {
    const seen = new Map<string, string>();
    if (shown) for (const c of expandSweep(shown)) if (!seen.has(c.family)) seen.set(c.family, c.familyLabel);
    return [...seen].map(([id, label]) => ({ id, label }));
  }, [shown]);
  const shownColors = familyColors(shown);
  const base = baseLosses(s.evals);
  const varies = sweepVaries(shown ?? sweep);
  const runs = expandSweep(sweep).length;
  const groups = sweepGroups(sweep).length;
  const running = s.state === 'running';
  const oneRate = (shown ?? sweep).families.every((f) => f.lrs.length === 1);
  const props = { cells, best, colors: shownColors, baseSource: base?.source ?? null, oneRate };
  const info = SWEEP_PRESETS[preset];

  return (
    <section className="ll-panel ll-sweep" aria-labelledby="sweep-title">
      <div className="ll-panel-head">
        <h2 id="sweep-title">Sweep: learning rates × methods, read the way the paper reads them</h2>
        <p className="ll-intro">
          Every method at several learning rates, trained group by group from the same base model on the same batches. Then compare
          each method at its best learning rate, and at <Term id="equal-learning">equal learning</Term>.
        </p>
      </div>
      <div className="ll-toolbar">
        <div className="ll-preset">
          <label htmlFor="sweep-preset">Sweep preset</label>
          <select id="sweep-preset" value={Object.hasOwn(SWEEP_PRESETS, preset) ? preset : ''} onChange={(e) => setPreset(e.target.value)} disabled={running}>
            {Object.entries(SWEEP_PRESETS).map(([k, p]) => <option key={k} value={k}>{p.title}</option>)}
          </select>
        </div>
        <div className="ll-runbar">
          <button type="button" onClick={() => sweepActions.start(sweep, preset)} disabled={running} aria-describedby="sweep-status">Start</button>
          <button type="button" onClick={sweepActions.pause} disabled={!running || s.pending !== null}>Pause</button>
          <button type="button" onClick={sweepActions.resume} disabled={s.state !== 'paused' || s.pending !== null}>Resume</button>
          {/* A reopened sweep is not in the Worker's memory: nothing to stop; Resume restores it from its checkpoint. */}
          <button type="button" onClick={sweepActions.stop} disabled={(!running && s.state !== 'paused') || s.resumable !== null || s.pending === 'stopping'}>Stop</button>
          <button type="button" onClick={copyLink}>Copy link</button>
          {copied && <span data-testid="copied">{copied}</span>}
        </div>
        <p className="ll-status" id="sweep-status" role="status" aria-live="polite" data-state={s.state} data-pending={s.pending ?? undefined}>
          {statusText(s.state, s.error, s.pending)}
          <SweepTime sweep={sweep} state={s.state} />
        </p>
      </div>
      <div className="ll-controls">
        {info && <p className="ll-hint">{info.description} <b>Findings {info.findings.join(', ')}.</b></p>}
        <p className="ll-hint" data-testid="sweep-size">
          {runs} runs in {groups} group{groups === 1 ? '' : 's'} (up to {LIMITS.methods} train side by side): {(runs * sweep.steps).toLocaleString('en-US')} training steps in all.
        </p>
        <fieldset className="ll-bare" disabled={running}>
          <GridEditor sweep={sweep} update={update} colors={familyColors(sweep)} />
        </fieldset>
      </div>
      <div className="ll-main">
        {runState === 'running' && <p className="ll-hint"><b>An experiment run is training now:</b> Start stops it (one thing trains at a time).</p>}
        {linkProblems.length > 0 && (
          <div role="alert" data-testid="link-problems" className="ll-alert">
            <p>Some settings in this link could not be used; the rest were applied:</p>
            <ul>{linkProblems.map((p) => <li key={p}>{p}</li>)}</ul>
          </div>
        )}
        <ProgressBar />
        <div className="ll-charts">
          <LrCharts {...props} />
          {varies.rank && <RankCharts {...props} />}
          {varies.targets && <ModuleCharts {...props} />}
          <PlaneChart {...props} families={families} />
        </div>
        <BestLrTable best={best} colors={shownColors} baseSource={base?.source ?? null} />
        <EqualLearningTable best={best} colors={shownColors} />
        <Findings cells={cells} />
        <SavedSweeps onOpen={(x) => setSweepForm(x.preset, x.sweep)} />
      </div>
    </section>
  );
}
