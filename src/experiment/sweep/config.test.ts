// The sweep grid without a GPU: schema limits and their messages, expansion into cells (ids,
// labels, methods), lockstep groups (13 cells → 6, 6, 1 with the shared settings), cellResults,
// the checkpoint JSON round trip, and the presets (valid, sized, best rates bracketed).
import { describe, expect, it } from 'vitest';
import { ConfigError, experimentSchema, LIMITS } from '../config';
import type { EvalPoint } from '../protocol';
import { cellResults } from './cells';
import { defaultFamilyLabel, expandSweep, formatLr, LIMITS_SWEEP, parseSweep, sweepGroups, type SweepInput } from './config';
import { sweepCheckpointFromJson, sweepCheckpointToJson, type SweepCheckpoint } from './runner';
import { DEFAULT_SWEEP_PRESET, SWEEP_PRESETS } from './presets';

const ALL = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
const shared = {
  source: { domain: 'english' }, target: { domain: 'code' }, steps: 4, batchSize: 2, seqLen: 16,
  schedule: { kind: 'constant' }, seed: 3, evalInterval: 2, evalBatches: 1,
};
const fullFam = (id: string, lrs: number[], extra = {}) => ({ id, kind: 'full', lrs, ...extra });
const loraFam = (id: string, rank: number, lrs: number[], extra = {}) => ({ id, kind: 'lora', rank, alpha: 2 * rank, targets: [...ALL], lrs, ...extra });
const make = (families: unknown[], extra = {}): SweepInput => ({ ...shared, ...extra, families }) as SweepInput;

function issues(input: unknown): string[] {
  try {
    parseSweep(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected parseSweep to throw');
}

/** 13 cells: full × 4, LoRA r=4 × 5, LoRA r=16 on the MLP × 4. */
const thirteen = parseSweep(make([
  fullFam('full', [3e-4, 1e-3, 3e-3, 1e-2], { weightDecay: 0.1 }),
  loraFam('r4', 4, [1e-3, 3e-3, 1e-2, 3e-2, 1e-1]),
  loraFam('mlp', 16, [1e-3, 3e-3, 1e-2, 3e-2], { targets: ['gate', 'up', 'down'], label: 'MLP only' }),
]));

describe('sweep schema', () => {
  it('fills defaults like an experiment does', () => {
    const s = parseSweep(make([fullFam('full', [1e-3])]));
    expect(s.version).toBe(1);
    expect(s.base).toBe('base');
    expect(s.maxGradNorm).toBe(1);
    expect(s.families[0]).toEqual({ id: 'full', kind: 'full', lrs: [1e-3], weightDecay: 0, dropout: 0 });
    expect(s.diversity).toEqual({ samples: 0, length: 24, temperature: 1 });
  });

  it('refuses more than 9 families, more than 8 rates, more than 48 cells, with readable messages', () => {
    const ten = Array.from({ length: 10 }, (_, i) => fullFam(`f${i}`, [1e-3]));
    expect(issues(make(ten))).toEqual(['families: a sweep has at most 9 families']);
    expect(parseSweep(make(ten.slice(0, 9))).families).toHaveLength(9);
    expect(issues(make([fullFam('full', [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => i * 1e-3))])))
      .toEqual(['families.0 (full).lrs: a family has at most 8 learning rates']);
    // 7 families × 7 rates = 49 cells: each family is within limits, the grid is not
    const big = Array.from({ length: 7 }, (_, i) => fullFam(`f${i}`, [1, 2, 3, 4, 5, 6, 7].map((j) => j * 1e-3)));
    expect(issues(make(big))).toEqual(['families: 49 runs (families × learning rates) is more than the limit 48']);
    const fortyEight = Array.from({ length: 6 }, (_, i) => fullFam(`f${i}`, [1, 2, 3, 4, 5, 6, 7, 8].map((j) => j * 1e-3)));
    expect(expandSweep(parseSweep(make(fortyEight)))).toHaveLength(LIMITS_SWEEP.cells);
  });

  it('names each problem: empty grids, duplicate ids and rates, bad rates, ids too long for a cell id', () => {
    expect(issues(make([]))).toEqual(['families: a sweep needs at least one family']);
    expect(issues(make([fullFam('full', [])]))).toEqual(['families.0 (full).lrs: a family needs at least one learning rate']);
    expect(issues(make([fullFam('a', [1e-3]), fullFam('a', [1e-2])]))).toEqual(['families.1 (a).id: duplicate family id "a"']);
    expect(issues(make([fullFam('a', [1e-3, 1e-3])]))).toEqual(['families.0 (a).lrs.1: learning rate 0.001 is listed twice in family "a"']);
    expect(issues(make([fullFam('a', [2])]))).toEqual(['families.0 (a).lrs.0: learning rate above 1 diverges']);
    expect(issues(make([fullFam('a'.repeat(21), [1e-3])]))).toEqual(['families.0.id: family ids are 1-20 lowercase letters, digits, - or _']);
    expect(issues(make([loraFam('r', 0, [1e-3])]))[0]).toMatch(/^families\.0 \(r\)\.rank: /);
    expect(issues(make([fullFam('a', [1e-3])], { steps: 0 }))[0]).toMatch(/^steps: /);
  });
});

describe('expandSweep and sweepGroups', () => {
  it('gives cells ids `${family}-${i}` and labels `${familyLabel} @ ${lr}`, family by family', () => {
    const cells = expandSweep(thirteen);
    expect(cells.map((c) => c.id)).toEqual([
      'full-0', 'full-1', 'full-2', 'full-3', 'r4-0', 'r4-1', 'r4-2', 'r4-3', 'r4-4', 'mlp-0', 'mlp-1', 'mlp-2', 'mlp-3',
    ]);
    expect(cells[0].method).toEqual({ id: 'full-0', kind: 'full', label: 'Full FT wd 0.1 @ 3e-4', lr: 3e-4, weightDecay: 0.1, dropout: 0 });
    expect(cells[6].method).toEqual({
      id: 'r4-2', kind: 'lora', label: 'LoRA r=4 @ 1e-2', lr: 1e-2, rank: 4, alpha: 8, targets: [...ALL], scaling: 'standard', dropout: 0, weightDecay: 0,
    });
    expect(cells[12]).toMatchObject({ family: 'mlp', familyLabel: 'MLP only', lr: 3e-2, method: { label: 'MLP only @ 3e-2', rank: 16, targets: ['gate', 'up', 'down'] } });
  });

  it('labels families by what sets them apart', () => {
    const f = parseSweep(make([
      loraFam('a', 8, [1e-2], { targets: ['q', 'k', 'v', 'o'] }), loraFam('b', 8, [1e-2], { targets: ['up', 'gate', 'down'] }),
      loraFam('c', 2, [1e-2], { targets: ['q', 'v'], alpha: 16, scaling: 'rslora' }), fullFam('d', [1e-3], { dropout: 0.1 }),
    ])).families;
    expect(f.map(defaultFamilyLabel)).toEqual(['LoRA r=8 attention', 'LoRA r=8 MLP', 'LoRA r=2 q,v α=16 rsLoRA', 'Full FT dropout 0.1']);
    expect([3e-4, 1e-2, 0.1, 2.5e-3, 1].map(formatLr)).toEqual(['3e-4', '1e-2', '1e-1', '2.5e-3', '1e0']);
  });

  it('splits 13 cells into lockstep groups of 6, 6 and 1 that share every setting', () => {
    const groups = sweepGroups(thirteen);
    expect(LIMITS.methods).toBe(6);
    expect(groups.map((g) => g.methods.map((m) => m.id))).toEqual([
      ['full-0', 'full-1', 'full-2', 'full-3', 'r4-0', 'r4-1'], ['r4-2', 'r4-3', 'r4-4', 'mlp-0', 'mlp-1', 'mlp-2'], ['mlp-3'],
    ]);
    for (const g of groups) {
      expect(experimentSchema.safeParse(g).success).toBe(true);
      const { methods: _m, ...rest } = g;
      expect(rest).toEqual({
        version: 1, base: 'base', source: { domain: 'english' }, target: { domain: 'code' }, steps: 4, batchSize: 2, seqLen: 16,
        schedule: { kind: 'constant', warmupSteps: 0 }, maxGradNorm: 1, seed: 3, evalInterval: 2, evalBatches: 1,
        diversity: { samples: 0, length: 24, temperature: 1 },
      });
    }
    groups[0].schedule.warmupSteps = 99; // groups own their settings: editing one touches nothing else
    expect(thirteen.schedule.warmupSteps).toBe(0);
    expect(sweepGroups(thirteen)[1].schedule.warmupSteps).toBe(0);
  });
});

describe('cellResults', () => {
  it('collects each cell’s evaluations by step, with its family’s description and divergence', () => {
    const ev = (step: number, method: string, t: number, s: number, acc?: number): EvalPoint =>
      ({ step, method, targetLoss: t, sourceLoss: s, ...(acc === undefined ? {} : { targetAccuracy: acc }) });
    const evals = [ev(0, 'full-0', 5, 2), ev(0, 'mlp-3', 5, 2), ev(2, 'mlp-3', 4, 2.5, 0.25), ev(2, 'full-0', 3, 2.2), ev(0, 'other', 1, 1), ev(4, 'full-0', NaN, NaN)];
    const cells = cellResults(thirteen, [evals[3], evals[0], evals[1], evals[2], evals[4], evals[5]], new Set(['full-0']));
    expect(cells).toHaveLength(13);
    expect(cells[0]).toEqual({
      cellId: 'full-0', family: 'full', familyLabel: 'Full FT wd 0.1', kind: 'full', lr: 3e-4, weightDecay: 0.1, dropout: 0, diverged: true,
      evals: [{ step: 0, targetLoss: 5, sourceLoss: 2 }, { step: 2, targetLoss: 3, sourceLoss: 2.2 }, { step: 4, targetLoss: NaN, sourceLoss: NaN }],
    });
    expect(cells[12]).toEqual({
      cellId: 'mlp-3', family: 'mlp', familyLabel: 'MLP only', kind: 'lora', rank: 16, targets: ['gate', 'up', 'down'], lr: 3e-2,
      weightDecay: 0, dropout: 0, diverged: false,
      evals: [{ step: 0, targetLoss: 5, sourceLoss: 2 }, { step: 2, targetLoss: 4, sourceLoss: 2.5, targetAccuracy: 0.25 }],
    });
    expect(cells[5]).toMatchObject({ cellId: 'r4-1', evals: [], diverged: false });
  });
});

describe('checkpoint JSON', () => {
  it('round-trips typed arrays and non-finite numbers exactly', () => {
    const params = new Float32Array([1.5, -0, Math.fround(1e-30), 3.4e38, NaN]);
    const c = {
      sweep: thirteen, group: 1, diverged: ['r4-0'], methods: [],
      evals: [{ step: 2, method: 'r4-0', targetLoss: NaN, sourceLoss: Infinity }, { step: 2, method: 'r4-1', targetLoss: 0.1 + 0.2, sourceLoss: 2 }],
      current: { config: sweepGroups(thirteen)[1], step: 3, batcher: { cursor: 7 }, evals: [], steps: [], methods: { 'r4-2': { params, m: params.subarray(1, 3), v: new Float32Array(0), step: 3, diverged: false } } },
    } as unknown as SweepCheckpoint;
    const back = sweepCheckpointFromJson(sweepCheckpointToJson(c));
    expect(back).toEqual(c);
    const p = back.current!.methods['r4-2'];
    expect(p.params).toBeInstanceOf(Float32Array);
    expect(Array.from(p.m)).toEqual([-0, Math.fround(1e-30)]);
    expect(Object.is(p.params[1], -0)).toBe(true);
    expect(back.evals[0].sourceLoss).toBe(Infinity);
  });
});

describe('sweep presets', () => {
  it('are valid sweeps whose every cell fits a group, with the default among them', () => {
    expect(Object.hasOwn(SWEEP_PRESETS, DEFAULT_SWEEP_PRESET)).toBe(true);
    for (const [name, p] of Object.entries(SWEEP_PRESETS)) {
      expect(parseSweep(p.sweep), name).toEqual(p.sweep);
      expect(p.findings.length, name).toBeGreaterThan(0);
      expect(p.findings.every((f) => f >= 1 && f <= 8), name).toBe(true);
      // "minutes on a laptop GPU": at most 12 cells of 200 steps of 8 × 64 bytes
      expect(expandSweep(p.sweep).length * p.sweep.steps, name).toBeLessThanOrEqual(12 * 200);
      expect(p.sweep.batchSize * p.sweep.seqLen, name).toBeLessThanOrEqual(8 * 64);
    }
  });

  it('lr-code brackets the best rates measured before (full 3e-3, LoRA 1e-2) with rates on both sides', () => {
    const [full, lora] = SWEEP_PRESETS['lr-code'].sweep.families;
    expect(full).toMatchObject({ kind: 'full', lrs: [3e-4, 1e-3, 3e-3, 1e-2] });
    expect(lora).toMatchObject({ kind: 'lora', rank: 8, alpha: 16, targets: [...ALL], lrs: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1] });
  });

  it('rank-code says that rank 64 is full-rank at width 64; regularizers-code has weight decay and dropout', () => {
    const rank = SWEEP_PRESETS['rank-code'];
    expect(rank.sweep.families.filter((f) => f.kind === 'lora').map((f) => f.kind === 'lora' && f.rank)).toEqual([1, 4, 16, 64]);
    expect(rank.description).toMatch(/width is 64.*full-rank/);
    const reg = SWEEP_PRESETS['regularizers-code'].sweep.families;
    expect(reg.map((f) => [f.kind, f.weightDecay, f.dropout])).toEqual([['full', 0, 0], ['full', 0.1, 0], ['full', 0, 0.1], ['lora', 0, 0]]);
    expect(SWEEP_PRESETS['lr-math'].sweep.target.domain).toBe('math');
  });
});
