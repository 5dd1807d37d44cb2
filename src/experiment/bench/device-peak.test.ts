// The device-peak measurement on a real (software) adapter, and the achieved-rate arithmetic.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernelContext, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { achievedRate, measureDevicePeak } from './device-peak';

describe('achievedRate', () => {
  it('turns FLOPs and milliseconds into GFLOP/s and a share of the peak', () => {
    // 3e9 FLOPs in 500 ms = 6 GFLOP/s; against a 24 GFLOP/s peak that is a quarter.
    expect(achievedRate(3e9, 500, 24)).toEqual({ gflops: 6, shareOfPeak: 0.25 });
    expect(achievedRate(3e9, 500, null)).toEqual({ gflops: 6, shareOfPeak: null });
  });
  it('gives nothing for a step without a usable time or work', () => {
    expect(achievedRate(3e9, 0, 24)).toBeNull();
    expect(achievedRate(3e9, Number.NaN, 24)).toBeNull();
    expect(achievedRate(0, 10, 24)).toBeNull();
  });
});

describe('measureDevicePeak', () => {
  let ctx: KernelContext;
  beforeAll(async () => {
    ctx = createKernelContext((await testContext()).gpu.device);
  });

  it('measures a finite positive rate with ordered quartiles', async () => {
    const p = await measureDevicePeak(ctx);
    expect(p.gflops).toBeGreaterThan(0);
    expect(Number.isFinite(p.gflops)).toBe(true);
    expect(p.q1).toBeLessThanOrEqual(p.gflops);
    expect(p.q3).toBeGreaterThanOrEqual(p.gflops);
    expect(p.work).toBe('262144×64');
  }, 120_000);
});
