import { describe, expect, it } from 'vitest';
import { DEFAULT_KERNEL_VARIANTS, isAllAuto, parseKernelVariants } from './kernel-settings';

describe('kernel variant settings', () => {
  it('keep known choices and turn everything else into auto', () => {
    expect(parseKernelVariants('{"matmul":"tiled","attention":"workgroup","rows":"thread"}'))
      .toEqual({ matmul: 'tiled', attention: 'workgroup', rows: 'thread' });
    expect(parseKernelVariants({ matmul: 'workgroup', attention: 'fast', rows: 3 })).toEqual(DEFAULT_KERNEL_VARIANTS);
    expect(parseKernelVariants('not json')).toEqual(DEFAULT_KERNEL_VARIANTS);
    expect(parseKernelVariants(null)).toEqual(DEFAULT_KERNEL_VARIANTS);
    expect(parseKernelVariants('{"rows":"workgroup","extra":1}')).toEqual({ matmul: 'auto', attention: 'auto', rows: 'workgroup' });
  });

  it('say when nothing is forced', () => {
    expect(isAllAuto(DEFAULT_KERNEL_VARIANTS)).toBe(true);
    expect(isAllAuto({ ...DEFAULT_KERNEL_VARIANTS, rows: 'thread' })).toBe(false);
  });
});
