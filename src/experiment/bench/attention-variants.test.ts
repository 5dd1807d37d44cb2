// The attention-variants section of the benchmark: its nominal FLOPs and shapes against hand
// counts, its table, and one run at the tiny size on the test device (both variants, all three
// entry points, finite positive times; no timed assertions).
import { describe, expect, it } from 'vitest';
import { acquireDevice, createKernelContext } from '../../engine/index';
import { attentionFlops, attentionShape, measureAttentionVariants } from './attention-variants';
import type { BenchReport } from './report';
import { reportTables } from './table';

describe('attention variants benchmark', () => {
  it('counts 2 FLOPs per multiply-add over the causal pairs', () => {
    // T = 3: 1 + 2 + 3 = 6 (query, key) pairs per head; 2 heads, D = 5.
    const s = { B: 1, T: 3, H: 2, Hkv: 1, D: 5 };
    expect(attentionFlops(s, 'forward')).toBe(2 * 2 * 6 * 2 * 5); // q·kᵀ and att·v
    expect(attentionFlops(s, 'forward_only')).toBe(240);
    expect(attentionFlops(s, 'backward')).toBe(480); // dP, dq, dk, dv
  });

  it('times the model shapes of a training step', () => {
    expect(attentionShape('base')).toEqual({ B: 8, T: 64, H: 4, Hkv: 2, D: 16 });
    expect(attentionShape('small')).toEqual({ B: 8, T: 128, H: 4, Hkv: 2, D: 32 });
  });

  it('measures both variants at every entry point and tabulates them', async () => {
    const gpu = await acquireDevice();
    const ctx = createKernelContext(gpu.device);
    const rows = await measureAttentionVariants(ctx, ['tiny'], 1, { minSampleMs: 1, samples: 1 }, () => {});
    expect(rows.map((r) => `${r.entry}/${r.variant}`)).toEqual([
      'forward/thread', 'forward/workgroup', 'forward_only/thread', 'forward_only/workgroup', 'backward/thread', 'backward/workgroup',
    ]);
    for (const r of rows) {
      expect(r.ms.median).toBeGreaterThan(0);
      expect(r.vsThread === null).toBe(r.variant === 'thread');
    }
    const table = reportTables({ peak: { fmaGflops: rows[0].ms, copyGBps: rows[0].ms, fmaWork: '', copyBytes: 0 }, matmul: [], steps: [], attention: rows } as unknown as BenchReport)
      .find((t) => t.title === 'Attention variants')!;
    expect(table.rows[1].slice(0, 4)).toEqual(['tiny', 'forward', 'workgroup', '4×32×4/2×8']);
  });
});
