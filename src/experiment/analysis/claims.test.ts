// Claims on hand-built runs and sweeps, over seeds, whose answers are worked out in the comments: a
// difference beyond the seed range makes a verdict, one inside it says "within noise"; findings 2
// and 4 need both views; a one-seed run borrows the shipped estimate; diverged methods are left out.
import { describe, expect, it } from 'vitest';
import type { EvalPoint } from '../protocol';
import { runClaims, sweepClaims, type Claim, type ClaimMethod, type SeedRun } from './claims';
import type { Judge } from './claims-findings';
import { relationsText } from './claims-measures';
import { mergeSeedCells, type SweepCellResult } from './front';

const e = (method: string, step: number, targetLoss: number, sourceLoss: number, extra: Partial<EvalPoint> = {}): EvalPoint =>
  ({ method, step, targetLoss, sourceLoss, ...extra });
const ALL = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'];
const full: ClaimMethod = { id: 'full', label: 'Full fine-tuning', kind: 'full', lr: 3e-3, weightDecay: 0, dropout: 0 };
const r4: ClaimMethod = { id: 'r4', label: 'LoRA r=4', kind: 'lora', lr: 1e-2, rank: 4, targets: ALL };
const byFinding = (cs: Claim[], n: number) => cs.find((c) => c.finding === n)!;
const noNaN = (cs: Claim[]) => cs.forEach((c) => expect(c.measured).not.toMatch(/NaN|Infinity|undefined/));

// A 200-step english → code run: base target 5.004, source 1.852.
const issueEvals = [
  e('full', 0, 5.004, 1.852), e('full', 100, 2.0, 2.4), e('full', 200, 1.65, 2.678),
  e('r4', 0, 5.004, 1.852), e('r4', 100, 2.9, 2.2), e('r4', 200, 2.467, 2.47),
];
/** Seeds of a run: every checkpoint after step 0 moved by d on the target and d/2 on the source loss. */
const seeds = (evals: EvalPoint[], ds: number[], diverged: Record<string, number> = {}): SeedRun[] =>
  ds.map((d) => ({ evals: evals.map((x) => (x.step === 0 ? x : { ...x, targetLoss: x.targetLoss + d, sourceLoss: x.sourceLoss + d / 2 })), diverged }));
const tight = (evals: EvalPoint[], diverged: Record<string, number> = {}) => seeds(evals, [0, 0.02, -0.02], diverged);

describe('runClaims over seeds: beyond the noise', () => {
  const cs = runClaims([full, r4], tight(issueEvals));

  it('returns the eight findings in order, each with the paper figure and no NaN', () => {
    expect(cs.map((c) => c.finding)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(cs[0].paper).toContain('0.263');
    noNaN(cs);
  });

  it('finding 1 agrees, with mean [min–max] and the seed count', () => {
    // 2.467 ± 0.02 vs 1.65 ± 0.02: 0.82 apart, ranges 0.04
    expect(cs[0].verdict).toBe('agrees');
    expect(cs[0].measured).toContain('LoRA r=4 learned less than Full fine-tuning: 2.47 [2.45–2.49] vs 1.65 [1.63–1.67] nats/byte');
    expect(cs[0].measured).toContain('mean [min–max] over 3 seeds');
    expect(cs[0].seeds).toBe(3);
    expect(cs[0].numbers?.[0]).toMatchObject({ label: 'Full fine-tuning target loss', mean: expect.closeTo(1.65, 9), n: 3, key: 'target' });
  });

  it('finding 2 is mixed: LoRA forgot less at the best point but more at equal learning, with both numbers and how much each learned', () => {
    // Best points: rises +0.62 vs +0.83 (ranges 0.02). Equal learning at 2.487 (the highest best,
    // LoRA's worst seed): full crosses it near step 84 with +0.46, LoRA at ≈ step 195 with +0.61.
    const c = cs[1];
    expect(c.verdict).toBe('mixed');
    expect(c.measured).toContain("At each method's lowest target loss: LoRA r=4 forgot less than Full fine-tuning: +0.62 [+0.61–+0.63] vs +0.83 [+0.82–+0.84]");
    expect(c.measured).toContain('How much each had learned there (held-out target loss): 1.65 [1.63–1.67] for Full fine-tuning and 2.47 [2.45–2.49] for LoRA r=4 nats/byte.');
    expect(c.measured).toContain('At equal learning (held-out target loss 2.49 nats/byte, the lowest level every seed of these methods reached, interpolated between evaluations: Full fine-tuning at ≈ step 84');
    expect(c.measured).toContain('LoRA r=4 forgot more than Full fine-tuning: +0.61');
    expect(c.measured).toContain('The two views differ (as in the paper at the best point, the opposite of the paper at equal learning)');
  });

  it('finding 3 disagrees beyond the noise: at equal learning full fine-tuning forgot less', () => {
    const c = cs[2];
    expect(c.verdict).toBe('disagrees');
    expect(c.measured).toContain("LoRA's checkpoints on the learn–forget Pareto front, seed by seed: 1 of 3, 1 of 3 and 1 of 3.");
    expect(c.measured).toContain('full fine-tuning forgot less for the same learning, beyond the noise');
  });

  it('findings 4–8 are not measured, saying what to run', () => {
    expect(cs.slice(3).map((c) => c.verdict)).toEqual(new Array(5).fill('not-measured'));
    expect(cs[3].measured).toContain('weight decay or dropout');
    expect(cs[4].measured).toContain('diversity sampling');
    expect(cs[6].measured).toContain('sweep');
  });
});

describe('runClaims over seeds: inside the noise', () => {
  it('calls a difference smaller than the seed range "within noise", never agrees', () => {
    // LoRA's seeds spread ±0.5 around 2.467, full's ±0.5 around 1.65: ranges 1.0 > the 0.82 gap.
    const c = runClaims([full, r4], seeds(issueEvals, [0, 0.5, -0.5]))[0];
    expect(c.verdict).toBe('within-noise');
    expect(c.measured).toContain('LoRA r=4 differed from Full fine-tuning by less than the noise: 2.47 [1.97–2.97] vs 1.65 [1.15–2.15]');
    expect(c.measured).not.toMatch(/agree/i);
  });
});

describe('runClaims with one seed', () => {
  const one = [{ evals: issueEvals, diverged: {} }];

  it('counts nothing without a noise estimate, and says why', () => {
    const c = runClaims([full, r4], one)[0];
    expect(c.verdict).toBe('within-noise');
    expect(c.measured).toContain('LoRA r=4 could not be told apart from Full fine-tuning: 2.47 vs 1.65');
    expect(c.measured).toContain('one seed and no noise estimate for it, so no difference can count');
  });

  it('is judged against the shipped estimate, naming it', () => {
    const judge: Judge = { noise: { target: 0.1, rise: 0.05 }, from: "the tour's 3-seed run of this setup (english-code)" };
    const cs = runClaims([full, r4], one, judge);
    expect(cs[0].verdict).toBe('agrees');
    expect(cs[0].measured).toContain("one seed, so a difference counts only beyond the seed-to-seed range of the tour's 3-seed run of this setup (english-code) (0.10)");
    const wide: Judge = { ...judge, noise: { target: 1 } };
    expect(runClaims([full, r4], one, wide)[0].verdict).toBe('within-noise');
  });
});

describe('runClaims: several LoRAs and diverged methods', () => {
  const r64: ClaimMethod = { ...r4, id: 'r64', label: 'LoRA r=64', rank: 64 };

  it('is mixed when one LoRA learned more and one less, naming each group once', () => {
    const cs = runClaims([full, r4, r64], tight([...issueEvals, e('r64', 0, 5.004, 1.852), e('r64', 200, 1.5, 2.9)]));
    expect(cs[0].verdict).toBe('mixed');
    expect(cs[0].measured).toMatch(/^LoRA r=64 learned more than Full fine-tuning; LoRA r=4 learned less than Full fine-tuning: /);
    expect(cs[0].measured).not.toMatch(/Mixed/);
  });

  const withDiverged = [...issueEvals, e('r64', 0, 5.004, 1.852), e('r64', 100, NaN, NaN), e('r64', 200, NaN, NaN)];

  it('names the diverged method, leaves it out and never writes NaN', () => {
    const cs = runClaims([full, r4, r64], tight(withDiverged, { r64: 30 }));
    noNaN(cs);
    expect(cs[0].verdict).toBe('agrees');
    expect(cs[0].measured).toContain('LoRA r=64 diverged at step 30, 30 and 30 (3 of 3 seeds) and is left out.');
    expect(cs[0].measured).not.toContain('for LoRA r=64');
  });

  it('is not measured when every LoRA diverged, or before any evaluation after step 0', () => {
    const cs = runClaims([full, r64], tight(withDiverged.filter((x) => x.method !== 'r4'), { r64: 30 }));
    noNaN(cs);
    expect(cs[0].verdict).toBe('not-measured');
    expect(cs[0].measured).toContain('needs a LoRA method');
    const none = runClaims([full, r4], tight([e('full', 0, 5, 2), e('r4', 0, 5, 2)]));
    expect(none.map((c) => c.verdict)).toEqual(new Array(8).fill('not-measured'));
  });
});

describe('runClaims: regularizers (finding 4) in both views', () => {
  const drop: ClaimMethod = { ...full, id: 'drop', label: 'Full + dropout', dropout: 0.1 };

  it('agrees only when LoRA forgot less at its best point and at equal learning', () => {
    // drop learns fast and forgets a lot on the way: at LoRA's level (2.49) it has risen +0.75, LoRA +0.61.
    const evals = [...issueEvals, e('drop', 0, 5.004, 1.852), e('drop', 100, 2.2, 2.6), e('drop', 200, 1.8, 2.652)];
    const c = byFinding(runClaims([full, drop, r4], tight(evals)), 4);
    expect(c.verdict).toBe('agrees');
    expect(c.measured).toContain('LoRA r=4 forgot less than Full + dropout: +0.62 [+0.61–+0.63] vs +0.80 [+0.79–+0.81]');
    expect(c.measured).toContain('Unregularized, Full fine-tuning rose +0.83 [+0.82–+0.84] nats/byte at its lowest target loss 1.65 [1.63–1.67].');
  });

  it('is mixed when the views disagree', () => {
    // drop forgets little late but much early: at the best point +0.80 (> LoRA's +0.62), at equal learning +0.30 (< +0.61).
    const evals = [...issueEvals, e('drop', 0, 5.004, 1.852), e('drop', 100, 2.3, 2.15), e('drop', 200, 1.8, 2.652)];
    expect(byFinding(runClaims([full, drop, r4], tight(evals)), 4).verdict).toBe('mixed');
  });
});

describe('runClaims: diversity (finding 5)', () => {
  const div = (share: number, d2: number, sim: number, h: number) => ({ distinctShare: share, distinct1: d2, distinct2: d2, distinct3: 0.9, entropy: h, similarity: sim, samples: [] });
  const evals = (lora: ReturnType<typeof div>, loraMid: ReturnType<typeof div>) => [
    e('full', 0, 5.004, 1.852, { diversity: div(1, 0.7, 0.2, 1.5) }), e('full', 100, 2.0, 2.4, { diversity: div(1, 0.5, 0.3, 1.0) }), e('full', 200, 1.65, 2.678, { diversity: div(1, 0.4, 0.4, 0.8) }),
    e('r4', 0, 5.004, 1.852, { diversity: div(1, 0.7, 0.2, 1.5) }), e('r4', 100, 2.9, 2.2, { diversity: loraMid }), e('r4', 200, 2.467, 2.47, { diversity: lora }),
  ];

  it('leaves out a measure that is saturated for every model, and agrees when the others show LoRA more diverse in both views', () => {
    const c = byFinding(runClaims([full, r4], tight(evals(div(1, 0.6, 0.25, 1.2), div(1, 0.65, 0.22, 1.3)))), 5);
    expect(c.measured).toContain('Left out: distinct completions, at its upper bound for every model and seed, so it cannot move here.');
    // Diversity is not moved by the seeds' loss shifts here, so every range is 0 and the floors decide.
    expect(c.measured).toContain("At each method's last evaluation: distinct-1 (words): base 0.70 [0.70–0.70], Full fine-tuning 0.40 [0.40–0.40], LoRA r=4 0.60 [0.60–0.60] (against Full fine-tuning: LoRA r=4 more diverse); distinct-2 (word bigrams): base 0.70");
    // Equal learning: level 2.487; full's first evaluation at or below it is step 100 (2.0), LoRA's step 200.
    expect(c.measured).toContain("At equal learning (each method's first evaluation at or below held-out target loss 2.49): distinct-1 (words): base 0.70 [0.70–0.70], Full fine-tuning 0.50");
    expect(c.measured).toContain('mean per-byte entropy (nats): base 1.50 [1.50–1.50], Full fine-tuning 1.00 [1.00–1.00], LoRA r=4 1.20 [1.20–1.20] (against Full fine-tuning: LoRA r=4 more diverse)');
    expect(c.verdict).toBe('agrees');
  });

  it('is not agreeing when at equal learning LoRA is no more diverse', () => {
    // Full at step 100 (its first at or below 2.49): distinct-2 0.5, sim 0.3, entropy 1.0; LoRA at 200: 0.45, 0.35, 0.9.
    const c = byFinding(runClaims([full, r4], tight(evals(div(1, 0.45, 0.35, 0.9), div(1, 0.65, 0.22, 1.3)))), 5);
    expect(c.verdict).toBe('mixed');
  });
});

describe('relationsText', () => {
  const L = ['LoRA r=1', 'LoRA r=8', 'LoRA r=64'];
  it('says each relation once, naming the reference, and "every LoRA" when all agree', () => {
    expect(relationsText('Full fine-tuning', L, ['within-noise', 'within-noise', 'within-noise'])).toBe('against Full fine-tuning: every LoRA within noise');
    expect(relationsText('Full fine-tuning', L, ['more', 'within-noise', 'more'])).toBe('against Full fine-tuning: LoRA r=1 and LoRA r=64 more diverse, LoRA r=8 within noise');
    expect(relationsText('Full fine-tuning', L, ['less', 'more', 'within-noise'])).toBe('against Full fine-tuning: LoRA r=8 more diverse, LoRA r=1 less diverse, LoRA r=64 within noise');
    expect(relationsText('Full fine-tuning', ['LoRA r=8'], ['less'])).toBe('against Full fine-tuning: LoRA r=8 less diverse');
  });
});

describe('runClaims: rank of the weight change (finding 6)', () => {
  const rk = (attention: number, mlp: number, all: number, share: number) => ({ rank90: { attention, mlp, all, share } });
  const rEvals = [
    e('full', 0, 5.004, 1.852, rk(0, 0, 0, 0)), e('full', 100, 2.0, 2.4, rk(10, 20, 14.3, 0.2)), e('full', 200, 1.65, 2.678, rk(20, 40, 28.6, 0.4)),
    e('r4', 0, 5.004, 1.852, rk(0, 0, 0, 0)), e('r4', 100, 2.9, 2.2, rk(3, 4, 3.4, 0.05)), e('r4', 200, 2.467, 2.47, rk(4, 4, 4, 0.06)),
  ];

  it('reads rank@90% as a rank and as a share of full rank, and says what the width allows', () => {
    const c = byFinding(runClaims([full, r4], tight(rEvals), undefined, 64), 6);
    expect(c.verdict).toBe('agrees');
    expect(c.measured).toContain("needs rank 28.6 [28.6–28.6] for 90% of its energy (mean over matrices; attention 20.0 [20.0–20.0], MLP 40.0 [40.0–40.0]), 40% [40%–40%] of each matrix's full rank");
    expect(c.measured).toContain('7.2× LoRA r=4\'s r. The paper\'s 10–100× cannot appear at this width: the matrices are at most 64 wide, so no rank exceeds 64 (16× r=4 at most)');
    expect(c.measured).toContain('From step 100 it grew (from 14.3 [14.3–14.3])');
  });

  it('disagrees when full fine-tuning used fewer directions than LoRA', () => {
    const low = rEvals.map((x) => (x.method === 'full' && x.step === 200 ? { ...x, ...rk(3, 2, 2.5, 0.04) } : x));
    expect(byFinding(runClaims([full, r4], tight(low)), 6).verdict).not.toBe('agrees');
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
/** Three seeds of a grid: every loss after step 0 moved by d. */
const seeded = (cells: SweepCellResult[], ds = [0, 0.01, -0.01]) => mergeSeedCells(ds.map((d) => cells.map((c) => ({
  ...c, evals: c.evals.map((x) => (x.step === 0 ? x : { ...x, targetLoss: x.targetLoss + d, sourceLoss: x.sourceLoss + d })),
}))));

describe('sweepClaims over seeds', () => {
  // full: best 2.0 at 3e-4 (interior); LoRA: best 2.5 at 3e-3 (interior), 3e-2 diverged.
  const cells = [
    cell('full', 'Full', 'full', 1e-4, 2.2, 0.3), cell('full', 'Full', 'full', 3e-4, 2.0, 0.5),
    cell('full', 'Full', 'full', 1e-3, 2.1, 0.7), cell('full', 'Full', 'full', 3e-3, 2.3, 0.9),
    cell('r8', 'LoRA r=8', 'lora', 1e-3, 2.9, 0.2, { rank: 8, targets: ALL }), cell('r8', 'LoRA r=8', 'lora', 3e-3, 2.5, 0.3, { rank: 8, targets: ALL }),
    cell('r8', 'LoRA r=8', 'lora', 1e-2, 2.8, 0.5, { rank: 8, targets: ALL }), cell('r8', 'LoRA r=8', 'lora', 3e-2, NaN, 0, { rank: 8, targets: ALL }),
  ];

  it('findings 1 and 2 compare each family at its best learning rate (and 2 also at equal learning)', () => {
    const cs = sweepClaims(seeded(cells));
    noNaN(cs);
    expect(cs[0].verdict).toBe('agrees');
    expect(cs[0].measured).toContain('Each family at its best learning rate. LoRA r=8 @ 3e-3 learned less than Full @ 3e-4: 2.50 [2.49–2.51] vs 2.00 [1.99–2.01]');
    expect(cs[1].measured).toContain("At each family's best learning rate: LoRA r=8 @ 3e-3 forgot less than Full @ 3e-4: +0.30 [+0.29–+0.31] vs +0.50 [+0.49–+0.51]");
    expect(cs[1].measured).toContain('At equal learning');
  });

  it('a grid with one rate for every family says so instead of "its best learning rate"', () => {
    const grid = [
      cell('all8', 'LoRA r=8 all', 'lora', 1e-2, 2.4, 0.5, { rank: 8, targets: ALL }),
      cell('mlp8', 'LoRA r=8 MLP', 'lora', 1e-2, 2.6, 0.4, { rank: 8, targets: ['gate', 'up', 'down'] }),
      cell('all64', 'LoRA r=64 all', 'lora', 1e-2, 2.5, 0.6, { rank: 64, targets: ALL }),
    ];
    const f8 = sweepClaims(seeded(grid))[7];
    expect(f8.measured).toMatch(/^At the grid's one learning rate, 1e-2, for every family \(not each family's own best\)\. At rank 8/);
    expect(f8.measured).not.toContain('best learning rate');
  });

  it('finding 7 agrees: LoRA wants a 10× higher learning rate in every seed and is more sensitive beyond the noise', () => {
    // Full: neighbours of 3e-4 are +0.2 over 0.477 decades and +0.1 over 0.523: 0.305/decade in every seed.
    // LoRA: +0.4 over 0.477 and +0.3 over 0.523: 0.706/decade.
    const c = sweepClaims(seeded(cells))[6];
    expect(c.verdict).toBe('agrees');
    expect(c.measured).toContain('Best learning rate (lowest held-out target loss, mean over 3 seeds): Full 3e-4 and LoRA r=8 3e-3');
    expect(c.measured).toContain('10× for LoRA r=8');
    expect(c.measured).toContain('0.31 [0.31–0.31] nats/byte per decade for Full');
    expect(c.measured).toContain('LoRA r=8: it wanted a higher learning rate in every seed; it was more sensitive to it, beyond the noise.');
  });

  it('finding 7 is inconclusive when a best learning rate sits on the grid edge, naming the direction to widen', () => {
    const edge = [
      cell('full', 'Full', 'full', 3e-4, 1.968, 0.4), cell('full', 'Full', 'full', 1e-3, 1.765, 0.62), cell('full', 'Full', 'full', 3e-3, 1.65, 0.83),
      cell('r4', 'LoRA r=4', 'lora', 1e-3, 2.734, 0.34, { rank: 4, targets: ALL }), cell('r4', 'LoRA r=4', 'lora', 3e-3, 2.504, 0.5, { rank: 4, targets: ALL }),
      cell('r4', 'LoRA r=4', 'lora', 1e-2, 2.467, 0.62, { rank: 4, targets: ALL }),
    ];
    const c = sweepClaims(seeded(edge))[6];
    expect(c.verdict).toBe('inconclusive');
    expect(c.measured).toContain('Full 3e-3, at the top edge of its grid 3e-4–3e-3');
    expect(c.measured).toContain('widen the grid upwards for Full (above 3e-3) and upwards for LoRA r=4 (above 1e-2)');
  });

  it('finding 7 says so when the seeds do not agree on which wanted the higher learning rate', () => {
    // Seed 2 only: full's 3e-3 cell drops to 1.95 (below its 3e-4 cell's 2.0) and LoRA's 1e-3 cell to 2.45 (below
    // its 3e-3 cell's 2.5). The means keep full's best at 3e-4 (3e-3: 2.18) and LoRA's at 3e-3 (1e-3: 2.75), both
    // inside their grids, but in seed 2 LoRA's own best (1e-3) is below full's (3e-3): higher in 2 of 3 seeds.
    const move = (id: string, d: number) => (x: SweepCellResult) => (x.cellId !== id ? x
      : { ...x, evals: x.evals.map((y) => (y.step === 0 ? y : { ...y, targetLoss: y.targetLoss + d })) });
    const c = sweepClaims(mergeSeedCells([cells, cells.map(move('full-0.003', -0.35)).map(move('r8-0.001', -0.45)), cells]))[6];
    expect(c.measured).toContain('Full 3e-4 (seed by seed 3e-4, 3e-3 and 3e-4)');
    expect(c.measured).toContain('LoRA r=8 3e-3 (seed by seed 3e-3, 1e-3 and 3e-3)');
    expect(c.measured).toContain('LoRA r=8: it wanted a higher learning rate in 2 of 3 seeds, so the seeds do not agree');
    expect(c.verdict).not.toBe('agrees');
  });

  it('finding 7 is not measured with one learning rate per family', () => {
    expect(sweepClaims(seeded([cells[1], cells[5]]))[6].verdict).toBe('not-measured');
  });

  it('names a family that diverged at every learning rate', () => {
    const cs = sweepClaims(seeded([...cells, cell('r64', 'LoRA r=64', 'lora', 1e-1, NaN, 0, { rank: 64, targets: ALL })]));
    noNaN(cs);
    expect(cs[0].measured).toContain('LoRA r=64 diverged (or has no evaluation) at every learning rate and is left out.');
  });
});

describe('sweepClaims: modules and rank (finding 8)', () => {
  const grid = (loss: Record<string, number>) => ['attention', 'mlp', 'all'].flatMap((m) => [1, 8, 64].map((r) => cell(
    `${m}${r}`, `LoRA r=${r} ${m}`, 'lora', 1e-2, loss[`${m}${r}`], 0.3,
    { rank: r, targets: m === 'attention' ? ['q', 'k', 'v', 'o'] : m === 'mlp' ? ['gate', 'up', 'down'] : ALL },
  )));
  // Modules move the loss by 0.3, rank by 0.06: modules matter more, All < MLP < Attention, higher rank better.
  const paper = { attention1: 2.73, attention8: 2.7, attention64: 2.67, mlp1: 2.53, mlp8: 2.5, mlp64: 2.47, all1: 2.43, all8: 2.4, all64: 2.37 };

  it('agrees when every ordering and "modules over rank" hold beyond the noise', () => {
    const c = sweepClaims(seeded(grid(paper)))[7];
    expect(c.verdict).toBe('agrees');
    expect(c.measured).toContain('At rank 8, lowest target loss by modules: All 2.40 [2.39–2.41], MLP 2.50 [2.49–2.51], Attention 2.70 [2.69–2.71] nats/byte (All < MLP, All < Attention, MLP < Attention).');
    expect(c.measured).toContain('Changing the modules moved the target loss by up to 0.30 nats/byte, changing the rank by up to 0.06: the modules mattered more than the rank.');
  });

  it('says within noise when the seeds spread wider than the differences', () => {
    const c = sweepClaims(seeded(grid(paper), [0, 0.4, -0.4]))[7];
    // Every cell moves together here, so the ranges (0.8) swamp every difference.
    expect(c.verdict).toBe('within-noise');
    expect(c.measured).toContain('(All ≈ MLP, All ≈ Attention, MLP ≈ Attention)');
  });

  it('is not measured without module or rank variation', () => {
    expect(sweepClaims(seeded([cell('f', 'Full', 'full', 1e-3, 2, 0.5)]))[7].verdict).toBe('not-measured');
  });
});
