// The page: title, one-line pitch, whether this browser offers WebGPU (with how to turn it
// on when it does not), and three views switched by tabs and the URL: the experiment (with the
// engine check that trains a tiny model in a Worker), the sweep and the benchmark.
import { useEffect, useState } from 'react';
import { EngineDemo } from './components/EngineDemo';
import { ExperimentPanel } from './components/ExperimentPanel';
import { SweepView } from './views/sweep/SweepView';
import { BenchView } from './views/bench/BenchView';
import { ViewTabs, viewFromUrl, type View } from './views/sweep/ViewTabs';

type GpuStatus =
  | { kind: 'checking' }
  | { kind: 'missing' }
  | { kind: 'no-adapter' }
  | { kind: 'ready'; description: string };

async function probeWebGpu(): Promise<GpuStatus> {
  if (!('gpu' in navigator) || !navigator.gpu) return { kind: 'missing' };
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { kind: 'no-adapter' };
  const { vendor, architecture, description } = adapter.info;
  return { kind: 'ready', description: [vendor, architecture, description].filter(Boolean).join(' ') || 'unknown adapter' };
}

function StatusLine({ status }: { status: GpuStatus }) {
  switch (status.kind) {
    case 'checking':
      return <p role="status">Checking for WebGPU…</p>;
    case 'ready':
      return <p>WebGPU ready: {status.description}.</p>;
    case 'no-adapter':
      return (
        <p role="alert">
          This browser has WebGPU but offered no GPU adapter. Check that hardware acceleration is on
          (chrome://settings/system) and that your GPU is not blocklisted (chrome://gpu). On Linux,
          Chrome needs --enable-unsafe-webgpu (chrome://flags, “Unsafe WebGPU Support”).
        </p>
      );
    case 'missing':
      return (
        <div role="alert">
          <p>This browser does not offer WebGPU, which LoRA Lab needs to train models.</p>
          <ul>
            <li>Chrome or Edge 113+ on Windows, macOS or ChromeOS: WebGPU is on by default; update the browser.</li>
            <li>Chrome on Linux: open chrome://flags, enable “Unsafe WebGPU Support” and “Vulkan”, then restart (or start it with --enable-unsafe-webgpu --enable-features=Vulkan).</li>
            <li>Firefox 141+ (Windows) and Safari 26+ ship WebGPU; older versions need it enabled in their settings.</li>
            <li>WebGPU needs a secure context: open the page over https or from localhost / 127.0.0.1.</li>
          </ul>
        </div>
      );
  }
}

export function App() {
  const [status, setStatus] = useState<GpuStatus>({ kind: 'checking' });
  const [view, setView] = useState<View>(viewFromUrl);

  useEffect(() => {
    let live = true;
    probeWebGpu()
      .catch(() => ({ kind: 'no-adapter' }) as const)
      .then((s) => live && setStatus(s));
    return () => {
      live = false;
    };
  }, []);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: '80rem', margin: '2rem auto', padding: '0 1rem', lineHeight: 1.5 }}>
      <h1>LoRA Lab</h1>
      <p>
        A training playground in your browser tab: fine-tune a small Llama-style model with LoRA
        and with full fine-tuning on the same batches, and watch what each one learns and forgets.
        Everything runs locally on your GPU through WebGPU.
      </p>
      <StatusLine status={status} />
      {status.kind === 'ready' && <ViewTabs view={view} onChange={setView} />}
      {status.kind === 'ready' && view === 'experiment' && <ExperimentPanel />}
      {status.kind === 'ready' && view === 'experiment' && <EngineDemo />}
      {status.kind === 'ready' && view === 'sweep' && <SweepView />}
      {status.kind === 'ready' && view === 'bench' && <BenchView />}
    </main>
  );
}
