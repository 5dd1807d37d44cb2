// What the page says the experiment on screen fine-tunes on. The preset's own sentence holds only
// while the source and target are the preset's; once the student picks another target (their own
// text above all), the sentence is written from the domains on screen, so the page never describes
// a target it does not train on (a pasted text called "JavaScript source").
import { PRESETS, type ExperimentConfig } from '../../../experiment/config';

type Domain = ExperimentConfig['target'];

/** How the page names a domain in a sentence or a chart's explanation. */
export function domainName(d: Domain): string {
  if (d.domain === 'custom') return `your text “${d.name}”`;
  if (d.domain === 'code') return 'code';
  if (d.domain === 'math') return 'math problems';
  const g = d.genres ?? [];
  return g.length ? `English (${g.join(', ')})` : 'English';
}

/** The same data: a custom text by its hash, a built-in domain by its settings (absent = default). */
export function sameDomain(a: Domain, b: Domain): boolean {
  if (a.domain === 'custom' || b.domain === 'custom') return a.domain === 'custom' && b.domain === 'custom' && a.sha256 === b.sha256;
  return a.domain === b.domain && (a.genres ?? []).join() === (b.genres ?? []).join()
    && (a.answerOnly ?? false) === (b.answerOnly ?? false) && (a.level ?? 'easy') === (b.level ?? 'easy');
}

/** The sentence above the settings: the preset's description, or one written from the config's own domains. */
export function setupDescription(preset: string, config: ExperimentConfig): string {
  const p = Object.hasOwn(PRESETS, preset) ? PRESETS[preset] : null;
  if (p && sameDomain(p.config.source, config.source) && sameDomain(p.config.target, config.target)) return p.description;
  const source = domainName(config.source);
  const t = config.target;
  if (t.domain === 'custom') {
    return `Fine-tune the base model on ${domainName(t)} (${t.bytes.toLocaleString('en-US')} bytes): how much each method learns is measured ` +
      `on a held-out part of your text, how much it forgets on held-out ${source}.`;
  }
  const target = domainName(t);
  return `Fine-tune the base model on ${target}: how much each method learns is measured on held-out ${target}, how much it forgets on held-out ${source}.`;
}
