// Run files: the JSON keeps config, methods, every evaluation and the base description; one
// method can be exported alone; CSV has one row per evaluation with quoting; the JSON reads
// back as a saved run, and malformed files are refused with a message.
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../config';
import type { SavedRun } from '../protocol';
import { ImportError } from './peft';
import { parseRunFile, runCsv, runFile, type BaseDescription } from './results';

const config = PRESETS['english-math'].config;
const run: SavedRun = {
  id: 'abc', preset: 'english-math', config, createdAt: 1_700_000_000_000, updatedAt: 1_700_000_000_500, state: 'done', step: 20, checkpointStep: 20,
  methods: config.methods.map((m) => ({
    id: m.id, label: m.label ?? m.id, kind: m.kind, trainableParams: 10, totalParams: 20, dispatchesPerStep: 5,
    memory: { weightBytes: 1, gradientBytes: 2, optimizerBytes: 3, activationBytes: 4 },
  })),
  evals: [
    { step: 0, method: 'full', targetLoss: 2.25, sourceLoss: 1.77, targetAccuracy: 0 },
    { step: 0, method: 'r8', targetLoss: 2.25, sourceLoss: 1.77, targetAccuracy: 0 },
    { step: 20, method: 'full', targetLoss: 1.5, sourceLoss: 2.1, targetAccuracy: 0.25 },
    { step: 20, method: 'r8', targetLoss: 1.75, sourceLoss: 1.9, targetAccuracy: 0.125 },
  ],
};
const base: BaseDescription = { name: 'base', description: 'tiny', config: { vocabSize: 256, dModel: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 192, seqLen: 64, tieEmbeddings: true } };

describe('run files', () => {
  it('round-trips a whole experiment through JSON', () => {
    const f = JSON.parse(JSON.stringify(runFile(run, base)));
    expect(f.format).toBe('lora-lab-run');
    expect(f.base.description).toBe('tiny');
    const back = parseRunFile(f, 'new-id');
    expect(back.id).toBe('new-id');
    expect(back.config).toEqual(config);
    expect(back.evals).toEqual(run.evals);
    expect(back.methods).toEqual(run.methods);
    expect(back.step).toBe(20);
  });

  it('exports one method alone', () => {
    const f = runFile(run, base, 'r8');
    expect(f.config.methods.map((m) => m.id)).toEqual(['r8']);
    expect(f.evals.map((e) => e.step)).toEqual([0, 20]);
    expect(parseRunFile(JSON.parse(JSON.stringify(f)), 'x').methods.map((m) => m.id)).toEqual(['r8']);
  });

  it('writes CSV rows with the settings and metrics', () => {
    const csv = runCsv(runFile({ ...run, methods: run.methods.map((m) => ({ ...m, label: 'LoRA, "r8"' })) }, base)).trim().split('\n');
    expect(csv).toHaveLength(5);
    expect(csv[0].split(',').slice(0, 4)).toEqual(['run_id', 'preset', 'method', 'label']);
    expect(csv[4]).toBe('abc,english-math,r8,"LoRA, ""r8""",lora,0.01,0,0,8,16,standard,q k v o gate up down,20,1.75,1.9,0.125,,,,,');
  });

  it('refuses malformed files with a message', () => {
    const good = JSON.parse(JSON.stringify(runFile(run, base)));
    expect(() => parseRunFile({ hello: 1 }, 'x')).toThrow(/not a LoRA Lab run file/);
    expect(() => parseRunFile({ ...good, version: 9 }, 'x')).toThrow(ImportError);
    expect(() => parseRunFile({ ...good, evals: [{ step: 'a' }] }, 'x')).toThrow(/run file is invalid: evals.0/);
    expect(() => parseRunFile({ ...good, config: { ...good.config, steps: -1 } }, 'x')).toThrow(/experiment config is invalid: steps/);
    expect(() => parseRunFile({ ...good, evals: [{ ...good.evals[0], method: 'ghost' }] }, 'x')).toThrow(/method "ghost"/);
  });
});
