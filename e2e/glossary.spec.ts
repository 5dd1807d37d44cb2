// The glossary in use: a term in a sentence opens its definition by keyboard (Tab, Enter; Escape
// closes it and gives the focus back), "All terms" opens the glossary panel at that term, the top
// bar opens the panel too, and neither has a serious or critical axe violation in either theme.
// Screenshots at 1280×800, light and dark, into test-results/screenshots/ for a person to look at.
// The status table says a method's trainable parameters as a multiple of full fine-tuning's.
import { seriousViolations } from './axe';
import { expect, test } from './fixtures';

const DIR = 'test-results/screenshots';

test('a term opens its definition by keyboard, and the glossary panel at that term', async ({ page }) => {
  await page.goto('/?tour=setup');
  const tour = page.getByTestId('tour');
  const term = tour.getByRole('button', { name: 'continued pretraining', exact: true });
  await expect(term).toBeVisible();
  // Its sentence reads as written: the definition is not in the text until it is opened.
  await expect(tour.locator('.ll-paper')).toContainText('by continued pretraining (CPT, up to 20B tokens)');

  await term.focus();
  await page.keyboard.press('Enter');
  const pop = page.locator('.ll-term-pop:popover-open');
  await expect(pop).toBeVisible();
  await expect(pop).toContainText('CPT (continued pretraining)');
  await expect(pop).toContainText('20 billion tokens');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `${DIR}/glossary-term-1280x800-${scheme}.png` });
    expect(await seriousViolations(page), scheme).toEqual([]);
  }
  await page.keyboard.press('Escape');
  await expect(pop).toHaveCount(0);
  await expect(term).toBeFocused();

  // The paper's setup: every benchmark it names is a term.
  for (const name of ['HumanEval', 'GSM8K', 'HellaSwag', 'ARC-Challenge', 'WinoGrande']) {
    await expect(tour.getByRole('button', { name, exact: true })).toBeVisible();
  }
  await tour.getByRole('button', { name: 'GSM8K', exact: true }).click();
  await expect(pop).toContainText('exactly right');
  await pop.getByRole('button', { name: 'All terms' }).click();
  const panel = page.getByRole('dialog', { name: 'Glossary' });
  await expect(panel).toBeVisible();
  await expect(panel.locator('dfn#ll-gloss-gsm8k')).toBeFocused();
  await expect(panel.locator('dt')).toHaveCount(19);
  await expect(panel).toContainText(`ln 256 = ${Math.log(256).toFixed(2)}`);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `${DIR}/glossary-panel-1280x800-${scheme}.png` });
    expect(await seriousViolations(page), scheme).toEqual([]);
  }
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
});

test('the top bar opens the glossary; the status table states units and trainable parameters as a ratio', async ({ page }) => {
  await page.goto('/?v=1&preset=english-code&m=full,r64&steps=2&evalEvery=2&evalBatches=1&div=0&bs=2&T=16');
  await page.getByRole('banner').getByRole('button', { name: 'Glossary' }).click();
  const panel = page.getByRole('dialog', { name: 'Glossary' });
  await expect(panel).toBeVisible();
  await expect(panel.locator('dfn', { hasText: 'rank@90%' })).toBeVisible();
  await panel.getByRole('button', { name: 'Close' }).click();
  await expect(panel).toBeHidden();

  // The settings' hints link their terms too.
  await expect(page.getByRole('group', { name: 'Evaluation' }).getByRole('button', { name: 'nats/byte' })).toBeVisible();

  const panelRegion = page.getByRole('region', { name: /Experiment/ });
  await panelRegion.getByRole('button', { name: 'Start', exact: true }).click();
  const table = panelRegion.locator('table.ll-table').first();
  await expect(table.getByRole('columnheader', { name: 'Target loss (nats/byte)' })).toBeVisible();
  await expect(table.getByRole('columnheader', { name: 'Weights / grads / optimizer (KiB)' })).toBeVisible();
  await expect(page.getByTestId('trainable-full')).toContainText('(all weights)');
  // r = 64 on a width-64 model: more trainable numbers than the matrices themselves.
  await expect(table.getByRole('columnheader', { name: 'Trainable parameters (count, × full fine-tuning’s)' })).toBeVisible();
  await expect(page.getByTestId('trainable-r64')).toHaveText(/^[\d,]+ \(1\.\d+×\)$/);
  await expect(page.getByTestId('params-note')).toContainText('LoRA r=64 trains more parameters than full fine-tuning');
  await expect(page.locator('p.ll-status')).toHaveAttribute('data-state', 'done', { timeout: 240_000 });

  // A term inside a panel reads as text (no button frame), and its popover sits under it.
  const term = page.getByTestId('params-note').getByRole('button', { name: 'nats/byte' });
  await term.scrollIntoViewIfNeeded();
  expect(await term.evaluate((el) => getComputedStyle(el).borderTopWidth)).toBe('0px');
  await term.click();
  await expect(page.locator('.ll-term-pop:popover-open')).toContainText('ln 256');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `${DIR}/glossary-status-table-1280x800-${scheme}.png` });
  }
});
