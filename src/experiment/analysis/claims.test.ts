// Claims on hand-built runs and sweeps whose answers are worked out in the comments: LoRA forgets
// less, forgets more, diverges, or the data cannot speak; the verdicts and the numbers in the sentences.
import { describe, expect, it } from 'vitest';
import type { EvalPoint } from '../protocol';
import { runClaims, sweepClaims, type Claim, type ClaimMethod } from './claims';
import type { SweepCellResult } from './front';

const e = (method: string, step: number, targetLoss: number, sourceLoss: number, extra: Partial<EvalPoint> = {}): EvalPoint =>
  ({ method, step, targetLoss, sourceLoss, ...extra });
const full: ClaimMethod = { id: 'full', label: 'Full fine-tuning', kind: 'full', lr: 3e-3, weightDecay: 0, dropout: 0 };
const r4: ClaimMethod = { id: 'r4', label: 'LoRA r=4', kind: 'lora', lr: 1e-2, rank: 4, targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] };
const byFinding = (cs: Claim[], n: number) => cs.find((c) => c.finding === n)!;
const noNaN = (cs: Claim[]) => cs.forEach((c) => expect(c.measured).not.toMatch(/NaN|Infinity|undefined/));

// The issue's 200-step english → code run: base target 5.004, source 1.852.
const issueEvals = [
  e('full', 0, 5.004, 1.852), e('full', 100, 2.0, 2.4), e('full', 200, 1.65, 2.678),
  e('r4', 0, 5.004, 1.852), e('r4', 100, 2.9, 2.2), e('r4', 200, 2.467, 2.47),
];

describe('runClaims: LoRA learns less and forgets less', () => {
  const cs = runClaims([full, r4], issueEvals);

  it('returns the eight findings in order, each with the paper figure', () => {
    expect(cs.map((c) => c.finding)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(cs[0].paper).toContain('0.263');
    noNaN(cs);
  });

  it('finding 1 agrees with the lowest target losses', () => {
    expect(cs[0].verdict).toBe('agrees');
    expect(cs[0].measured).toContain('LoRA r=4 learned less than Full fine-tuning here: 2.47 vs 1.65 nats/byte');
  });

  it('finding 2 agrees with the source rise at the best point (+0.62 vs +0.83)', () => {
    expect(cs[1].verdict).toBe('agrees');
    expect(cs[1].measured).toContain('LoRA r=4 forgot less than Full fine-tuning here: +0.62 vs +0.83 nats/byte');
  });

  it('finding 3 disagrees: at equal learning full fine-tuning forgot less', () => {
    // Level 2.467 (the best LoRA's). Full crosses it between steps 0 and 100 at f = 2.537/3.004:
    // step 84.5, source 1.852 + f·0.548 = 2.3148 → rise +0.46; LoRA at step 200 with +0.62.
    // Front: full@200, full@100, r4@100 (r4@200 is dominated by full@100).
    const c = cs[2];
    expect(c.verdict).toBe('disagrees');
    expect(c.measured).toContain('1 of the 3 checkpoints on the learn–forget Pareto front (of all 4 after step 0)');
    expect(c.measured).toContain('held-out target loss 2.47 nats/byte');
    expect(c.measured).toContain('Full fine-tuning first got there at step 84 with a source rise of +0.46');
    expect(c.measured).toContain('LoRA r=4 at step 200 with a source rise of +0.62');
    expect(c.measured).toContain('full fine-tuning forgot less');
  });

  it('findings 4–7 are not measured, saying what to run', () => {
    expect(cs.slice(3, 8).map((c) => c.verdict)).toEqual(['not-measured', 'not-measured', 'not-measured', 'not-measured', 'not-measured']);
    expect(cs[3].measured).toContain('weight decay or dropout');
    expect(cs[4].measured).toContain('diversity sampling');
    expect(cs[6].measured).toContain('sweep');
  });
});

describe('runClaims: one shared curve', () => {
  it('finding 3 agrees when both kinds forget the same at equal learning', () => {
    // At level 3.0 (the best LoRA's) both sit at source 2.3 when they first reach it: rise +0.30 each.
    // Front: full@200 (2, 2.8), full@100 and r4@200 (3, 2.3; duplicates both kept), r4@100 (4, 2.15).
    const cs = runClaims([full, r4], [
      e('full', 0, 5, 2), e('full', 100, 3, 2.3), e('full', 200, 2, 2.8),
      e('r4', 0, 5, 2), e('r4', 100, 4, 2.15), e('r4', 200, 3, 2.3),
    ]);
    expect(cs[2].verdict).toBe('agrees');
    expect(cs[2].measured).toContain('2 of the 4 checkpoints on the learn–forget Pareto front (of all 4 after step 0) are LoRA\'s.');
    expect(cs[2].measured).toContain('Full fine-tuning first got there at step 100 with a source rise of +0.30, LoRA r=4 at step 200 with a source rise of +0.30');
    expect(cs[2].measured).toContain('both lie on one curve there');
  });
});

describe('runClaims: LoRA forgets more', () => {
  const r8: ClaimMethod = { ...r4, id: 'r8', label: 'LoRA r=8', rank: 8 };
  const evals = [
    e('full', 0, 5, 2), e('full', 100, 1.891, 2.49),
    e('r8', 0, 5, 2), e('r8', 100, 2.508, 2.62),
  ];
  const cs = runClaims([full, r8], evals);

  it('finding 2 disagrees, with the numbers', () => {
    expect(cs[1].verdict).toBe('disagrees');
    expect(cs[1].measured).toContain('LoRA r=8 forgot more than Full fine-tuning here: +0.62 vs +0.49 nats/byte (source loss rise from the base model');
  });

  it('finding 1 still agrees', () => {
    expect(cs[0].verdict).toBe('agrees');
    expect(cs[0].measured).toContain('2.51 vs 1.89');
  });

  it('adds exact-match accuracy at the best points when every method has it', () => {
    const acc = evals.map((x) => ({ ...x, targetAccuracy: x.step === 0 ? 0 : x.method === 'full' ? 0.3 : 0.125 }));
    expect(runClaims([full, r8], acc)[0].measured).toContain('Exact-match accuracy at those points: 30% for Full fine-tuning and 13% for LoRA r=8.');
  });
});

describe('runClaims: mixed, ties and more decimals', () => {
  it('says "Mixed" when one LoRA learned more and one less', () => {
    const big: ClaimMethod = { ...r4, id: 'r64', label: 'LoRA r=64', rank: 64 };
    const cs = runClaims([full, r4, big], [...issueEvals, e('r64', 0, 5.004, 1.852), e('r64', 200, 1.5, 2.9)]);
    expect(cs[0].verdict).toBe('mixed');
    expect(cs[0].measured).toMatch(/^Mixed: LoRA r=64 learned more than Full fine-tuning; LoRA r=4 learned less than Full fine-tuning here/);
    expect(cs[0].measured).toContain('1.65 nats/byte for Full fine-tuning vs 2.47 for LoRA r=4 and 1.50 for LoRA r=64');
  });

  it('calls a difference under 0.01 nats/byte about the same', () => {
    const cs = runClaims([full, r4], [e('full', 0, 5, 2), e('full', 10, 2.0, 2.5), e('r4', 0, 5, 2), e('r4', 10, 2.004, 2.488)]);
    // Target 2.004 vs 2.000: within 0.01, about the same; rises +0.488 vs +0.500: 0.012 apart, less.
    expect(cs[0].verdict).toBe('mixed');
    expect(cs[0].measured).toContain('LoRA r=4 learned about as much as Full fine-tuning here: 2.00 vs 2.00 nats/byte');
    expect(cs[1].verdict).toBe('agrees');
    expect(cs[1].measured).toContain('+0.49 vs +0.50');
  });
});

describe('runClaims: diverged methods', () => {
  const r64: ClaimMethod = { ...r4, id: 'r64', label: 'LoRA r=64', rank: 64 };
  const withDiverged = [...issueEvals, e('r64', 0, 5.004, 1.852), e('r64', 100, NaN, NaN), e('r64', 200, NaN, NaN)];

  it('names the diverged method, leaves it out and never writes NaN', () => {
    const cs = runClaims([full, r4, r64], withDiverged, { r64: 30 });
    noNaN(cs);
    // The NaN checkpoints of r64 are not counted on the front: still 4 finite ones after step 0.
    expect(cs[2].measured).toContain('(of all 4 after step 0)');
    expect(cs[0].verdict).toBe('agrees');
    expect(cs[0].measured).toContain('LoRA r=64 diverged at step 30 and is left out.');
    expect(cs[0].measured).not.toContain('for LoRA r=64');
    expect(cs[1].verdict).toBe('agrees');
  });

  it('is not measured when every LoRA diverged', () => {
    const cs = runClaims([full, r64], [...issueEvals.filter((x) => x.method === 'full'), ...withDiverged.filter((x) => x.method === 'r64')], { r64: 30 });
    noNaN(cs);
    expect(cs[0].verdict).toBe('not-measured');
    expect(cs[0].measured).toContain('needs a LoRA method');
    expect(cs[0].measured).toContain('LoRA r=64 diverged at step 30');
    expect(cs[2].verdict).toBe('not-measured');
  });

  it('is not measured before any evaluation after step 0', () => {
    const cs = runClaims([full, r4], [e('full', 0, 5, 2), e('r4', 0, 5, 2)]);
    expect(cs.map((c) => c.verdict)).toEqual(new Array(8).fill('not-measured'));
    noNaN(cs);
  });
});

describe('runClaims: regularizers, diversity and rank', () => {
  const drop: ClaimMethod = { ...full, id: 'drop', label: 'Full + dropout', dropout: 0.1 };
  const div = (share: number, d2: number, h: number) => ({ distinctShare: share, distinct1: 0.5, distinct2: d2, distinct3: 0.9, entropy: h, samples: [] });
  const evals = [
    ...issueEvals,
    e('drop', 0, 5.004, 1.852), e('drop', 200, 1.8, 2.552),
  ];

  it('finding 4 agrees when full + dropout forgot more than LoRA (+0.70 vs +0.62)', () => {
    const c = byFinding(runClaims([full, drop, r4], evals), 4);
    expect(c.verdict).toBe('agrees');
    expect(c.measured).toContain('LoRA r=4 forgot less than Full + dropout (dropout 0.1) here: +0.62 vs +0.70 nats/byte');
    expect(c.measured).toContain('Unregularized, Full fine-tuning rose +0.83 nats/byte.');
  });

  it('finding 4 disagrees when the regularized full method forgot less than LoRA', () => {
    const c = byFinding(runClaims([drop, r4], [...evals.filter((x) => x.method !== 'full'), e('drop', 300, 1.7, 2.3)]), 4);
    // drop's best is step 300: rise 2.3 − 1.852 = +0.45 < LoRA's +0.62.
    expect(c.verdict).toBe('disagrees');
    expect(c.measured).toContain('+0.62 vs +0.45');
  });

  it('finding 5 compares diversity at the last evaluation', () => {
    const dEvals = [
      e('full', 0, 5.004, 1.852, { diversity: div(1, 0.9, 1.5) }), e('full', 200, 1.65, 2.678, { diversity: div(0.5, 0.4, 0.8) }),
      e('r4', 0, 5.004, 1.852, { diversity: div(1, 0.9, 1.5) }), e('r4', 200, 2.467, 2.47, { diversity: div(0.875, 0.6, 1.1) }),
    ];
    const c = byFinding(runClaims([full, r4], dEvals), 5);
    expect(c.verdict).toBe('agrees');
    expect(c.measured).toContain('at step 200');
    expect(c.measured).toContain('distinct completions: base 100%, Full fine-tuning 50%, LoRA r=4 88%');
    expect(c.measured).toContain('LoRA r=4 was more diverse than Full fine-tuning');
    const flipped = dEvals.map((x) => (x.method === 'r4' && x.step === 200 ? { ...x, diversity: div(0.25, 0.3, 0.5) } : x));
    expect(byFinding(runClaims([full, r4], flipped), 5).verdict).toBe('disagrees');
    const mixed = dEvals.map((x) => (x.method === 'r4' && x.step === 200 ? { ...x, diversity: div(0.875, 0.3, 0.8) } : x));
    expect(byFinding(runClaims([full, r4], mixed), 5).verdict).toBe('mixed');
  });

  it('finding 6 reads rank@90% over training', () => {
    const rk = (attention: number, mlp: number, all: number) => ({ rank90: { attention, mlp, all } });
    const rEvals = [
      e('full', 0, 5.004, 1.852, rk(0, 0, 0)), e('full', 100, 2.0, 2.4, rk(10, 20, 14.3)), e('full', 200, 1.65, 2.678, rk(20, 40, 28.6)),
      e('r4', 0, 5.004, 1.852, rk(0, 0, 0)), e('r4', 100, 2.9, 2.2, rk(3, 4, 3.4)), e('r4', 200, 2.467, 2.47, rk(4, 4, 4)),
    ];
    const c = byFinding(runClaims([full, r4], rEvals), 6);
    expect(c.verdict).toBe('agrees');
    expect(c.measured).toContain('needs rank 28.6 for 90% of its energy (mean over matrices; attention 20.0, MLP 40.0), more than any LoRA update here (');
    expect(c.measured).toMatch(/ 4\.0; a LoRA update has rank at most r\)/);
    expect(c.measured).toContain('From step 100 it grew (from 14.3)');
    const low = rEvals.map((x) => (x.method === 'full' && x.step === 200 ? { ...x, ...rk(3, 3, 3) } : x));
    expect(byFinding(runClaims([full, r4], low), 6).verdict).toBe('disagrees');
  });
});

// A sweep cell: base (5, 2) at step 0, then best + 0.3 at step 50 and `best` at step 100 with the given source rise.
const cell = (family: string, label: string, kind: 'full' | 'lora', lr: number, best: number, rise: number, extra: Partial<SweepCellResult> = {}): SweepCellResult => ({
  cellId: `${family}-${lr}`, family, familyLabel: label, kind, lr, diverged: !Number.isFinite(best),
  evals: Number.isFinite(best)
    ? [{ step: 0, targetLoss: 5, sourceLoss: 2 }, { step: 50, targetLoss: best + 0.3, sourceLoss: 2 + rise / 2 }, { step: 100, targetLoss: best, sourceLoss: 2 + rise }]
    : [{ step: 0, targetLoss: 5, sourceLoss: 2 }, { step: 50, targetLoss: NaN, sourceLoss: NaN }],
  ...extra,
});

describe('sweepClaims', () => {
  const all = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'];
  // full: best 2.0 at 3e-4 (interior); LoRA: best 2.5 at 3e-3 (interior), 3e-2 diverged.
  const cells = [
    cell('full', 'Full', 'full', 1e-4, 2.2, 0.3), cell('full', 'Full', 'full', 3e-4, 2.0, 0.5),
    cell('full', 'Full', 'full', 1e-3, 2.1, 0.7), cell('full', 'Full', 'full', 3e-3, 2.3, 0.9),
    cell('r8', 'LoRA r=8', 'lora', 1e-3, 2.9, 0.2, { rank: 8, targets: all }), cell('r8', 'LoRA r=8', 'lora', 3e-3, 2.5, 0.3, { rank: 8, targets: all }),
    cell('r8', 'LoRA r=8', 'lora', 1e-2, 2.8, 0.5, { rank: 8, targets: all }), cell('r8', 'LoRA r=8', 'lora', 3e-2, NaN, 0, { rank: 8, targets: all }),
  ];

  it('findings 1 and 2 compare each family at its best learning rate', () => {
    const cs = sweepClaims(cells);
    noNaN(cs);
    expect(cs[0].verdict).toBe('agrees');
    expect(cs[0].measured).toContain('Each family at its best learning rate.');
    expect(cs[0].measured).toContain('LoRA r=8 @ 3e-3 learned less than Full @ 3e-4 here: 2.50 vs 2.00 nats/byte');
    expect(cs[1].verdict).toBe('agrees');
    expect(cs[1].measured).toContain('+0.30 vs +0.50');
  });

  it('finding 7 agrees: LoRA wants a 10× higher learning rate and is more sensitive to it', () => {
    // Full: neighbours of 3e-4 are +0.2 over 0.477 decades and +0.1 over 0.523: mean 0.305/decade.
    // LoRA: +0.4 over 0.477 and +0.3 over 0.523: mean 0.706/decade.
    const c = sweepClaims(cells)[6];
    expect(c.verdict).toBe('agrees');
    expect(c.measured).toContain('Best learning rate (lowest held-out target loss): Full 3e-4 and LoRA r=8 3e-3');
    expect(c.measured).toContain('10× for LoRA r=8');
    expect(c.measured).toContain('0.31 nats/byte per decade for Full and 0.71 nats/byte per decade for LoRA r=8');
    expect(c.measured).toContain('Against Full: LoRA r=8: it wanted a higher learning rate; it was more sensitive to it.');
  });

  it('finding 7 says when the best learning rates sit at the edge of the grid', () => {
    // The issue's grids: full 3e-4..3e-3 best at 3e-3, LoRA 1e-3..1e-2 best at 1e-2: both at the top edge.
    const edge = [
      cell('full', 'Full', 'full', 3e-4, 1.968, 0.4), cell('full', 'Full', 'full', 1e-3, 1.765, 0.62), cell('full', 'Full', 'full', 3e-3, 1.65, 0.83),
      cell('r4', 'LoRA r=4', 'lora', 1e-3, 2.734, 0.34, { rank: 4, targets: all }), cell('r4', 'LoRA r=4', 'lora', 3e-3, 2.504, 0.5, { rank: 4, targets: all }),
      cell('r4', 'LoRA r=4', 'lora', 1e-2, 2.467, 0.62, { rank: 4, targets: all }),
    ];
    const c = sweepClaims(edge)[6];
    expect(c.verdict).toBe('mixed');
    expect(c.measured).toContain('Full 3e-3 (at the top edge of its grid 3e-4–3e-3: its true best may be higher; extend the grid)');
    expect(c.measured).toContain('LoRA r=4: the grid cannot tell whether it wanted a higher learning rate (a best learning rate sits at an edge); it was less sensitive to it');
  });

  it('finding 7 is not measured with one learning rate per family', () => {
    const c = sweepClaims([cells[1], cells[5]])[6];
    expect(c.verdict).toBe('not-measured');
  });

  it('finding 8 checks All > MLP > Attention at one rank', () => {
    const mods = (att: number, mlp: number, allLoss: number) => [
      cell('att', 'Attention', 'lora', 1e-2, att, 0.2, { rank: 8, targets: ['q', 'k', 'v', 'o'] }),
      cell('mlp', 'MLP', 'lora', 1e-2, mlp, 0.3, { rank: 8, targets: ['gate', 'up', 'down'] }),
      cell('all', 'All', 'lora', 1e-2, allLoss, 0.4, { rank: 8, targets: all }),
    ];
    const good = sweepClaims(mods(2.7, 2.5, 2.4))[7];
    expect(good.verdict).toBe('agrees');
    expect(good.measured).toContain('At rank 8, lowest target loss by modules: All 2.40 (lr 1e-2), MLP 2.50 (lr 1e-2), Attention 2.70 (lr 1e-2) nats/byte.');
    expect(sweepClaims(mods(2.4, 2.5, 2.7))[7].verdict).toBe('disagrees');
    expect(sweepClaims(mods(2.7, 2.4, 2.5))[7].verdict).toBe('mixed');
    expect(sweepClaims(cells)[7].verdict).toBe('not-measured');
  });

  it('finding 8 checks that higher ranks learn more', () => {
    const ranks = [1, 8, 64].map((r, i) => cell(`r${r}`, `LoRA r=${r}`, 'lora', 1e-2, 2.6 - 0.1 * i, 0.2, { rank: r, targets: all }));
    const c = sweepClaims(ranks)[7];
    expect(c.verdict).toBe('agrees');
    expect(c.measured).toContain('With All modules, lowest target loss by rank: r=1 2.60 (lr 1e-2), r=8 2.50 (lr 1e-2), r=64 2.40 (lr 1e-2) nats/byte.');
  });

  it('names a family that diverged at every learning rate', () => {
    const cs = sweepClaims([...cells, cell('r64', 'LoRA r=64', 'lora', 1e-1, NaN, 0, { rank: 64, targets: all })]);
    noNaN(cs);
    expect(cs[0].measured).toContain('LoRA r=64 diverged (or has no evaluation) at every learning rate and is left out.');
  });
});
