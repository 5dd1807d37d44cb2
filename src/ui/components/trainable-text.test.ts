// Trainable parameters said as a ratio to full fine-tuning's count, from the run's own counts.
import { describe, expect, it } from 'vitest';
import { fullCount, ratioText, trainableCell, trainableSentence } from './trainable-text';

const BASE = 115_008;
const full = { kind: 'full' as const, label: 'Full fine-tuning', trainableParams: BASE, totalParams: BASE };
const lora = (r: number, n: number) => ({ kind: 'lora' as const, label: `LoRA r=${r}`, trainableParams: n, totalParams: BASE + n });

describe('trainable parameters in words', () => {
  it('counts full fine-tuning as every weight of the base, for either kind', () => {
    expect(fullCount(full)).toBe(BASE);
    expect(fullCount(lora(8, 8_000))).toBe(BASE);
  });

  it('writes ratios with two or three significant digits', () => {
    expect(ratioText(1.3512)).toBe('1.35×');
    expect(ratioText(0.07123)).toBe('0.071×');
    expect(ratioText(0.0012345)).toBe('0.0012×');
    expect(ratioText(1)).toBe('1×');
  });

  it('gives each cell its count and its ratio to full fine-tuning', () => {
    expect(trainableCell(full)).toBe('115,008 (all weights)');
    expect(trainableCell(lora(8, 8_192))).toBe('8,192 (0.071×)');
  });

  it('says when a LoRA trains more than full fine-tuning, and nothing without LoRA', () => {
    const s = trainableSentence([full, lora(1, 1_344), lora(64, 155_400)]);
    expect(s).toContain('full fine-tuning’s 115,008');
    expect(s).toContain('LoRA r=1 0.012×, LoRA r=64 1.35×');
    expect(s).toContain('At this width LoRA r=64 trains more parameters than full fine-tuning');
    expect(trainableSentence([full, lora(8, 8_192)])).not.toContain('At this width');
    expect(trainableSentence([full])).toBe('');
  });
});
