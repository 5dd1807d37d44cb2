// Old links keep opening the same experiment: fixtures/links.json holds share links written by the
// page before the experiment/ rooms were built (every preset and field, custom text, sweeps, tour
// steps, embed mode, damaged links), each with the config it decoded to then. Every link must still
// decode to that config (deep equal, and the same SHA-256 config hash that keys shipped results),
// from the same preset, carrying the same custom text; a link that decoded cleanly still reports no
// problem and a damaged one still reports some.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeShare } from './experiment';
import { decodeSweepShare } from './sweep';
import { hashConfig } from '../tour/results';
import type { LinkCase } from './fixtures/make-links';

const { cases } = JSON.parse(readFileSync(new URL('./fixtures/links.json', import.meta.url), 'utf8')) as { cases: LinkCase[] };

describe('links written before the redesign', () => {
  it('cover every kind of link', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
    expect(cases.some((c) => c.customText)).toBe(true);
    expect(cases.filter((c) => c.kind === 'sweep').length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s decodes to the same config', (_name, c) => {
    if (c.kind === 'experiment') {
      const d = decodeShare(c.query);
      expect(d.config).toEqual(c.config);
      expect(d.preset).toBe(c.preset);
      expect(hashConfig('experiment', d.config)).toBe(c.hash);
      expect(d.problems.length > 0).toBe(c.problems.length > 0);
      const text = d.customText ? { name: d.customText.name, sha256: d.customText.sha256, text: new TextDecoder().decode(d.customText.bytes) } : undefined;
      expect(text).toEqual(c.customText);
    } else {
      const d = decodeSweepShare(c.query);
      expect(d.sweep).toEqual(c.config);
      expect(d.preset).toBe(c.preset);
      expect(hashConfig('sweep', d.sweep)).toBe(c.hash);
      expect(d.problems.length > 0).toBe(c.problems.length > 0);
    }
  });
});
