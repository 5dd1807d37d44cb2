// Buffers: tensors as (buffer, byte offset, shape) views, a size-bucketed buffer pool,
// allocation inside error scopes (so out-of-memory becomes a readable error), uploads and
// readback. Readback of whole tensors is for tests and export; the training loop reads
// only a few scalars through ScalarReader.

export const STORAGE = GPUBufferUsageFlags();

/** GPUBufferUsage is a global only once WebGPU is present; read it lazily. */
function GPUBufferUsageFlags() {
  return {
    get storage(): number {
      return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    },
    get uniform(): number {
      return GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    },
    get readback(): number {
      return GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST;
    },
  };
}

/** A typed view into a GPU buffer. `offset` and `byteLength` are in bytes. */
export interface GpuTensor {
  buffer: GPUBuffer;
  offset: number;
  byteLength: number;
  shape: readonly number[];
  dtype: 'f32' | 'i32' | 'u32';
  label: string;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * One binding that covers several views of the same buffer, and each view's element offset
 * inside it (views are 256-byte aligned, so the span's start is bindable): how one dispatch
 * serves several adapters that sit apart in one parameter buffer.
 */
export function span(views: GpuTensor[]): { t: GpuTensor; offsets: number[] } {
  const buffer = views[0].buffer;
  if (views.some((v) => v.buffer !== buffer)) throw new Error('span: views of different buffers');
  const start = Math.min(...views.map((v) => v.offset));
  const end = Math.max(...views.map((v) => v.offset + v.byteLength));
  const t: GpuTensor = { ...views[0], offset: start, byteLength: end - start, shape: [(end - start) / 4], label: `span:${views[0].label}` };
  return { t, offsets: views.map((v) => (v.offset - start) / 4) };
}

/** Binding for a tensor in a bind group entry. */
export function bindingOf(t: GpuTensor): GPUBufferBinding {
  return { buffer: t.buffer, offset: t.offset, size: Math.max(4, t.byteLength) };
}

export class GpuAllocationError extends Error {
  override name = 'GpuAllocationError';
}

/**
 * Creates a buffer inside out-of-memory and validation error scopes. The buffer is usable
 * at once; the returned promise settles when the device has checked the allocation.
 */
export function createCheckedBuffer(
  device: GPUDevice,
  desc: GPUBufferDescriptor,
): { buffer: GPUBuffer; checked: Promise<void> } {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const buffer = device.createBuffer(desc);
  const validation = device.popErrorScope();
  const oom = device.popErrorScope();
  const checked = Promise.all([validation, oom]).then(([v, o]) => {
    const err = o ?? v;
    if (err) {
      throw new GpuAllocationError(
        `Could not allocate ${desc.label ?? 'buffer'} (${(desc.size / 2 ** 20).toFixed(1)} MiB): ${err.message}`,
      );
    }
  });
  return { buffer, checked };
}

/** Reuses storage buffers by size bucket (powers of two from 256 bytes). */
export class BufferPool {
  private free = new Map<number, GPUBuffer[]>();
  private pending: Promise<void>[] = [];
  private failures: Error[] = [];
  allocatedBytes = 0;

  constructor(private readonly device: GPUDevice) {}

  static bucket(bytes: number): number {
    return Math.max(256, 2 ** Math.ceil(Math.log2(Math.max(1, bytes))));
  }

  acquire(bytes: number, label: string, usage = STORAGE.storage): GPUBuffer {
    const size = BufferPool.bucket(bytes);
    const key = size * 16 + (usage & 0xf);
    const list = this.free.get(key);
    const reused = list?.pop();
    if (reused) return reused;
    const { buffer, checked } = createCheckedBuffer(this.device, { size, usage, label });
    // Observed at once: a failure is kept for checkAllocations instead of becoming an unhandled rejection.
    this.pending.push(checked.catch((e: unknown) => {
      this.failures.push(e instanceof Error ? e : new GpuAllocationError(String(e)));
    }));
    this.allocatedBytes += size;
    return buffer;
  }

  release(buffer: GPUBuffer): void {
    const key = buffer.size * 16 + (buffer.usage & 0xf);
    const list = this.free.get(key) ?? [];
    list.push(buffer);
    this.free.set(key, list);
  }

  /** Resolves when every allocation so far succeeded; rejects with the first failure. */
  async checkAllocations(): Promise<void> {
    const p = this.pending;
    this.pending = [];
    await Promise.all(p);
    const [first] = this.failures;
    this.failures = [];
    if (first) throw first;
  }

  destroy(): void {
    for (const list of this.free.values()) for (const b of list) b.destroy();
    this.free.clear();
  }
}

/** A standalone tensor in its own (pooled) buffer. */
export function allocTensor(
  pool: BufferPool,
  shape: readonly number[],
  label: string,
  dtype: GpuTensor['dtype'] = 'f32',
): GpuTensor {
  const byteLength = numel(shape) * 4;
  const buffer = pool.acquire(byteLength, label);
  return { buffer, offset: 0, byteLength, shape, dtype, label };
}

export function writeTensor(device: GPUDevice, t: GpuTensor, data: ArrayLike<number>): void {
  if (data.length !== numel(t.shape)) {
    throw new Error(`writeTensor(${t.label}): got ${data.length} values for shape [${t.shape}]`);
  }
  const arr =
    t.dtype === 'f32' ? Float32Array.from(data) : t.dtype === 'i32' ? Int32Array.from(data) : Uint32Array.from(data);
  device.queue.writeBuffer(t.buffer, t.offset, arr.buffer, arr.byteOffset, arr.byteLength);
}

/** Copies a tensor to the CPU. For tests, export and checkpoints, not the training loop. */
export async function readTensor(device: GPUDevice, t: GpuTensor): Promise<Float32Array | Int32Array | Uint32Array> {
  const size = Math.ceil(t.byteLength / 4) * 4;
  const staging = device.createBuffer({ size: Math.max(4, size), usage: STORAGE.readback, label: `read:${t.label}` });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(t.buffer, t.offset, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const copy = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  if (t.dtype === 'i32') return new Int32Array(copy, 0, numel(t.shape));
  if (t.dtype === 'u32') return new Uint32Array(copy, 0, numel(t.shape));
  return new Float32Array(copy, 0, numel(t.shape));
}

export async function readF32(device: GPUDevice, t: GpuTensor): Promise<Float32Array> {
  return (await readTensor(device, t)) as Float32Array;
}

/**
 * Asynchronous readback of a few scalars per step. A ring of staging buffers lets later steps
 * be submitted while earlier steps' scalars are still being mapped: each recorded step holds
 * its own slot until its map resolved (a buffer that is mapped or pending a map cannot be
 * used by a submit), and the ring grows when every slot is taken.
 */
export class ScalarReader {
  private ring: GPUBuffer[] = [];
  private busy: boolean[] = [];
  /** The most slots taken at once so far: how many steps were in flight together. */
  peakInFlight = 0;

  constructor(
    private readonly device: GPUDevice,
    readonly count: number,
    depth = 3,
  ) {
    for (let i = 0; i < depth; i++) {
      this.ring.push(device.createBuffer({ size: Math.max(16, count * 4), usage: STORAGE.readback, label: 'scalars' }));
      this.busy.push(false);
    }
  }

  /**
   * Records copies of the sources' first 4 f32s each (or `count` of a single source) into a
   * free staging buffer; call `read` after submit.
   */
  record(encoder: GPUCommandEncoder, srcs: GpuTensor | GpuTensor[]): number {
    let slot = this.busy.indexOf(false);
    if (slot < 0) {
      slot = this.ring.length;
      this.ring.push(
        this.device.createBuffer({ size: Math.max(16, this.count * 4), usage: STORAGE.readback, label: 'scalars' }),
      );
      this.busy.push(false);
    }
    this.busy[slot] = true;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    if (Array.isArray(srcs)) {
      if (srcs.length * 4 > this.count) throw new Error(`ScalarReader: ${srcs.length} sources need ${srcs.length * 4} slots`);
      srcs.forEach((s, i) => encoder.copyBufferToBuffer(s.buffer, s.offset, this.ring[slot], i * 16, 16));
    } else {
      encoder.copyBufferToBuffer(srcs.buffer, srcs.offset, this.ring[slot], 0, this.count * 4);
    }
    return slot;
  }

  /** Slots recorded and not yet read back. */
  get inFlight(): number {
    return this.busy.reduce((n, b) => n + (b ? 1 : 0), 0);
  }

  /** Staging buffers in the ring (never fewer than the depth asked for). */
  get slots(): number {
    return this.ring.length;
  }

  async read(slot: number): Promise<Float32Array> {
    const b = this.ring[slot];
    try {
      await b.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(b.getMappedRange().slice(0));
      b.unmap();
      return out;
    } finally {
      this.busy[slot] = false;
    }
  }

  destroy(): void {
    for (const b of this.ring) b.destroy();
  }
}

/** queue.writeBuffer for any typed array (including views of a larger or shared buffer). */
export function writeArray(device: GPUDevice, buffer: GPUBuffer, offset: number, arr: ArrayBufferView): void {
  device.queue.writeBuffer(buffer, offset, arr.buffer as ArrayBuffer, arr.byteOffset, arr.byteLength);
}
