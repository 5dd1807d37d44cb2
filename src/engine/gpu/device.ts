// Acquires a GPUDevice in the browser (main thread or Worker) or in Node (Dawn through
// the `webgpu` package), requesting the limits the engine needs. Also checks that a model
// fits the device before anything is allocated, naming the limit that it exceeds.

/** Limits the engine asks for; raised to what the adapter offers, never above. */
export const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
] as const;

/** What the kernels need at least: the WebGPU defaults we rely on. */
export const REQUIRED_MINIMUMS: Record<string, number> = {
  maxStorageBuffersPerShaderStage: 8,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
};

export interface GpuContext {
  device: GPUDevice;
  /**
   * Kept alive on purpose: dawn.node (webgpu 0.6.2) crashes the process (futex / pthread
   * assertions) when a GPUAdapter is garbage-collected while its device is still in use.
   */
  adapter: GPUAdapter;
  adapterInfo: { vendor: string; architecture: string; device: string; description: string };
  /** True when the adapter is a CPU implementation (SwiftShader). */
  isSoftware: boolean;
}

export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
}

export class LimitExceededError extends Error {
  override name = 'LimitExceededError';
  constructor(
    readonly limit: string,
    readonly needed: number,
    readonly available: number,
    what: string,
  ) {
    super(`${what} needs ${limit} >= ${needed}, but this device offers ${available}`);
  }
}

/** Returns `navigator.gpu` in a browser, or Dawn's GPU object in Node. */
export async function getGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  if (nav && 'gpu' in nav && nav.gpu) return nav.gpu;
  const isNode = typeof process !== 'undefined' && !!process.versions?.node;
  if (!isNode) {
    throw new GpuUnavailableError(
      'WebGPU is not available in this browser. Use a recent Chrome or Edge, or enable WebGPU in your browser settings.',
    );
  }
  // A variable specifier keeps bundlers from pulling the Node-only package into the web build.
  const pkg = 'webgpu';
  const mod = (await import(/* @vite-ignore */ pkg)) as {
    create: (opts: string[]) => GPU;
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, mod.globals);
  // One instance per process, held for its lifetime: dawn.node crashes if the instance is
  // garbage-collected while devices created from it are alive.
  nodeGpu ??= mod.create((process.env.LORA_LAB_DAWN_FLAGS ?? '').split(' ').filter(Boolean));
  return nodeGpu;
}

let nodeGpu: GPU | undefined;

/** Strong references to adapters whose devices are alive (see GpuContext.adapter). */
const LIVE_ADAPTERS = new Set<GPUAdapter>();

export interface AcquireOptions {
  powerPreference?: GPUPowerPreference;
  /** Extra minimum limits (e.g. for a particular model size). */
  minLimits?: Record<string, number>;
}

export async function acquireDevice(opts: AcquireOptions = {}): Promise<GpuContext> {
  const gpu = await getGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  if (!adapter) throw new GpuUnavailableError('No WebGPU adapter was found on this machine.');
  const need = { ...REQUIRED_MINIMUMS, ...(opts.minLimits ?? {}) };
  const limits = adapter.limits as unknown as Record<string, number>;
  for (const [name, value] of Object.entries(need)) {
    if ((limits[name] ?? 0) < value) throw new LimitExceededError(name, value, limits[name] ?? 0, 'The engine');
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = limits[name];
  // Timestamp queries time each method's pass inside a shared lockstep submit (model/lockstep.ts);
  // asked for only where offered, so a device without them is still created.
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const adapterInfo = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
  };
  const isSoftware = /swiftshader|llvmpipe|lavapipe/i.test(
    `${adapterInfo.vendor} ${adapterInfo.architecture} ${adapterInfo.description}`,
  );
  LIVE_ADAPTERS.add(adapter);
  device.lost.then(() => LIVE_ADAPTERS.delete(adapter));
  return { device, adapter, adapterInfo, isSoftware };
}

