// What the page draws and says about a diverged method, on hand-made data with known answers.
import { describe, expect, it } from 'vitest';
import type { EvalPoint } from '../../../experiment/protocol';
import { divergenceMessage, drawnEvals, lossDomain, seriesLabel } from './divergence';

const ev = (method: string, step: number, targetLoss: number, sourceLoss = 2): EvalPoint => ({ method, step, targetLoss, sourceLoss });

describe('drawnEvals', () => {
  const evals = [ev('full', 0, 5.6), ev('r8', 0, 5.6), ev('full', 4, 36.9), ev('r8', 4, 5.4), ev('full', 8, 54.4), ev('r8', 8, 3.9), ev('full', 12, 66.1), ev('r8', 12, 4.6), ev('full', 14, 66.1), ev('r8', 14, 4.5)];

  it('ends a diverged method at its first evaluation at or after the step it diverged; the others keep every point', () => {
    const drawn = drawnEvals(evals, { full: 9 });
    expect(drawn.filter((e) => e.method === 'full').map((e) => e.step)).toEqual([0, 4, 8, 12]);
    expect(drawn.filter((e) => e.method === 'r8').map((e) => e.step)).toEqual([0, 4, 8, 12, 14]);
    expect(drawnEvals(evals, { full: 8 }).filter((e) => e.method === 'full').map((e) => e.step)).toEqual([0, 4, 8]);
    expect(drawnEvals(evals, {})).toHaveLength(10);
  });

  it('never keeps a NaN or infinite loss', () => {
    const bad = [ev('a', 0, 5), ev('a', 2, Number.NaN), ev('b', 2, Number.POSITIVE_INFINITY)];
    expect(drawnEvals(bad, { a: 1 }, 'targetLoss').map((e) => e.step)).toEqual([0]);
  });
});

describe('lossDomain', () => {
  it('leaves a diverged method\'s blow-up above 2 ln 256 ≈ 11.09 off the axis, and keeps everyone else\'s values', () => {
    const [lo, hi] = lossDomain([
      { value: 5.6, diverged: true }, { value: 66, diverged: true },
      { value: 5.6, diverged: false }, { value: 3.9, diverged: false },
    ])!;
    expect(lo).toBeCloseTo(3.9 - 0.085, 6);
    expect(hi).toBeCloseTo(5.6 + 0.085, 6);
    // A method that did not diverge is never cut off, however high it goes.
    expect(lossDomain([{ value: 20, diverged: false }, { value: 2, diverged: false }])![1]).toBeCloseTo(20.9, 6);
    expect(lossDomain([{ value: Number.NaN, diverged: false }])).toBeNull();
  });
});

describe('divergenceMessage', () => {
  const full = { label: 'Full fine-tuning', kind: 'full' as const, lr: 1, step: 9, last: { step: 9, loss: 46.18, gradNorm: 20 } };
  const lora = { label: 'LoRA r=8', kind: 'lora' as const, lr: 0.5, step: 3, last: { step: 3, loss: Number.NaN, gradNorm: Number.NaN } };

  it('names the method, step, loss and rate, and that the others go on', () => {
    const text = divergenceMessage(full, ['LoRA r=8'], false).join(' ');
    expect(text).toContain('Full fine-tuning diverged at step 9: its training loss stayed above 11.09 nats per byte');
    expect(text).toContain('for 8 steps in a row and reached 46.18.');
    expect(text).toContain('Its learning rate, 1, is too high');
    expect(text).toContain('Only its training stopped: LoRA r=8 goes on training on the same batches.');
    expect(divergenceMessage(full, ['LoRA r=8', 'LoRA r=1'], true).join(' ')).toContain('LoRA r=8 and LoRA r=1 trained on to the end');
    expect(divergenceMessage(full, [], true).join(' ')).toContain('Every method has diverged');
  });

  it('blames LoRA\'s sensitivity only when LoRA diverged', () => {
    const f = divergenceMessage(full, ['LoRA r=8'], false).join(' ');
    expect(f).toContain('it is full fine-tuning, not LoRA, that diverged');
    expect(f).not.toMatch(/LoRA r=8 diverged/);
    const l = divergenceMessage(lora, ['Full fine-tuning'], false).join(' ');
    expect(l).toContain('LoRA r=8 diverged at step 3: its training loss became NaN.');
    expect(l).toContain('LoRA is more sensitive to the learning rate than full fine-tuning');
    expect(l).not.toContain('full fine-tuning, not LoRA');
  });

  it('describes a dead gradient, and says nothing about a loss it did not see', () => {
    const dead = divergenceMessage({ ...lora, last: { step: 3, loss: Math.log(256), gradNorm: 0 } }, [], false)[0];
    expect(dead).toContain('its gradient has been exactly zero for 8 steps in a row');
    expect(divergenceMessage({ ...full, last: undefined, lr: undefined }, [], false).slice(0, 2)).toEqual([
      'Full fine-tuning diverged at step 9.', 'Its learning rate is too high for it in this setting, so its training stopped there.',
    ]);
  });

  it('adds "(diverged at step N)" to a legend label', () => {
    expect(seriesLabel('LoRA r=8', 12)).toBe('LoRA r=8 (diverged at step 12)');
    expect(seriesLabel('LoRA r=8', undefined)).toBe('LoRA r=8');
  });
});
