// With the student's own text as the target, the page describes that text, not the preset's
// JavaScript source: the settings' description names the text and says what is measured on it.
import { expect, test } from './fixtures';

const TEXT = 'The old lighthouse keeper climbed the stairs each night to light the lamp.\n'.repeat(14); // 1,050 bytes

test('the description follows the target: your own text, not JavaScript', async ({ page }) => {
  await page.goto('/?v=1&preset=english-code&m=r8');
  const settings = page.getByRole('group', { name: 'Settings' });
  await expect(settings).toContainText('JavaScript');
  await page.getByLabel('Target (learn)').selectOption({ label: 'Your own text…' });
  await page.getByLabel(/Paste your text/).fill(TEXT);
  await page.getByRole('button', { name: 'Use pasted text' }).click();
  await expect(page.getByTestId('custom-text-summary')).toContainText('pasted text: 1,050 bytes');
  await expect(settings).not.toContainText('JavaScript');
  await expect(settings.getByTestId('setup-description')).toContainText('your text “pasted text”');
  // Back to code, the preset's own description returns.
  await page.getByLabel('Target (learn)').selectOption('code');
  await expect(settings.getByTestId('setup-description')).toContainText('JavaScript');
});
