// Sweep links: every preset and random grids survive encode → decode exactly, only what differs
// from the preset is written (and `view=sweep` always), and hostile links never throw, always give
// a valid sweep and report short, markup-free problems.
import { describe, expect, it } from 'vitest';
import { SplitMix32 } from '../data/rng';
import { MAX_PROBLEMS, MAX_QUERY_LENGTH } from './experiment';
import { expandSweep, LIMITS_SWEEP, parseSweep, type SweepConfig, type SweepFamily } from '../sweep/config';
import { DEFAULT_SWEEP_PRESET, SWEEP_PRESETS } from '../sweep/presets';
import { decodeSweepShare, encodeSweepShare, sweepFromQuery } from './sweep';

const ALL = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;

function roundTrip(s: SweepConfig, preset: string) {
  const params = encodeSweepShare(s, preset);
  const back = decodeSweepShare(`?${params.toString()}`);
  return { params, back };
}

/** A random valid grid: up to 8 families of either kind, 1-8 distinct rates each, at most 48 cells. */
function randomSweep(rng: SplitMix32): SweepConfig {
  const r = () => rng.nextU32() / 2 ** 32;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const families: SweepFamily[] = [];
  const nFam = 1 + Math.floor(r() * 8);
  for (let i = 0; i < nFam; i++) {
    const lrs = [...new Set(Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick([1e-4, 3e-4, 1e-3, 2.5e-3, 3e-3, 0.01, 0.03, 0.1, 0.123456789, 1])))];
    // Sometimes a preset's own ids ('full', 'r8', 'attn', ...), with the same or the other kind, so both ways of writing a family are covered.
    const plain = pick(['full', 'r8', 'attn', 'wd', 'r64']);
    const id = r() < 0.4 && !families.some((f) => f.id === plain) ? plain : pick(['full', 'r8', 'a_b', 'x-1', 'fam']) + i;
    const common = { id, lrs, weightDecay: pick([0, 0.1, 0.01]), dropout: pick([0, 0.05, 0.1]), ...(r() < 0.5 ? { label: `Fam ${i} ✓ “q”` } : {}) };
    if (r() < 0.4) families.push({ ...common, kind: 'full' });
    else {
      const rank = pick([1, 2, 4, 8, 16, 64, 128]);
      const targets = ALL.filter(() => r() < 0.6);
      families.push({ ...common, kind: 'lora', rank, alpha: pick([rank, 2 * rank, 1.5]), targets: targets.length ? targets : ['q'], scaling: pick(['standard', 'rslora'] as const) });
    }
  }
  return parseSweep({
    version: 1, base: 'base' /* a shipped base (bases.ts); others are refused */, source: { domain: 'english', ...(r() < 0.3 ? { genres: ['fiction'] } : {}) },
    target: pick([{ domain: 'code' }, { domain: 'math', level: 'hard', answerOnly: true }, { domain: 'english', genres: ['learned', 'news'] }]),
    steps: 1 + Math.floor(r() * 500), batchSize: pick([1, 2, 8, 32]), seqLen: pick([8, 16, 64, 256]),
    schedule: { kind: pick(['constant', 'cosine']), warmupSteps: Math.floor(r() * 20) }, maxGradNorm: pick([0, 1, 0.5]),
    seed: rng.nextU32(), evalInterval: 1 + Math.floor(r() * 50), evalBatches: 1 + Math.floor(r() * 8),
    diversity: { samples: pick([0, 8]), length: 24, temperature: pick([0, 1, 0.7]) }, families,
  });
}

describe('sweep links: round trip', () => {
  it('writes only view, version and preset for an unchanged preset, and decodes every preset exactly', () => {
    for (const [name, p] of Object.entries(SWEEP_PRESETS)) {
      const { params, back } = roundTrip(p.sweep, name);
      expect(params.toString()).toBe(`view=sweep&v=1&preset=${name}`);
      expect(back).toEqual({ sweep: p.sweep, preset: name, problems: [] });
    }
  });

  it('carries each preset relative to every other preset', () => {
    for (const [name, p] of Object.entries(SWEEP_PRESETS)) {
      for (const other of Object.keys(SWEEP_PRESETS)) {
        const { params, back } = roundTrip(p.sweep, other);
        expect(params.get('view')).toBe('sweep');
        expect(back.problems, `${name} via ${other}`).toEqual([]);
        expect(back.sweep, `${name} via ${other}`).toEqual(p.sweep);
      }
    }
  });

  it('writes a change as one readable parameter', () => {
    const s = structuredClone(SWEEP_PRESETS['lr-code'].sweep);
    s.families[1].lrs = [3e-3, 1e-2, 2.5e-2];
    s.steps = 300;
    expect(encodeSweepShare(s, 'lr-code').toString()).toBe('view=sweep&v=1&preset=lr-code&steps=300&r8.lrs=3e-3%2C0.01%2C0.025');
  });

  it('round-trips 200 random grids through every preset', () => {
    const rng = new SplitMix32(2024);
    const presets = Object.keys(SWEEP_PRESETS);
    for (let i = 0; i < 200; i++) {
      const s = randomSweep(rng);
      const { params, back } = roundTrip(s, presets[i % presets.length]);
      expect(params.toString().length).toBeLessThan(MAX_QUERY_LENGTH);
      expect(back.problems, params.toString()).toEqual([]);
      expect(back.sweep, params.toString()).toEqual(s);
    }
  });
});

describe('sweep links: hostile input', () => {
  const decodeOk = (q: string) => {
    const r = decodeSweepShare(q);
    expect(() => parseSweep(r.sweep)).not.toThrow();
    expect(r.problems.length).toBeLessThanOrEqual(MAX_PROBLEMS + 1);
    for (const p of r.problems) expect(p).not.toMatch(/[<>\u0000-\u001f\u202e]/);
    return r;
  };

  it('treats an empty link or a bare view=sweep as the default preset, and says what else it did', () => {
    expect(decodeOk('')).toEqual({ sweep: SWEEP_PRESETS[DEFAULT_SWEEP_PRESET].sweep, preset: DEFAULT_SWEEP_PRESET, problems: [] });
    expect(decodeOk('?view=sweep').problems).toEqual([]);
    expect(decodeOk('view=sweep&preset=nope').problems).toEqual([
      'the link has no version (v); reading it as v=1', 'unknown sweep preset "nope"; using lr-code',
    ]);
    expect(decodeOk('view=run&v=2&preset=rank-code').problems).toEqual([
      'view="run" is not sweep; reading the link as a sweep', 'version v="2" is not supported (this page reads v=1); reading the rest as best effort',
    ]);
  });

  it('drops bad rates, ids and labels with short messages, keeping the rest', () => {
    const r = decodeOk('view=sweep&v=1&preset=lr-code&f=full,BAD,new&full.lrs=1e-3,abc,2,1e-3,0x10,Infinity&new.kind=full&new.label=<img src=x onerror=alert(1)>&full.wd=-1');
    expect(r.sweep.families.map((f) => [f.id, f.lrs])).toEqual([['full', [1e-3]], ['new', [1e-3]]]);
    expect(r.sweep.families[1].label).toBeUndefined();
    expect(r.problems).toEqual([
      'family id "BAD" is not 1-20 lowercase letters, digits, - or _; dropped',
      'full.lrs: "abc" is not a learning rate in (0, 1]; dropped',
      'full.lrs: "2" is not a learning rate in (0, 1]; dropped',
      'full.lrs: repeated learning rate 1e-3 dropped',
      'full.lrs: "0x10" is not a learning rate in (0, 1]; dropped',
      'full.lrs: "Infinity" is not a learning rate in (0, 1]; dropped',
      'full.wd=-1 is below the minimum 0; using 0',
      'new.label="‹img src=x onerror=alert…" contains markup or control characters; leaving it unset',
      'family new has no lrs; using lrs=1e-3',
    ]);
  });

  it('caps families, rates per family and cells, whatever the link asks for', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `f${i}`);
    const lrs = Array.from({ length: 20 }, (_, i) => `${(i + 1) * 1e-3}`).join(',');
    const q = `view=sweep&v=1&preset=lr-code&f=${ids.join(',')}&${ids.map((id) => `${id}.kind=full&${id}.lrs=${lrs}`).join('&')}`;
    const r = decodeOk(q);
    expect(r.sweep.families).toHaveLength(LIMITS_SWEEP.families);
    expect(expandSweep(r.sweep)).toHaveLength(LIMITS_SWEEP.cells);
    expect(r.sweep.families.map((f) => f.lrs.length)).toEqual([8, 8, 8, 8, 8, 5, 1, 1, 1]);
    expect(r.problems).toContain('12 families is more than the limit 9; using the first 9');
    expect(r.problems).toContain('f0.lrs lists 20 learning rates, more than the limit 8; using the first 8');
    expect(r.problems).toContain('72 runs is more than the limit 48; dropped the last learning rates of the last families');
  });

  it('never throws on garbage, huge, repeated or prototype-polluting links', () => {
    const rng = new SplitMix32(99);
    const alphabet = 'abf.=&,%<>"\'\u202e\u0000x1e-3lrskindlorafull_proto__constructor';
    for (let i = 0; i < 300; i++) {
      let q = '';
      const n = rng.nextU32() % 120;
      for (let j = 0; j < n; j++) q += alphabet[rng.nextU32() % alphabet.length];
      decodeOk(`view=sweep&v=1&${q}`);
    }
    expect(decodeOk(`view=sweep&x=${'a'.repeat(MAX_QUERY_LENGTH)}`).problems[0]).toMatch(/^the link is too long/);
    decodeOk('view=sweep&v=1&preset=__proto__&f=__proto__,constructor&__proto__.lrs=1e-3&constructor.kind=full&toString.rank=3');
    decodeOk('view=sweep&v=1&preset=lr-code&preset=rank-code&f=&f=r8&r8.lrs=&r8.targets=zz&r8.rank=1e99&steps=-5&T=%F0%9F%92%A5');
    const many = decodeOk(`view=sweep&v=1&${Array.from({ length: 60 }, (_, i) => `junk${i}=1`).join('&')}`);
    expect(many.problems.at(-1)).toMatch(/^…and \d+ more problems$/);
  });

  it("reads a query of only the page's own parameters as the default grid, with no problems", () => {
    for (const q of ['', '?view=sweep', '?view=sweep&tour=regularizer&embed=1']) {
      expect(sweepFromQuery(q), q).toEqual({ sweep: parseSweep(SWEEP_PRESETS[DEFAULT_SWEEP_PRESET].sweep), preset: DEFAULT_SWEEP_PRESET, problems: [] });
    }
    const q = `?${encodeSweepShare(SWEEP_PRESETS['regularizers-code'].sweep, 'regularizers-code').toString()}&tour=regularizer`;
    expect(sweepFromQuery(q)).toMatchObject({ preset: 'regularizers-code', problems: [] });
  });
});
