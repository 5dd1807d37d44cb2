// Links the page writes itself must open without a false "Some settings in this link could not be
// used" alert: a tour step's copied link (a sweep step included) in a fresh browser loads the step's
// own grid, and switching to the Experiment view from another view (Pretrain's "Fine-tune from this
// base", or a tab) does not read that view's query as an experiment link.
import { expect, test } from './fixtures';

const SWEEP_STEPS = [
  ['one-curve', 'lr-code'],
  ['regularizer', 'regularizers-code'],
  ['lr-sensitivity', 'lr-code'],
  ['best-practices', 'modules-ranks-code'],
] as const;

// One page copies each step's link and one fresh browser opens them in turn (a context and a page
// each cost seconds on this machine). What that browser remembers from the link before (tour
// position, grid) must not leak into the next one: the presets alternate, so a leak would show.
test('the copied link of every sweep step opens its grid in a fresh browser', async ({ page, browser, context }) => {
  test.setTimeout(240_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  for (const [step, preset] of SWEEP_STEPS) {
    await page.goto(`/?tour=${step}`);
    const tour = page.getByTestId('tour');
    await expect(tour).toHaveAttribute('data-step', step);
    await tour.getByRole('button', { name: 'Copy a link to this step' }).click();
    await expect(tour.getByText('Link copied')).toBeVisible();
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(new URL(link).search, step).toBe(`?tour=${step}`);

    await other.goto(link);
    await expect(other.getByTestId('tour'), step).toHaveAttribute('data-step', step);
    await expect(other.getByRole('tab', { name: 'Sweep' })).toHaveAttribute('aria-selected', 'true');
    await expect(other.getByLabel('Sweep preset'), step).toHaveValue(preset);
    await expect(other.getByTestId('sweep-size')).toBeVisible();
    await expect(other.getByTestId('link-problems'), step).toHaveCount(0);
    expect(new URL(other.url()).searchParams.get('preset'), step).toBe(preset);
  }
  await fresh.close();
});

test('switching from another view to the Experiment tab reports no link problems', async ({ page }) => {
  await page.goto('/?view=pretrain');
  await page.getByRole('tab', { name: 'Experiment' }).click();
  await expect(page.getByRole('region', { name: /Experiment/ })).toBeVisible();
  await expect(page.getByTestId('link-problems')).toHaveCount(0);
  await page.goto('/?view=sweep&v=1&preset=regularizers-code');
  await expect(page.getByLabel('Sweep preset')).toHaveValue('regularizers-code');
  await page.getByRole('tab', { name: 'Experiment' }).click();
  await expect(page.getByLabel('Preset', { exact: true })).toHaveValue('english-code');
  await expect(page.getByTestId('link-problems')).toHaveCount(0);
});

test('Pretrain → "Fine-tune from this base" opens the experiment with no link error', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/?view=pretrain');
  const view = page.getByRole('region', { name: 'Pretrain a base model' });
  await view.getByLabel('Name').fill('Link E2E');
  await view.getByLabel('Size', { exact: true }).selectOption('tiny');
  for (const [label, value] of [['Steps', '1'], ['Warmup steps', '0'], ['Batch size', '1'], ['Evaluate every', '1']] as const) {
    await view.getByLabel(label, { exact: true }).fill(value);
    await view.getByLabel(label, { exact: true }).blur();
  }
  await view.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(view.getByRole('status')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
  const saved = view.getByTestId('saved-bases').locator('li[data-base="u-link-e2e"]');
  await saved.getByRole('button', { name: 'Fine-tune from this base' }).click();
  await expect(page.getByRole('tab', { name: 'Experiment' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('group', { name: 'Data' }).getByLabel('Base model')).toHaveValue('u-link-e2e');
  await expect(page.getByTestId('link-problems')).toHaveCount(0);
  await expect(page).toHaveURL(/[?&]base=u-link-e2e(&|$)/);
});
