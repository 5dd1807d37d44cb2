// Whether this browser offers WebGPU: a probe at load, a small badge for the top bar, and the full
// message (with how to turn WebGPU on) when it does not.
export type GpuStatus =
  | { kind: 'checking' }
  | { kind: 'missing' }
  | { kind: 'no-adapter' }
  | { kind: 'ready'; description: string };

export async function probeWebGpu(): Promise<GpuStatus> {
  if (!('gpu' in navigator) || !navigator.gpu) return { kind: 'missing' };
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { kind: 'no-adapter' };
  const { vendor, architecture, description } = adapter.info;
  return { kind: 'ready', description: [vendor, architecture, description].filter(Boolean).join(' ') || 'unknown adapter' };
}

/** The top bar's badge: short, with the adapter in its tooltip (the Diagnostics view spells it out). */
export function GpuBadge({ status }: { status: GpuStatus }) {
  if (status.kind !== 'ready') return null;
  return <span className="ll-gpu" title={status.description}><span aria-hidden="true">● </span>WebGPU ready</span>;
}

/** The page's message while checking, or when WebGPU is missing (nothing when it is ready). */
export function GpuMessage({ status }: { status: GpuStatus }) {
  switch (status.kind) {
    case 'checking':
      return <p role="status" className="ll-gpu-msg">Checking for WebGPU…</p>;
    case 'ready':
      return null;
    case 'no-adapter':
      return (
        <p role="alert" className="ll-gpu-msg">
          This browser has WebGPU but offered no GPU adapter. Check that hardware acceleration is on
          (chrome://settings/system) and that your GPU is not blocklisted (chrome://gpu). On Linux,
          Chrome needs --enable-unsafe-webgpu (chrome://flags, “Unsafe WebGPU Support”).
        </p>
      );
    case 'missing':
      return (
        <div role="alert" className="ll-gpu-msg">
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
