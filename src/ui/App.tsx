// The page: a compact top bar (name, WebGPU badge, view tabs, share menu, theme), a one-line
// pitch, and the view the tabs and the URL pick: the experiment, the sweep, the benchmark or the
// diagnostics (the engine check). Without WebGPU the page says how to turn it on instead.
// The guided tour sits above the experiment and sweep views; its buttons start runs in either.
// Embed mode (`embed=1&hide=…`, embed.ts) marks <html> so theme.css drops margins and the hidden
// parts, and reports the page's height to the course page around the iframe. The glossary panel
// (glossary/) is the page's one list of terms; the top bar and every term's popover open it.
// Only the experiment view comes with the page: the other views and the tour load when opened
// (layout/Lazy.tsx; scripts/first-screen-size.mjs holds the first screen to its budget).
import { Suspense, useEffect, useState } from 'react';
import { ExperimentPanel } from './components/ExperimentPanel';
import { useEmbedHeight } from './components/layout/EmbedFit';
import { GpuBadge, GpuMessage, probeWebGpu, type GpuStatus } from './components/layout/GpuStatus';
import { lazyNamed, Loading } from './components/layout/Lazy';
import { TopBar } from './components/layout/TopBar';
import { parseEmbed } from './embed';
import { TourEntry } from './components/tour/TourEntry';
import { GlossaryPanel } from './glossary/GlossaryPanel';
import { loadTourRun, showTourRun, startTourRun } from './components/tour/start-run';
import { useExperiment } from './store/experiment';
import { useSweep } from './store/sweep';
import { showView, ViewTabs, viewFromUrl, type View } from './views/sweep/ViewTabs';

const SweepView = lazyNamed(() => import('./views/sweep/SweepView'), 'SweepView');
const BenchView = lazyNamed(() => import('./views/bench/BenchView'), 'BenchView');
const PretrainView = lazyNamed(() => import('./views/pretrain/PretrainView'), 'PretrainView');
const DiagnosticsView = lazyNamed(() => import('./components/layout/DiagnosticsView'), 'DiagnosticsView');
const VIEW_NAME: Record<View, string> = { experiment: 'the Experiment view', sweep: 'the Sweep view', pretrain: 'the Pretrain view', bench: 'the Benchmark view', diagnostics: 'the Diagnostics view' };

/** Read once: the experiment rewrites the query as settings change, but keeps embed's parameters. */
const EMBED = parseEmbed(window.location.search);

export function App() {
  const [status, setStatus] = useState<GpuStatus>({ kind: 'checking' });
  const [view, setView] = useState<View>(viewFromUrl);
  const runTraining = useExperiment((s) => s.state === 'running');
  const sweepTraining = useSweep((s) => s.state === 'running');
  const training = runTraining || sweepTraining;
  useEmbedHeight(EMBED.embed);
  // As a click on the tab would (the other view's query is remembered); a tour step's grid is in the sweep store's form.
  const showTab = (v: 'experiment' | 'sweep') => {
    if (!showView(v)) setView(v);
  };

  useEffect(() => {
    const root = document.documentElement;
    if (EMBED.embed) root.dataset.embed = '';
    root.dataset.hide = EMBED.hide.join(' ');
  }, []);

  useEffect(() => {
    let live = true;
    probeWebGpu()
      .catch(() => ({ kind: 'no-adapter' }) as const)
      .then((s) => live && setStatus(s));
    return () => {
      live = false;
    };
  }, []);

  const ready = status.kind === 'ready';
  return (
    <div className="ll-app">
      <TopBar embed={EMBED.embed} badge={<GpuBadge status={status} />} tabs={ready && <ViewTabs view={view} onChange={setView} />} />
      <main id="ll-main" className="ll-page" tabIndex={-1}>
        {view === 'experiment' && (
          <p className="ll-pitch ll-prose">
            Fine-tune a small Llama-style model with LoRA and with full fine-tuning on the same batches,
            here in your tab on your GPU (WebGPU), and watch what each one learns and forgets.
          </p>
        )}
        <GpuMessage status={status} />
        {ready && (view === 'experiment' || view === 'sweep') && !EMBED.hide.includes('tour') && (
          <TourEntry
            busy={training ? 'A run is training: pause or stop it first.' : ''}
            view={view}
            onView={(r) => showTourRun(r, showTab)}
            onRun={(r) => startTourRun(r, showTab)}
            onLoad={(r) => loadTourRun(r, showTab)}
          />
        )}
        {ready && (
          <div {...(EMBED.embed ? {} : { role: 'tabpanel', 'aria-labelledby': `ll-tab-${view}` })}>
            {view === 'experiment' && <ExperimentPanel />}
            <Suspense fallback={<Loading what={VIEW_NAME[view]} className="ll-loading-view" />}>
              {view === 'sweep' && <SweepView />}
              {view === 'pretrain' && <PretrainView />}
              {view === 'bench' && <BenchView />}
              {view === 'diagnostics' && <DiagnosticsView status={status} />}
            </Suspense>
          </div>
        )}
      </main>
      <GlossaryPanel />
    </div>
  );
}
