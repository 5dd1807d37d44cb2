// The accessibility check every spec uses: axe-core (through @axe-core/playwright) with the WCAG 2.1
// A/AA rules and best practices, reporting only serious and critical violations, each with its rule,
// the first few offending elements and axe's summary. `include` limits the check to parts of the page
// (a new panel), else it covers the whole page.
// Legacy mode runs axe in the page itself: the page has no cross-origin frames, and the default mode
// opens a blank page for every check to finish its run, which took about half of each check's time
// on this machine (one tour step: ≈13 s per check by default, ≈6 s in legacy mode, same results).
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

export interface Violation {
  rule: string;
  impact: string | null | undefined;
  help: string;
  nodes: string[];
}

export async function seriousViolations(page: Page, include: readonly string[] = []): Promise<Violation[]> {
  let axe = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).setLegacyMode(true);
  for (const part of include) axe = axe.include(part);
  const result = await axe.analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`) }));
}
