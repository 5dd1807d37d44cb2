// The GPU runtime: readable WGSL compile errors, the pipeline cache, allocation inside error
// scopes, the buffer pool, and asynchronous scalar readback.
import { describe, expect, it } from 'vitest';
import { testContext } from '../testing/gpu';
import { BufferPool, createCheckedBuffer, GpuAllocationError, ScalarReader, STORAGE, writeTensor, allocTensor } from './buffers';
import { PipelineCache, ShaderCompileError } from './pipelines';

const GOOD = `
override SCALE: f32 = 1.0;
@group(0) @binding(0) var<storage, read_write> x: array<f32>;
@compute @workgroup_size(1) fn main() { x[0] = x[0] * SCALE; }
`;

describe('GPU runtime', () => {
  it('reports WGSL compile errors with line, column, source line and caret', async () => {
    const { gpu } = await testContext();
    const cache = new PipelineCache(gpu.device);
    const bad = 'fn f() -> f32 {\n  return 1.0 + undeclared_name;\n}\n@compute @workgroup_size(1) fn main() { _ = f(); }\n';
    const err = await cache.get({ label: 'bad.wgsl', code: bad, entryPoint: 'main' }).catch((e) => e);
    expect(err).toBeInstanceOf(ShaderCompileError);
    expect(err.message).toMatch(/^bad\.wgsl:2:\d+ error: .*undeclared_name/);
    expect(err.message).toContain('  return 1.0 + undeclared_name;');
    expect(err.message).toMatch(/\n\s+\^/);
  });

  it('caches pipelines by source, entry point and constants', async () => {
    const { gpu } = await testContext();
    const cache = new PipelineCache(gpu.device);
    const a = await cache.get({ label: 'g', code: GOOD, entryPoint: 'main' });
    const b = await cache.get({ label: 'g', code: GOOD, entryPoint: 'main' });
    const c = await cache.get({ label: 'g', code: GOOD, entryPoint: 'main', constants: { SCALE: 2 } });
    const d = await cache.get({ label: 'g', code: GOOD, entryPoint: 'main', constants: { SCALE: 2 } });
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(d).toBe(c);
    expect(cache.size).toBe(2);
  });

  it('turns a failed allocation into a GpuAllocationError naming the buffer', async () => {
    const { gpu } = await testContext();
    const size = gpu.device.limits.maxBufferSize + 256;
    const { checked } = createCheckedBuffer(gpu.device, { size, usage: STORAGE.storage, label: 'too-big' });
    const err = await checked.catch((e) => e);
    expect(err).toBeInstanceOf(GpuAllocationError);
    expect(err.message).toMatch(/too-big/);
  });

  it('pools buffers by size bucket', async () => {
    const { gpu } = await testContext();
    const pool = new BufferPool(gpu.device);
    const a = pool.acquire(1000, 'a');
    expect(a.size).toBe(1024);
    pool.release(a);
    expect(pool.acquire(900, 'b')).toBe(a);
    expect(pool.acquire(900, 'c')).not.toBe(a);
    await pool.checkAllocations();
  });

  it('keeps a failed pool allocation for checkAllocations instead of an unhandled rejection', async () => {
    const { gpu } = await testContext();
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const pool = new BufferPool(gpu.device);
      // Above the device's limit: the allocation fails when the device checks it.
      pool.acquire(gpu.device.limits.maxBufferSize + 1, 'too-big');
      // Give the device time to answer and Node time to notice an unobserved rejection.
      await new Promise((done) => setTimeout(done, 200));
      expect(unhandled).toEqual([]);
      const err = await pool.checkAllocations().catch((e) => e);
      expect(err).toBeInstanceOf(GpuAllocationError);
      expect(err.message).toContain('too-big');
      await pool.checkAllocations();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('reads a few scalars back asynchronously, several steps in flight', async () => {
    const { ctx } = await testContext();
    const t = allocTensor(ctx.pool, [4], 'scalars');
    const reader = new ScalarReader(ctx.device, 4, 2);
    const reads: Promise<Float32Array>[] = [];
    for (let i = 0; i < 3; i++) {
      writeTensor(ctx.device, t, [i, i + 1, i + 2, i + 3]);
      const enc = ctx.device.createCommandEncoder();
      const slot = reader.record(enc, t);
      ctx.device.queue.submit([enc.finish()]);
      reads.push(reader.read(slot));
    }
    const got = await Promise.all(reads);
    expect(got.map((g) => Array.from(g))).toEqual([[0, 1, 2, 3], [1, 2, 3, 4], [2, 3, 4, 5]]);
    reader.destroy();
  });
});
