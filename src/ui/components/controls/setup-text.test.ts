// The sentence above the settings follows the target on screen: the preset's own while its domains
// are kept, one about the student's text (never "JavaScript") once that is the target.
import { describe, expect, it } from 'vitest';
import { parseExperiment, PRESETS } from '../../../experiment/config';
import { domainName, setupDescription } from './setup-text';

const code = PRESETS['english-code'].config;
const own = parseExperiment({ ...code, target: { domain: 'custom', name: 'notes.md', sha256: 'a'.repeat(64), bytes: 1050 } });

describe('setupDescription', () => {
  it("keeps the preset's sentence while its source and target are on screen", () => {
    expect(setupDescription('english-code', code)).toBe(PRESETS['english-code'].description);
    expect(setupDescription('english-code', { ...code, steps: 3 })).toBe(PRESETS['english-code'].description);
  });

  it("describes the student's own text, not the preset's JavaScript", () => {
    const text = setupDescription('english-code', own);
    expect(text).not.toMatch(/JavaScript|code/);
    expect(text).toContain('your text “notes.md” (1,050 bytes)');
    expect(text).toContain('forgets on held-out English');
  });

  it('writes the sentence from the domains when the target changes', () => {
    const math = parseExperiment({ ...code, target: { domain: 'math' } });
    expect(setupDescription('english-code', math)).toBe(
      'Fine-tune the base model on math problems: how much each method learns is measured on held-out math problems, how much it forgets on held-out English.',
    );
    expect(domainName({ domain: 'english', genres: ['fiction'] })).toBe('English (fiction)');
  });
});
