// The list of shipped base models matches public/models/ exactly, and every preset uses one of them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BASE_FACTS, baseLabel, DEFAULT_BASE, isShippedBase, SHIPPED_BASES, shippedBasesNote } from './bases';
import { experimentSchema, PRESETS } from './config';

const MODELS = fileURLToPath(new URL('../../public/models/', import.meta.url));

describe('shipped base models', () => {
  it('each has a manifest and a parameter file in public/models', () => {
    for (const name of SHIPPED_BASES) {
      expect(existsSync(`${MODELS}${name}.json`), `${name}.json`).toBe(true);
      expect(existsSync(`${MODELS}${name}.bin`), `${name}.bin`).toBe(true);
    }
  });

  it('lists every manifest in public/models', () => {
    const manifests = readdirSync(MODELS).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
    expect([...manifests].sort()).toEqual([...SHIPPED_BASES].sort());
  });

  it('include the schema default and every preset\'s base', () => {
    expect(DEFAULT_BASE).toBe(experimentSchema.shape.base.parse(undefined));
    for (const p of Object.values(PRESETS)) expect(isShippedBase(p.config.base)).toBe(true);
    expect(isShippedBase('small')).toBe(true);
    expect(isShippedBase('medium')).toBe(false);
    expect(shippedBasesNote()).toBe('the shipped base models are: "base", "small"');
  });

  it('are described by their manifests\' numbers', () => {
    for (const name of SHIPPED_BASES) {
      const m = JSON.parse(readFileSync(`${MODELS}${name}.json`, 'utf8'));
      expect(BASE_FACTS[name]).toEqual({ params: m.elements, dModel: m.config.dModel, nLayers: m.config.nLayers, steps: m.training.steps });
    }
    expect(baseLabel('small')).toBe('small: 820k parameters (d_model 128, 4 layers), pretrained 1400 steps');
    expect(baseLabel('nope')).toBe('nope');
  });
});
