// Bring your own target text: paste a text, see its size and held-out share, train on it (its
// held-out loss is not the code domain's, its forgetting loss is the same English one), get a
// plain message for a binary or non-text file, and share it: a small text travels in the link,
// a large one travels only by name and hash, so a browser without it is told to paste it. The
// panel passes axe (no serious violations) in both themes.
import type { Page } from '@playwright/test';
import { seriousViolations } from './axe';
import { expect, test } from './fixtures';

// One method, 2 steps of batch 2 × 16 bytes, evaluated at steps 0, 1 and 2 on one batch.
const TINY = '/?v=1&preset=english-code&m=r8&steps=2&bs=2&T=16&evalEvery=1&evalBatches=1&div=0';
const SMALL = 'The old lighthouse keeper climbed the stairs each night to light the lamp.\n'.repeat(14); // 1,050 bytes
const LARGE = 'Rivers carry sediment to the sea, and the delta grows a little every year.\n'.repeat(40); // 3,000 bytes

async function useOwnText(page: Page, text: string): Promise<void> {
  await page.getByLabel('Target (learn)').selectOption({ label: 'Your own text…' });
  await page.getByLabel(/Paste your text/).fill(text);
  await page.getByRole('button', { name: 'Use pasted text' }).click();
}

async function train(page: Page): Promise<{ target: string; source: string }> {
  const status = page.getByRole('region', { name: /Experiment/ }).getByRole('status');
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 170_000 });
  const first = async (id: string) => (await page.getByTestId(id).innerText()).split('→')[0].trim();
  return { target: await first('target-r8'), source: await first('source-r8') };
}

test('a pasted text is checked, shown with its held-out share and trained on', async ({ page }) => {
  test.setTimeout(400_000);
  await page.goto(TINY);
  const code = await train(page);
  expect(Number(code.target)).toBeGreaterThan(0);

  await useOwnText(page, SMALL);
  // 1,050 bytes: 105 (10.0%) held out in one piece from the middle, 945 to train on.
  await expect(page.getByTestId('custom-text-summary')).toHaveText(
    'pasted text: 1,050 bytes (1.0 KiB); 105 bytes (10.0%) held out for evaluation from the middle of the text, 945 bytes to train on.',
  );
  await expect(page).toHaveURL(/tgt=custom&tgtName=pasted\+text&tgtSha=[0-9a-f]{64}&tgtBytes=1050&tgtText=The\+old/);
  const mine = await train(page);
  // The same base and English held-out text: the same forgetting loss at step 0; a different target: another learning loss.
  expect(mine.source).toBe(code.source);
  expect(mine.target).not.toBe(code.target);

  // After a reload on a plain page, the saved run reopens with its text (kept in the browser's store).
  await page.goto('/');
  await expect(page.getByLabel('Target (learn)')).toHaveValue('code');
  await page.locator('tr[data-run]').first().getByRole('button', { name: 'Open' }).click();
  await expect(page.getByLabel('Target (learn)')).toHaveValue('own-text');
  await expect(page.getByTestId('custom-text-summary')).toContainText('pasted text: 1,050 bytes');
  await expect(page.getByTestId('target-r8')).toContainText(`${mine.target} →`);
});

test('a binary or non-text file gets a plain message and changes nothing', async ({ page }) => {
  await page.goto(TINY);
  await page.getByLabel('Target (learn)').selectOption({ label: 'Your own text…' });
  const file = page.getByLabel('or a file:');
  await file.setInputFiles({ name: 'data.txt', mimeType: 'text/plain', buffer: Buffer.from([0x68, 0x69, 0x00, 0x01, 0x02, 0x03]) });
  await expect(page.getByTestId('custom-text-error')).toHaveText('This looks like a binary file: it has a NUL byte at offset 2.');
  await file.setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]) });
  await expect(page.getByTestId('custom-text-error')).toHaveText('"photo.png" is a .png file, not text. Use a .txt, .md or source file.');
  await file.setInputFiles({ name: 'short.md', mimeType: 'text/markdown', buffer: Buffer.from('# Too short\n') });
  await expect(page.getByTestId('custom-text-error')).toContainText('needs at least 170 bytes');
  // The experiment still trains on code.
  await expect(page).not.toHaveURL(/tgt=/);
  await file.setInputFiles({ name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from(SMALL) });
  await expect(page.getByTestId('custom-text-error')).toHaveCount(0);
  await expect(page.getByTestId('custom-text-summary')).toContainText('notes.md: 1,050 bytes');
});

test('a link carries a small text into a fresh browser', async ({ page, browser }) => {
  await page.goto(TINY);
  await useOwnText(page, SMALL);
  await expect(page).toHaveURL(/tgtText=/);
  await expect(page.getByTestId('custom-text-link')).toContainText('Copy link carries this text');
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(page.url());
  await expect(other.getByTestId('custom-text-summary')).toContainText('pasted text: 1,050 bytes');
  await expect(other.getByTestId('custom-text-missing')).toHaveCount(0);
  await expect(other.getByTestId('link-problems')).toHaveCount(0);
  await expect(other.getByLabel('Target (learn)')).toHaveValue('own-text');
  await fresh.close();
});

test('a link to a large text names it by hash: a browser without it is told to paste it', async ({ page, browser }) => {
  await page.goto(TINY);
  await useOwnText(page, LARGE);
  await expect(page.getByTestId('custom-text-link')).toContainText('A link cannot carry this text');
  await expect(page).toHaveURL(/tgtBytes=3000/);
  await expect(page).not.toHaveURL(/tgtText=/);
  const link = page.url();
  // Same browser (the text is stored): a reload and a new tab just work.
  await page.reload();
  await expect(page.getByTestId('custom-text-summary')).toContainText('pasted text: 3,000 bytes');
  const tab = await page.context().newPage();
  await tab.goto(link);
  await expect(tab.getByTestId('custom-text-summary')).toContainText('pasted text: 3,000 bytes');
  await expect(tab.getByTestId('custom-text-missing')).toHaveCount(0);
  // Another browser: told in words, and pasting the same text makes it whole.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  const missing = other.getByTestId('custom-text-missing');
  await expect(missing).toContainText('this browser does not have');
  await expect(missing).toContainText('must paste the same text');
  await expect(other.getByRole('button', { name: 'Start', exact: true })).toBeEnabled();
  await other.getByLabel(/Paste your text/).fill(LARGE);
  await other.getByRole('button', { name: 'Use pasted text' }).click();
  await expect(missing).toHaveCount(0);
  await expect(other.getByTestId('custom-text-summary')).toContainText('pasted text: 3,000 bytes');
  await fresh.close();
});

for (const scheme of ['light', 'dark'] as const) {
  test(`the text panel has no serious accessibility violations (${scheme} theme)`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(TINY);
    await useOwnText(page, LARGE);
    await expect(page.getByTestId('custom-text-summary')).toBeVisible();
    await page.getByLabel('or a file:').setInputFiles({ name: 'x.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
    await expect(page.getByTestId('custom-text-error')).toBeVisible();
    expect(await seriousViolations(page, ['[data-testid="custom-text"]'])).toEqual([]);
  });
}
