// What a tour step's run would change, in words: nothing for the step's own settings (then it just
// starts), and one line per setting the student changed, the methods list, a method's own fields,
// their own text as the target, and a sweep's learning rates and families.
import { describe, expect, it } from 'vitest';
import { parseExperiment, PRESETS } from '../../../experiment/config';
import { parseSweep } from '../../../experiment/sweep/config';
import { SWEEP_PRESETS } from '../../../experiment/sweep/presets';
import { experimentChanges, sweepChanges } from './changes';

const step = PRESETS['english-code'].config;

describe('experimentChanges', () => {
  it('lists nothing for the step’s own settings', () => {
    expect(experimentChanges(step, step)).toEqual([]);
  });

  it('lists each changed setting, the methods and a method’s fields', () => {
    const mine = parseExperiment({
      ...step, steps: 60, batchSize: 4,
      methods: [{ ...step.methods[0], lr: 3e-3 }, step.methods[2]],
    });
    expect(experimentChanges(mine, step)).toEqual([
      'steps 60 → 200',
      'batch size 4 → 8',
      'methods: Full fine-tuning, LoRA r=8 → Full fine-tuning, LoRA r=1, LoRA r=8, LoRA r=64',
      'Full fine-tuning: learning rate 3e-3 → 1e-3',
    ]);
  });

  it('names the student’s own text as what the target would stop being', () => {
    const mine = parseExperiment({ ...step, target: { domain: 'custom', name: 'notes.md', sha256: 'b'.repeat(64), bytes: 900 } });
    expect(experimentChanges(mine, step)).toEqual(['target: your text “notes.md” → code']);
  });
});

describe('sweepChanges', () => {
  const reg = SWEEP_PRESETS['regularizers-code'].sweep;
  it('lists nothing for the step’s own grid', () => {
    expect(sweepChanges(reg, reg)).toEqual([]);
  });

  it('lists the grid’s families, a family’s learning rates and shared settings', () => {
    const lr = SWEEP_PRESETS['lr-code'].sweep;
    const changes = sweepChanges(lr, reg);
    expect(changes[0]).toMatch(/^methods: .+ → .+$/);
    const fewer = parseSweep({ ...reg, steps: 50, families: reg.families.map((f, k) => (k === 0 ? { ...f, lrs: f.lrs.slice(0, 1) } : f)) });
    const first = reg.families[0];
    expect(sweepChanges(fewer, reg)).toEqual([
      'steps 50 → 200',
      `${first.label}: learning rates ${first.lrs.slice(0, 1).map((x) => x.toExponential()).join(', ')} → ${first.lrs.map((x) => x.toExponential()).join(', ')}`,
    ]);
  });
});
