// Kernel micro-benchmarks for the bench CLI: matmul throughput (GFLOP/s) at the shapes a
// training step uses, timed over repeated submits with one readback at the end.

import { allocTensor } from '../engine/gpu/buffers';
import { record, type KernelContext } from '../engine/kernels/kernel';
import { matmul_forward } from '../engine/kernels/matmul';

export interface KernelBench { kernel: string; shape: string; ms: number; gflops: number }

export async function benchMatmul(ctx: KernelContext, log: (s: string) => void): Promise<KernelBench[]> {
  const shapes: Array<[number, number, number]> = [[256, 128, 384], [1024, 128, 128], [1024, 128, 256], [1024, 384, 128]];
  const out: KernelBench[] = [];
  for (const [N, K, M] of shapes) {
    const x = allocTensor(ctx.pool, [N, K], 'x');
    const w = allocTensor(ctx.pool, [M, K], 'w');
    const y = allocTensor(ctx.pool, [N, M], 'y');
    const d = await matmul_forward(ctx, { x, w, y, rows: N, inDim: K, outDim: M });
    const reps = 20;
    const submit = () => {
      const enc = ctx.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      for (let i = 0; i < reps; i++) record(pass, [d]);
      pass.end();
      ctx.device.queue.submit([enc.finish()]);
      return ctx.device.queue.onSubmittedWorkDone();
    };
    await submit();
    const t0 = performance.now();
    await submit();
    const ms = (performance.now() - t0) / reps;
    const gflops = (2 * N * K * M) / (ms * 1e6);
    out.push({ kernel: 'matmul_forward', shape: `${N}x${K}x${M}`, ms, gflops });
    log(`matmul_forward ${N}x${K}·(${M}x${K})ᵀ: ${ms.toFixed(2)} ms, ${gflops.toFixed(2)} GFLOP/s`);
  }
  return out;
}
