// The experiment schema: presets are valid; bad values, wrong types, unknown enums and
// oversized configs are rejected with messages that name the field. The settings table is the
// one source: the schema holds each row's schema at the row's path, and the link fields of
// share.ts are the rows, in order, with the row's key and path.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConfigError, DOMAIN_SETTINGS, experimentSchema, fullMethodSchema, LIMITS, loraMethodSchema, METHOD_SETTINGS, METHOD_SETTINGS_OF, parseExperiment, PRESETS, SETTINGS,
} from './config';
import { METHOD_FIELDS, TOP } from './links/experiment';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests write invalid values on purpose
type Loose = any;
const valid = () => structuredClone(PRESETS['english-code'].config) as unknown as Record<string, Loose>;

function issues(mutate: (c: Record<string, Loose>) => void): string[] {
  const c = valid();
  mutate(c);
  try {
    parseExperiment(c);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected the config to be rejected');
}

describe('experiment schema', () => {
  it('accepts every preset', () => {
    for (const [name, p] of Object.entries(PRESETS)) expect(() => parseExperiment(p.config), name).not.toThrow();
  });

  it('fills defaults', () => {
    const c = valid();
    delete c.maxGradNorm;
    delete c.methods[1].dropout;
    const parsed = parseExperiment(c);
    expect(parsed.maxGradNorm).toBe(1);
    expect(parsed.methods[1]).toMatchObject({ kind: 'lora', dropout: 0 });
  });

  it.each([
    ['negative learning rate', (c: Loose) => (c.methods[0].lr = -1), /methods\.0\.lr/],
    ['zero rank', (c: Loose) => (c.methods[1].rank = 0), /methods\.1\.rank/],
    ['fractional rank', (c: Loose) => (c.methods[1].rank = 2.5), /methods\.1\.rank/],
    ['rank above the limit', (c: Loose) => (c.methods[1].rank = LIMITS.rank + 1), /methods\.1\.rank/],
    ['unknown target module', (c: Loose) => (c.methods[1].targets = ['q', 'mlp']), /methods\.1\.targets\.1/],
    ['no target modules', (c: Loose) => (c.methods[1].targets = []), /methods\.1\.targets/],
    ['dropout of 1', (c: Loose) => (c.methods[1].dropout = 1), /methods\.1\.dropout/],
    ['unknown method kind', (c: Loose) => (c.methods[0].kind = 'qlora'), /methods\.0\.kind/],
    ['string where a number goes', (c: Loose) => (c.steps = '100'), /steps/],
    ['too many steps', (c: Loose) => (c.steps = LIMITS.steps + 1), /steps/],
    ['oversized batch', (c: Loose) => (c.batchSize = 4096), /batchSize/],
    ['oversized sequence', (c: Loose) => (c.seqLen = 100_000), /seqLen/],
    ['too many methods', (c: Loose) => (c.methods = Array.from({ length: LIMITS.methods + 1 }, (_, i) => ({ ...c.methods[0], id: `m${i}` }))), /methods/],
    ['no methods', (c: Loose) => (c.methods = []), /methods/],
    ['duplicate method ids', (c: Loose) => (c.methods[1].id = 'full'), /duplicate method id "full"/],
    ['script in an id', (c: Loose) => (c.methods[0].id = '<script>alert(1)</script>'), /methods\.0\.id/],
    ['unknown domain', (c: Loose) => (c.target.domain = 'poetry'), /target\.domain/],
    ['negative seed', (c: Loose) => (c.seed = -5), /seed/],
  ])('rejects %s', (_name, mutate, pattern) => {
    expect(issues(mutate).join('\n')).toMatch(pattern);
  });

  it('reports every problem at once', () => {
    const list = issues((c) => {
      c.steps = 0;
      c.methods[0].lr = 0;
    });
    expect(list.length).toBeGreaterThanOrEqual(2);
  });
});

describe('the settings table', () => {
  /** The schema at `path` inside an object schema (through defaults). */
  const at = (schema: z.ZodType, path: readonly string[]): z.ZodType => path.reduce<z.ZodType>((s, k) => {
    let o = s;
    while (o instanceof z.ZodDefault || o instanceof z.ZodOptional) o = o.unwrap() as z.ZodType;
    return (o as z.ZodObject<z.ZodRawShape>).shape[k] as z.ZodType;
  }, schema);

  it('the experiment and method schemas hold each row\'s schema at its path', () => {
    for (const r of Object.values(SETTINGS)) expect(at(experimentSchema, r.path), r.key).toBe(r.schema);
    for (const [kind, schema] of [['full', fullMethodSchema], ['lora', loraMethodSchema]] as const) {
      for (const k of METHOD_SETTINGS_OF[kind]) expect(at(schema, METHOD_SETTINGS[k].path), `${kind}.${k}`).toBe(METHOD_SETTINGS[k].schema);
    }
    // A built-in domain's rows, in the source and in the target's built-in option alike.
    const targetBuiltIn = (experimentSchema.shape.target as z.ZodDiscriminatedUnion).options[0] as z.ZodType;
    for (const r of Object.values(DOMAIN_SETTINGS)) {
      expect(at(experimentSchema.shape.source, r.path), `source ${r.path}`).toBe(r.schema);
      expect(at(targetBuiltIn, r.path), `target ${r.path}`).toBe(r.schema);
    }
  });

  it('the link fields are the rows, in order, with their keys and paths', () => {
    const rows = Object.values(SETTINGS);
    expect(TOP.slice(0, rows.length).map((f) => [f.key, f.path])).toEqual(rows.map((r) => [r.key, r.path]));
    // Then the domain rows, once for the source (src…) and once for the target (tgt…).
    const domainRows = Object.values(DOMAIN_SETTINGS);
    expect(TOP.slice(rows.length).map((f) => [f.key, f.path])).toEqual(['src', 'tgt'].flatMap((prefix) =>
      domainRows.map((r) => [`${prefix}${r.key}`, [prefix === 'src' ? 'source' : 'target', ...r.path]])));
    for (const kind of ['full', 'lora'] as const) {
      expect(METHOD_FIELDS[kind].map((f) => [f.key, f.path])).toEqual(METHOD_SETTINGS_OF[kind].map((k) => [METHOD_SETTINGS[k].key, METHOD_SETTINGS[k].path]));
    }
  });
});
