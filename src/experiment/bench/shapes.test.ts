import { describe, expect, it } from 'vitest';
import { modelMatmulShapes } from './shapes';

describe('modelMatmulShapes', () => {
  it('uses the base model at 8×64 tokens: d = 64, ffn = 192, r = 8', () => {
    const s = modelMatmulShapes('base').map(({ rows, inDim, outDim }) => [rows, inDim, outDim]);
    expect(s).toEqual([[512, 64, 64], [512, 64, 192], [512, 192, 64], [512, 64, 8], [512, 8, 64]]);
  });
  it('takes the rank of the LoRA shapes', () => {
    expect(modelMatmulShapes('small', undefined, 64).slice(3).map((x) => [x.rows, x.inDim, x.outDim])).toEqual([[1024, 128, 64], [1024, 64, 128]]);
  });
});
