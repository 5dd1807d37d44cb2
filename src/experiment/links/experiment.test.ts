// Share links: every preset and many random valid configs survive encode → decode exactly;
// only values that differ from the preset are written; and malformed or hostile links always
// decode to a valid experiment with short, markup-free problem messages.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESET, LIMITS, parseExperiment, PRESETS, type BuiltinDomainConfig, type ExperimentConfig, type MethodConfig } from '../config';
import { SHIPPED_BASES } from '../bases';
import { BROWN_GENRE_GROUPS, BROWN_GENRES } from '../data/brown';
import { decodeShare, encodeShare, formatNumber, MAX_PROBLEMS, MAX_QUERY_LENGTH } from './experiment';

const PRESET_NAMES = Object.keys(PRESETS);
const TARGETS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
const GENRES = [...new Set([...BROWN_GENRES.map((g) => g.id), ...Object.keys(BROWN_GENRE_GROUPS)])];

const preset = (name: string): ExperimentConfig => parseExperiment(PRESETS[name].config);
const keys = (p: URLSearchParams) => [...p.keys()];

/** mulberry32: a small seeded generator, so failures reproduce. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const chance = (p: number) => next() < p;
  const subset = <T>(xs: readonly T[], max = xs.length): T[] => {
    const shuffled = [...xs].sort(() => next() - 0.5);
    return shuffled.slice(0, int(1, Math.min(max, xs.length)));
  };
  return { next, int, pick, chance, subset };
}
type Rng = ReturnType<typeof rng>;

const LABEL_CHARS = [...'abcXYZ 019 &=+%#?,.;:/\\"\'()[]{}é日本🙂-_~!$*'];
const label = (r: Rng) => {
  let s = '';
  for (let n = r.int(1, 30); n > 0; n--) s += r.pick(LABEL_CHARS);
  return s;
};
/** Numbers of every shape: round, decimal, tiny, and arbitrary doubles (exactness matters). */
const anyIn = (r: Rng, lo: number, hi: number, positive = false) => {
  const x = r.pick([() => lo, () => hi, () => lo + (hi - lo) * r.next(), () => hi * 10 ** -r.int(1, 6), () => Math.round(r.next() * hi * 100) / 100])();
  return positive && x <= 0 ? hi / 3 : Math.min(hi, Math.max(lo, x));
};

function randomMethod(r: Rng, id: string, kind = r.pick(['full', 'lora'] as const)): MethodConfig {
  const common = { id, lr: anyIn(r, 0, 1, true), weightDecay: anyIn(r, 0, 1), ...(r.chance(0.6) ? { label: label(r) } : {}) };
  if (kind === 'full') return { ...common, kind, dropout: anyIn(r, 0, 0.9) };
  return {
    ...common, kind, rank: r.int(1, LIMITS.rank), alpha: anyIn(r, 0, 4096, true), targets: r.subset(TARGETS),
    scaling: r.pick(['standard', 'rslora'] as const), dropout: anyIn(r, 0, 0.9),
  };
}

function mutateMethods(r: Rng, methods: MethodConfig[]): MethodConfig[] {
  let out = methods.map((m) => structuredClone(m));
  if (r.chance(0.3) && out.length > 1) out.splice(r.int(0, out.length - 1), 1);
  if (r.chance(0.3)) out.sort(() => r.next() - 0.5);
  while (r.chance(0.3) && out.length < LIMITS.methods) {
    const id = `${r.pick(['m', 'x', 'lora', 'ft'])}${r.int(0, 999)}${r.pick(['', '_b', '-c'])}`;
    if (!out.some((m) => m.id === id)) out.splice(r.int(0, out.length), 0, randomMethod(r, id));
  }
  out = out.map((m) => {
    if (r.chance(0.1)) return randomMethod(r, m.id, m.kind === 'full' ? 'lora' : 'full'); // same id, other kind
    if (!r.chance(0.4)) return m;
    const fresh = randomMethod(r, m.id, m.kind) as Record<string, unknown>;
    const edited = { ...m } as Record<string, unknown>;
    for (const k of Object.keys(fresh)) if (r.chance(0.4)) edited[k] = fresh[k];
    if (r.chance(0.1)) delete edited.label;
    return edited as MethodConfig;
  });
  return out;
}

function randomConfig(r: Rng, name: string): ExperimentConfig {
  const c = preset(name);
  const maybe = (f: () => void) => r.chance(0.3) && f();
  maybe(() => (c.steps = r.int(1, LIMITS.steps)));
  maybe(() => (c.seed = r.int(0, 0xffffffff)));
  maybe(() => (c.batchSize = r.int(1, LIMITS.batchSize)));
  maybe(() => (c.seqLen = r.int(8, LIMITS.seqLen)));
  maybe(() => (c.schedule = { kind: r.pick(['constant', 'cosine'] as const), warmupSteps: r.int(0, LIMITS.steps) }));
  maybe(() => (c.maxGradNorm = anyIn(r, 0, 100)));
  maybe(() => (c.evalInterval = r.int(1, LIMITS.steps)));
  maybe(() => (c.evalBatches = r.int(1, LIMITS.evalBatches)));
  maybe(() => (c.base = r.pick(SHIPPED_BASES))); // any other base is refused by design (tested below)
  // The presets' targets are built-in domains (a custom text's keys are tested in custom-link tests).
  for (const d of [c.source, c.target] as BuiltinDomainConfig[]) {
    maybe(() => (d.domain = r.pick(['english', 'code', 'math'] as const)));
    maybe(() => (r.chance(0.3) ? delete d.genres : (d.genres = r.subset(GENRES, 15))));
    maybe(() => (r.chance(0.3) ? delete d.answerOnly : (d.answerOnly = r.chance(0.5))));
    maybe(() => (r.chance(0.3) ? delete d.level : (d.level = r.pick(['easy', 'hard'] as const))));
  }
  maybe(() => (c.diversity = { samples: r.int(0, LIMITS.diversitySamples), length: r.int(4, 64), temperature: anyIn(r, 0, 2) }));
  c.methods = mutateMethods(r, c.methods);
  return parseExperiment(c); // the generator must produce valid configs
}

describe('formatNumber', () => {
  it.each([
    [1e-3, '1e-3'], [0.0003, '3e-4'], [0.01, '0.01'], [0.05, '0.05'], [1, '1'], [200, '200'], [0.5, '0.5'],
    [2.5e-5, '2.5e-5'], [4294967295, '4294967295'], [0.9, '0.9'], [1e21, '1e21'],
  ])('%s → %s', (x, s) => expect(formatNumber(x)).toBe(s));

  it('is exact for arbitrary doubles', () => {
    const r = rng(42);
    for (let i = 0; i < 2000; i++) {
      const x = r.pick([r.next(), r.next() * 10 ** r.int(-12, 12), 0.1 + 0.2, 1e-3 * 3, r.int(0, 2 ** 32)]);
      const s = formatNumber(x);
      expect(Number(s), s).toBe(x);
      expect(s).not.toMatch(/\+/); // '+' is a space in a query string
    }
  });
});

describe('share links round trip', () => {
  it.each(PRESET_NAMES)('preset %s encodes to just v and preset, and decodes exactly', (name) => {
    const params = encodeShare(preset(name), name);
    expect([...params]).toEqual([['v', '1'], ['preset', name]]);
    expect(decodeShare(params)).toEqual({ config: preset(name), preset: name, problems: [] });
    expect(decodeShare(`?${params}`)).toEqual({ config: preset(name), preset: name, problems: [] });
  });

  it('reproduces hundreds of random valid modifications exactly', () => {
    const r = rng(7);
    for (let i = 0; i < 300; i++) {
      const name = r.pick(PRESET_NAMES);
      const c = randomConfig(r, name);
      const query = encodeShare(c, name).toString();
      expect(query.length).toBeLessThan(MAX_QUERY_LENGTH);
      expect(decodeShare(query), `case ${i}: ${query}`).toEqual({ config: c, preset: name, problems: [] });
      // A config is not tied to its preset: relative to another preset it still round-trips.
      const other = r.pick(PRESET_NAMES);
      expect(decodeShare(encodeShare(c, other)).config, `case ${i} vs ${other}`).toEqual(c);
    }
  });

  it('handles methods added, removed, reordered and changed in kind', () => {
    const base = preset('english-code');
    const [full, r1, r8, r64] = base.methods;
    const added: MethodConfig = { id: 'r4', kind: 'lora', rank: 4, alpha: 8, targets: ['q', 'v'], scaling: 'rslora', dropout: 0.05, lr: 3e-3, weightDecay: 0.01 };
    const swapped: MethodConfig = { id: 'r1', kind: 'full', lr: 5e-4, weightDecay: 0, dropout: 0.1 };
    for (const methods of [[r64, full], [r8, r1, r64, full], [full, added, r8], [swapped, r8], [added]]) {
      const c = { ...base, methods };
      expect(decodeShare(encodeShare(c, 'english-code'))).toEqual({ config: c, preset: 'english-code', problems: [] });
    }
  });
});

describe('only changed values are written', () => {
  const base = () => preset('english-code');

  it('writes one key per changed setting, in short form', () => {
    const c = base();
    c.steps = 300;
    c.schedule.kind = 'cosine';
    c.target = { domain: 'math', answerOnly: true };
    c.methods[2] = { ...c.methods[2], lr: 3e-4 };
    expect(encodeShare(c, 'english-code').toString()).toBe('v=1&preset=english-code&steps=300&sched=cosine&tgt=math&tgtAnswerOnly=1&r8.lr=3e-4');
  });

  it('writes only m when methods are removed or reordered', () => {
    const c = base();
    c.methods = [c.methods[3], c.methods[0]];
    expect(encodeShare(c, 'english-code').toString()).toBe('v=1&preset=english-code&m=r64%2Cfull');
  });

  it('writes every field of a method the preset lacks', () => {
    const c = base();
    c.methods = [c.methods[0], { id: 'r4', kind: 'lora', label: 'LoRA r=4', rank: 4, alpha: 8, targets: ['q', 'v'], scaling: 'standard', dropout: 0, lr: 1e-2, weightDecay: 0 }];
    expect(keys(encodeShare(c, 'english-code'))).toEqual([
      'v', 'preset', 'm', 'r4.kind', 'r4.label', 'r4.lr', 'r4.wd', 'r4.rank', 'r4.alpha', 'r4.targets', 'r4.scaling', 'r4.dropout',
    ]);
  });

  it('writes a removed label and genres as empty values', () => {
    const c = preset('fiction-learned');
    delete c.source.genres;
    delete c.methods[0].label;
    expect(encodeShare(c, 'fiction-learned').toString()).toBe('v=1&preset=fiction-learned&srcGenres=&full.label=');
    expect(decodeShare(encodeShare(c, 'fiction-learned')).config).toEqual(c);
  });
});

type Check = (r: ReturnType<typeof decodeShare>) => void;
const hostile: [string, string, Check?][] = [
  ['unknown key', 'v=1&preset=english-code&foo=1', (r) => expect(r.problems).toEqual(['unknown setting foo ignored'])],
  ['wrong type', 'v=1&preset=english-code&steps=abc', (r) => {
    expect(r.config.steps).toBe(200);
    expect(r.problems).toEqual(['steps="abc" is not a number; keeping 200']);
  }],
  ['NaN', 'v=1&preset=english-code&steps=NaN', (r) => expect(r.config.steps).toBe(200)],
  ['Infinity', 'v=1&preset=english-code&full.lr=Infinity&clip=-Infinity'],
  ['overflowing exponent', 'v=1&preset=english-code&steps=1e999'],
  ['hex and empty numbers', 'v=1&preset=english-code&steps=0x10&seed=&bs=%20'],
  ['above the limit', 'v=1&preset=english-code&steps=99999999', (r) => {
    expect(r.config.steps).toBe(LIMITS.steps);
    expect(r.problems).toEqual([`steps=99999999 is above the limit ${LIMITS.steps}; using ${LIMITS.steps}`]);
  }],
  ['below the minimum', 'v=1&preset=english-code&r8.rank=0&seed=-5', (r) => {
    expect(r.config.methods[2]).toMatchObject({ id: 'r8', rank: 1 });
    expect(r.config.seed).toBe(0);
    expect(r.problems).toEqual(['seed=-5 is below the minimum 0; using 0', 'r8.rank=0 is below the minimum 1; using 1']);
  }],
  ['negative learning rate', 'v=1&preset=english-code&full.lr=-1', (r) => {
    expect(r.config.methods[0].lr).toBe(1e-3);
    expect(r.problems).toEqual(['full.lr=-1 must be above 0; keeping 1e-3']);
  }],
  ['fractional integer', 'v=1&preset=english-code&steps=2.5', (r) => expect(r.config.steps).toBe(3)],
  ['script as a key', 'v=1&preset=english-code&%3Cscript%3Ealert(1)%3C/script%3E=1'],
  ['script as a number', 'v=1&preset=english-code&steps=%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
  ['script as an enum', 'v=1&preset=english-code&sched=<script>alert(1)</script>'],
  ['script as a label', 'v=1&preset=english-code&r8.label=<script>alert(1)</script>', (r) => expect(r.config.methods[2].label).toBe('LoRA r=8')],
  ['javascript: label', 'v=1&preset=english-code&r8.label=javascript:alert(1)'],
  ['javascript: base', 'v=1&preset=english-code&base=javascript:alert(1)', (r) => expect(r.config.base).toBe('base')],
  ['unknown base model', 'v=1&preset=english-code&base=medium&steps=50', (r) => {
    expect(r.config.base).toBe('base');
    expect(r.config.steps).toBe(50);
    expect(r.problems).toEqual(['base model "medium" is not shipped with this page (shipped: base, small); keeping base']);
  }],
  ['unknown base model named like a prototype', 'v=1&preset=english-math&base=__proto__', (r) => {
    expect(r.config.base).toBe('base');
    expect(r.problems).toEqual(['base model "__proto__" is not shipped with this page (shipped: base, small); keeping base']);
  }],
  ['script as a preset', 'v=1&preset=<script>alert(1)</script>', (r) => expect(r.preset).toBe(DEFAULT_PRESET)],
  ['script as a method id', 'v=1&preset=english-code&m=<script>,r8', (r) => expect(r.config.methods.map((m) => m.id)).toEqual(['r8'])],
  ['script as a genre', 'v=1&preset=english-code&srcGenres=fiction,<img src=x onerror=alert(1)>', (r) => expect(r.config.source.genres).toEqual(['fiction'])],
  ['bidi override label', 'v=1&preset=english-code&r8.label=%E2%80%AEevil'],
  ['unknown preset', 'v=1&preset=nope&steps=50', (r) => {
    expect(r.preset).toBe(DEFAULT_PRESET);
    expect(r.config.steps).toBe(50);
    expect(r.problems).toEqual([`unknown preset "nope"; using ${DEFAULT_PRESET}`]);
  }],
  ['prototype preset', 'v=1&preset=__proto__', (r) => expect(r.preset).toBe(DEFAULT_PRESET)],
  ['constructor preset', 'v=1&preset=constructor', (r) => expect(r.preset).toBe(DEFAULT_PRESET)],
  ['prototype method id', 'v=1&preset=english-code&m=__proto__&__proto__.kind=full&__proto__.lr=0.1&__proto__.rank=2', (r) => {
    expect(r.config.methods).toEqual([{ id: '__proto__', kind: 'full', dropout: 0, lr: 0.1, weightDecay: 0 }]);
    expect(r.problems).toEqual(['__proto__.rank is not a setting of a full method; ignored']);
  }],
  ['no preset', 'v=1&steps=10', (r) => expect(r.preset).toBe(DEFAULT_PRESET)],
  ['unknown version', 'v=2&preset=english-math&steps=10', (r) => {
    expect(r.preset).toBe('english-math');
    expect(r.config.steps).toBe(10);
  }],
  ['garbage version', 'v=abc&preset=english-code'],
  ['no version', 'preset=english-math&seed=3', (r) => expect(r.config.seed).toBe(3)],
  ['duplicate ids', 'v=1&preset=english-code&m=full,full,r8', (r) => expect(r.config.methods.map((m) => m.id)).toEqual(['full', 'r8'])],
  ['invalid ids', 'v=1&preset=english-code&m=Full,r 8,,r8', (r) => expect(r.config.methods.map((m) => m.id)).toEqual(['r8'])],
  ['no valid ids', 'v=1&preset=english-code&m=,,,', (r) => expect(r.config.methods).toEqual(preset('english-code').methods)],
  ['too many methods', `v=1&preset=english-code&m=${Array.from({ length: 40 }, (_, i) => `x${i}`).join(',')}`, (r) => {
    expect(r.config.methods).toHaveLength(LIMITS.methods);
  }],
  ['new method without fields', 'v=1&preset=english-code&m=full,x&x.kind=lora', (r) => {
    expect(r.config.methods[1]).toMatchObject({ id: 'x', kind: 'lora', rank: 8 });
    expect(r.problems).toEqual(['method x has no lr, rank, alpha, targets; using lr=0.01 rank=8 alpha=16 targets=q,k,v,o,gate,up,down']);
  }],
  ['new method without kind', 'v=1&preset=english-code&m=y&y.lr=0.1'],
  ['bad kind', 'v=1&preset=english-code&r8.kind=banana', (r) => expect(r.config.methods[2].kind).toBe('lora')],
  ['field of the wrong kind', 'v=1&preset=english-code&full.rank=8'],
  ['method not listed', 'v=1&preset=english-code&r99.lr=0.1'],
  ['bad targets', 'v=1&preset=english-code&r8.targets=q,mlp,q', (r) => expect(r.config.methods[2]).toMatchObject({ targets: ['q'] })],
  ['empty targets', 'v=1&preset=english-code&r8.targets='],
  ['bad flag', 'v=1&preset=english-math&tgtAnswerOnly=yes'],
  ['long label', `v=1&preset=english-code&r8.label=${'🙂'.repeat(40)}`, (r) => expect(r.config.methods[2].label!.length).toBeLessThanOrEqual(48)],
  ['repeated key', 'v=1&preset=english-code&steps=10&steps=20', (r) => expect(r.config.steps).toBe(10)],
  ['oversized query', `v=1&preset=english-math&steps=10&pad=${'a'.repeat(MAX_QUERY_LENGTH)}`, (r) => {
    expect(r.config).toEqual(preset(DEFAULT_PRESET));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/too long/);
  }],
  ['empty string', '', (r) => expect(r.config).toEqual(preset(DEFAULT_PRESET))],
  ['lone question mark', '?'],
  ['lone percent', '%'],
  ['percent garbage', 'v=1&preset=english-code&steps=%&seed=%zz&%ff=%fe&bs=%E0%A4%A', (r) => expect(r.config.steps).toBe(200)],
  ['ampersands and equals only', '&&&==&='],
  ['huge value', `v=1&preset=english-code&sched=${'<script>'.repeat(500)}`],
];

describe('hostile and malformed links', () => {
  it.each(hostile)('%s', (_name, query, check) => {
    const r = decodeShare(query);
    expect(() => parseExperiment(r.config)).not.toThrow();
    expect(Object.hasOwn(PRESETS, r.preset)).toBe(true);
    expect(r.problems.length).toBeGreaterThan(0);
    for (const p of r.problems) {
      expect(p.length).toBeLessThan(160);
      expect(p).not.toMatch(/[<>]/);
    }
    check?.(r);
  });

  it('applies the valid part of a partly broken link', () => {
    const r = decodeShare('v=1&preset=english-math&steps=abc&seed=7&r8.rank=0&r8.lr=0.02&zzz=1&srcGenres=fiction');
    expect(r.config).toEqual({
      ...preset('english-math'), seed: 7, source: { domain: 'english', genres: ['fiction'] },
      methods: [preset('english-math').methods[0], { ...preset('english-math').methods[1], rank: 1, lr: 0.02 }],
    });
    expect(r.problems).toHaveLength(3);
  });

  it('accepts a shipped base model without a problem', () => {
    for (const name of SHIPPED_BASES) {
      const r = decodeShare(`v=1&preset=english-code&base=${name}`);
      expect(r.config.base).toBe(name);
      expect(r.problems).toEqual([]);
    }
  });

  it('caps the number of problems', () => {
    const query = `v=1&preset=english-code&${Array.from({ length: 300 }, (_, i) => `k${i}=1`).join('&')}`;
    const r = decodeShare(query);
    expect(r.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(r.problems.at(-1)).toBe(`…and ${300 - MAX_PROBLEMS} more problems`);
  });

  it('never echoes script text raw, whatever field it lands in', () => {
    const payloads = ['<script>alert(1)</script>', 'javascript:alert(document.cookie)', '"><img src=x onerror=alert(1)>', '<SCRIPT SRC=//x.js>'];
    const fields = ['v', 'preset', 'steps', 'sched', 'base', 'src', 'srcGenres', 'm', 'r8.label', 'r8.targets', 'r8.kind', 'full.lr'];
    for (const payload of payloads) {
      for (const key of [...fields, payload, `r8.${payload}`]) {
        const params = new URLSearchParams({ v: '1', preset: 'english-code' });
        params.set(key, payload);
        const r = decodeShare(params);
        expect(() => parseExperiment(r.config)).not.toThrow();
        expect(r.problems.length, key).toBeGreaterThan(0);
        expect(JSON.stringify(r.config)).not.toMatch(/<|javascript:/i);
        for (const p of r.problems) {
          expect(p).not.toMatch(/<script/i);
          expect(p).not.toContain(payload);
        }
      }
    }
  });
});

describe('page parameters', () => {
  it('embed mode\'s embed and hide are not reported as unknown settings', () => {
    const r = decodeShare('?v=1&preset=english-code&steps=37&embed=1&hide=controls,text');
    expect(r.problems).toEqual([]);
    expect(r.config.steps).toBe(37);
    expect(decodeShare('?v=1&preset=english-code&embedded=1').problems).toEqual(['unknown setting embedded ignored']);
  });
});
