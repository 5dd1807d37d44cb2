// The row-reduction section of the benchmark: the bytes its targets count against a hand count,
// its table, and one run at the tiny size on the test device (both variants of every row
// kernel, finite positive times; no timed assertions).
import { describe, expect, it } from 'vitest';
import { acquireDevice, createKernelContext, prepareRowBenchTarget } from '../../engine/index';
import type { BenchReport } from './report';
import { measureRowVariants } from './row-variants';
import { reportTables } from './table';

describe('row-reduction variants benchmark', () => {
  it('counts each kernel’s least traffic: inputs read once, outputs written once', async () => {
    const gpu = await acquireDevice();
    const ctx = createKernelContext(gpu.device);
    const bytes = async (kernel: Parameters<typeof prepareRowBenchTarget>[1]['kernel']) => {
      const t = await prepareRowBenchTarget(ctx, { kernel, variant: 'thread', N: 2, C: 3 });
      t.destroy();
      return t.bytes / 4;
    };
    expect(await bytes('rmsnorm_forward')).toBe(6 + 3 + 6 + 2); // x, w → out, rstd
    expect(await bytes('rmsnorm_backward')).toBe(6 + 6 + 3 + 2 + 6); // dout, x, w, rstd → dx
    expect(await bytes('cross_entropy_forward')).toBe(6 + 2 + 2 + 2 + 4); // logits, targets → losses; stats reads targets, losses
    expect(await bytes('cross_entropy_backward')).toBe(6 + 2 + 6 + 4); // logits, targets, stats → dlogits
    await expect(prepareRowBenchTarget(ctx, { kernel: 'rmsnorm_forward', variant: 'warp' as never, N: 2, C: 3 })).rejects.toThrow(/unknown row variant/);
  });

  it('measures both variants of every row kernel and tabulates them', async () => {
    const gpu = await acquireDevice();
    const ctx = createKernelContext(gpu.device);
    const rows = await measureRowVariants(ctx, ['tiny'], 1, { minSampleMs: 1, samples: 1 }, () => {});
    expect(rows.map((r) => `${r.kernel}/${r.variant}/${r.N}×${r.C}`)).toEqual([
      'rmsnorm_forward/thread/128×32', 'rmsnorm_forward/workgroup/128×32',
      'rmsnorm_forward_only/thread/128×32', 'rmsnorm_forward_only/workgroup/128×32',
      'rmsnorm_backward/thread/128×32', 'rmsnorm_backward/workgroup/128×32',
      'cross_entropy_forward/thread/128×256', 'cross_entropy_forward/workgroup/128×256',
      'cross_entropy_backward/thread/128×256', 'cross_entropy_backward/workgroup/128×256',
    ]);
    for (const r of rows) {
      expect(r.ms.median).toBeGreaterThan(0);
      expect(r.vsThread === null).toBe(r.variant === 'thread');
    }
    const table = reportTables({ peak: { fmaGflops: rows[0].ms, copyGBps: rows[0].ms, fmaWork: '', copyBytes: 0 }, matmul: [], steps: [], rows } as unknown as BenchReport)
      .find((t) => t.title === 'Row-reduction variants')!;
    expect(table.rows[1].slice(0, 4)).toEqual(['tiny', 'rmsnorm_forward', 'workgroup', '128×32']);
  });
});
