// The Diagnostics view (`?view=diagnostics`): for developers and for "does my GPU work?": the
// adapter this page trains on, the engine check (a tiny model trained in the page's Worker) and
// a link to the Benchmark view, and the setting that forces kernel variants.
import { EngineDemo } from '../EngineDemo';
import { KernelSettings } from '../diagnostics/KernelSettings';
import { ViewLink } from '../../views/sweep/ViewTabs';
import type { GpuStatus } from './GpuStatus';

export function DiagnosticsView({ status }: { status: GpuStatus }) {
  return (
    <section className="ll-diagnostics" aria-labelledby="diag-title">
      <h2 id="diag-title">Diagnostics</h2>
      <dl className="ll-facts">
        <dt>GPU adapter</dt>
        <dd data-testid="adapter">{status.kind === 'ready' ? status.description : 'none'}</dd>
        <dt>Speed</dt>
        <dd>device peak, matmuls and training steps: <ViewLink to="bench">open the Benchmark view</ViewLink></dd>
      </dl>
      <KernelSettings />
      <EngineDemo />
    </section>
  );
}
