// Experiment panel: a sticky toolbar (preset, run buttons, status), a column of collapsible
// settings (shared settings, one card per method) beside the learning / forgetting / trade-off
// (and math accuracy) charts and each method's status; the share menu is in the page's top bar. Every control edits `config` through `update`, which keeps only changes
// that validate, and the URL always mirrors `config` relative to the preset.
// The charts (recharts), the analysis panels and the export panel arrive after the first paint
// (layout/Lazy.tsx): the settings and the Start button do not wait for them.
import { Suspense, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { parseExperiment, PRESETS, type ExperimentConfig } from '../../experiment/config';
import { encodeShare } from '../../experiment/links/experiment';
import { withEmbedParams } from '../embed';
import { runActions } from '../store/client';
import { RunHistory } from './RunHistory';
import { StorageBanner } from './StorageBanner';
import { isOtherViewQuery, setForm, useExperiment } from '../store/experiment';
import { PAPER_URL } from './charts/ClaimList';
import './analysis/analysis.css';
import { lazyNamed, Loading } from './layout/Lazy';
import { GlossaryText } from '../glossary/Term';
import { StatusTable } from './charts/StatusTable';
import { MethodList } from './controls/MethodList';
import { SharedSettings } from './controls/SharedSettings';
import type { Update } from './controls/update';
import { useCustomTexts } from './controls/CustomTextState';
import { runStatusText } from './status-text';
import { ExperimentTime } from './RunTime';
import { domainName, setupDescription } from './controls/setup-text';
import './controls/panel.css';
import { replaceQuery } from '../url';

const MetricCharts = lazyNamed(() => import('./charts/MetricCharts'), 'MetricCharts');
const TrainingCharts = lazyNamed(() => import('./analysis/TrainingCharts'), 'TrainingCharts');
const GenerationPanel = lazyNamed(() => import('./analysis/GenerationPanel'), 'GenerationPanel');
const SpectraPanel = lazyNamed(() => import('./analysis/SpectraPanel'), 'SpectraPanel');
const ExportPanel = lazyNamed(() => import('./export/ExportPanel'), 'ExportPanel');

function parseExperimentSafe(input: unknown): ExperimentConfig | null {
  try {
    return parseExperiment(input);
  } catch {
    return null;
  }
}

/** The run's status line: it alone re-renders with every step (a few times a second at most, see applyEvent). */
function RunStatusLine({ form }: { form: ExperimentConfig }) {
  const s = useExperiment(useShallow((x) => ({ state: x.state, step: x.step, error: x.error, config: x.config, pending: x.pending })));
  return (
    <p className="ll-status" id="exp-status" role="status" aria-live="polite" data-state={s.state} data-pending={s.pending ?? undefined}>
      {runStatusText(s.state, s.step, s.config?.steps ?? null, s.pending)}
      {s.error ? ` ${s.error}` : ''}
      <ExperimentTime form={form} />
    </p>
  );
}

/** Each method's last losses and speed: the other part of the panel that follows every step. */
function LiveStatusTable() {
  const s = useExperiment(useShallow((x) => ({ methods: x.methods, lastStep: x.lastStep, diverged: x.diverged, config: x.config, evals: x.evals, devicePeak: x.devicePeak })));
  return <StatusTable methods={s.methods} lastStep={s.lastStep} diverged={s.diverged} config={s.config} evals={s.evals} devicePeak={s.devicePeak} />;
}

export function ExperimentPanel() {
  const { preset, config, linkProblems } = useExperiment((x) => x.form);
  // Not the step counter nor the last step's losses: those change many times a second while a small config
  // trains, and the panel (charts included) must not re-render with them. RunStatusLine and LiveStatusTable do.
  const s = useExperiment(useShallow((x) => ({ methods: x.methods, evals: x.evals, state: x.state, config: x.config, resumable: x.resumable, compare: x.compare, pending: x.pending })));
  const overlays = useMemo(
    () => s.compare.map((r) => ({ key: r.id.slice(0, 8), label: `${r.preset}, ${new Date(r.createdAt).toLocaleTimeString()}`, methods: r.methods, evals: r.evals })),
    [s.compare],
  );

  // The student's own target text, when the page holds it: a small one goes into the link, and Start sends it.
  const ownText = useCustomTexts((x) => (config.target.domain === 'custom' ? x.texts[config.target.sha256] : undefined));

  // The URL always holds the experiment (only values that differ from the preset); replaceState
  // so typing in a field does not add a history entry per keystroke. Not once another view's query is
  // in it: a tour step's link switches to the Sweep view (with its grid) in an effect that runs before
  // this one, and the Sweep view reads that grid when it mounts.
  useEffect(() => {
    if (isOtherViewQuery(window.location.search)) return;
    replaceQuery(withEmbedParams(encodeShare(config, preset, ownText), window.location.search));
  }, [config, preset, ownText]);

  function setPreset(p: string) {
    setForm(p, PRESETS[p].config);
  }

  /** Applies a change when the whole experiment still validates; returns whether it did. */
  const update: Update = (change) => {
    const r = parseExperimentSafe(change(config));
    if (r) setForm(preset, r);
    return r !== null;
  };

  // On a phone the settings start folded, so the charts follow the toolbar; wider, they start open.
  const [groupsOpen] = useState(() => !window.matchMedia?.('(max-width: 600px)').matches);
  const running = s.state === 'running';
  const shown = s.config ?? config;
  return (
    <section className="ll-panel" aria-labelledby="exp-title">
      <div className="ll-panel-head">
        <h2 id="exp-title">Experiment: what does each method learn and forget?</h2>
        <p className="ll-intro">
          One base model, the same batches, several methods: a small-scale replay of Biderman et al. 2024,{' '}
          <a href={PAPER_URL} target="_blank" rel="noreferrer">“LoRA Learns Less and Forgets Less”</a>.
        </p>
      </div>
      <div className="ll-toolbar">
        <div className="ll-preset">
          <label htmlFor="exp-preset">Preset</label>
          <select id="exp-preset" value={preset} onChange={(e) => setPreset(e.target.value)} disabled={running}>
            {Object.entries(PRESETS).map(([k, p]) => (
              <option key={k} value={k}>{p.title}</option>
            ))}
          </select>
        </div>
        <div className="ll-runbar">
          <button type="button" onClick={() => runActions.start(config, preset, ownText)} disabled={running} aria-describedby="exp-status">Start</button>
          <button type="button" onClick={runActions.pause} disabled={!running || s.pending !== null}>Pause</button>
          <button type="button" onClick={runActions.resume} disabled={s.state !== 'paused' || s.pending !== null}>Resume</button>
          <button type="button" onClick={runActions.stepOnce} disabled={s.state !== 'paused' || s.resumable !== null || s.pending !== null}>Step once</button>
          <button type="button" onClick={runActions.stop} disabled={(!running && s.state !== 'paused') || s.pending === 'stopping'}>Stop</button>
          <button type="button" onClick={runActions.reset} disabled={s.state === 'idle'}>Reset</button>
        </div>
        <RunStatusLine form={config} />
      </div>
      <div className="ll-controls" role="group" aria-label="Settings">
        <p className="ll-hint" data-testid="setup-description"><GlossaryText text={setupDescription(preset, config)} /></p>
        {running && <p className="ll-hint"><b>Settings are locked while training runs.</b> Pause or stop to edit; changes apply at the next Start.</p>}
        <fieldset className="ll-bare" disabled={running}>
          <details className="ll-group" open={groupsOpen}>
            <summary>Shared settings</summary>
            <SharedSettings config={config} update={update} />
          </details>
          <details className="ll-group" open={groupsOpen}>
            <summary>Methods</summary>
            <MethodList config={config} update={update} />
          </details>
        </fieldset>
      </div>
      <div className="ll-main">
        {linkProblems.length > 0 && (
          <div role="alert" data-testid="link-problems" className="ll-alert">
            <p>Some settings in this link could not be used; the rest were applied:</p>
            <ul>{linkProblems.map((p) => <li key={p}>{p}</li>)}</ul>
          </div>
        )}
        <StorageBanner />
        {/* One grid for the experiment's charts and the analysis charts over training (analysis.css). */}
        <div className="ll-chart-area">
          <Suspense fallback={<Loading what="the charts" className="ll-loading-charts" />}>
            <MetricCharts
              methods={s.methods}
              evals={s.evals}
              overlays={overlays}
              domains={{ source: domainName(shown.source), target: domainName(shown.target) }}
              showAccuracy={shown.target.domain === 'math'}
            />
            <TrainingCharts methods={s.methods} evals={s.evals} diversityOn={shown.diversity.samples > 0} />
          </Suspense>
        </div>
        {s.methods.length > 0 && <LiveStatusTable />}
        <Suspense fallback={<Loading what="generations and spectra" className="ll-loading-panel" />}>
          <GenerationPanel />
          <SpectraPanel />
        </Suspense>
        <RunHistory />
        <Suspense fallback={<Loading what="export and import" className="ll-loading-panel" />}>
          <ExportPanel config={config} preset={preset} />
        </Suspense>
      </div>
    </section>
  );
}
