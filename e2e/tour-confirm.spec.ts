// The tour's run button respects the settings on screen: when its step's settings differ, it lists
// what would change and starts only on confirmation, or loads them without starting, or keeps the
// student's; when nothing differs it starts at once. Pause and Stop say "Pausing…"/"Stopping…" the
// moment they are pressed, until the Worker confirms. Screenshots of the question, light and dark,
// go to test-results/screenshots/ for people to look at.
import { expect, test } from './fixtures';

const SHOTS = 'test-results/screenshots';

test('an experiment step asks before changing the student’s settings, and Stop says so at once', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?v=1&preset=english-code&m=full,r8&steps=60&tour=setup');
  const tour = page.getByTestId('tour');
  const panel = page.getByRole('region', { name: /Experiment/ });
  const steps = panel.getByLabel('Steps', { exact: true });
  const status = panel.getByRole('status');
  await expect(steps).toHaveValue('60');

  await tour.getByTestId('tour-run').click();
  const confirm = tour.getByTestId('tour-confirm');
  await expect(confirm).toContainText('“English → code” would change 2 settings you set in the Experiment view:');
  await expect(confirm.getByTestId('tour-changes').locator('li')).toHaveText([
    'steps 60 → 200',
    'methods: Full fine-tuning, LoRA r=8 → Full fine-tuning, LoRA r=1, LoRA r=8, LoRA r=64',
  ]);
  await expect(confirm.getByRole('button', { name: 'Change them and start' })).toBeFocused();
  await expect(status).toHaveAttribute('data-state', 'idle');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await confirm.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/tour-confirm-1280x800-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // Keep mine: nothing changes.
  await confirm.getByRole('button', { name: 'Keep mine' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(steps).toHaveValue('60');
  await expect(page).toHaveURL(/[?&]steps=60(&|$)/);

  // Load settings only: the step's settings on screen, nothing trains.
  await tour.getByTestId('tour-run').click();
  await confirm.getByRole('button', { name: 'Load settings only' }).click();
  await expect(steps).toHaveValue('200');
  await expect(page).not.toHaveURL(/[?&]steps=/);
  await expect(status).toHaveAttribute('data-state', 'idle');

  // Now nothing differs: the button starts at once. Stop shows "Stopping…" at once, not "running at step 0".
  await tour.getByTestId('tour-run').click();
  await expect(confirm).toHaveCount(0);
  await expect(status).toHaveAttribute('data-state', 'running');
  await panel.getByRole('button', { name: 'Stop' }).click();
  await expect(status).toHaveAttribute('data-pending', 'stopping', { timeout: 1000 });
  await expect(status).toContainText(/^Stopping… /, { timeout: 1000 });
  await expect(panel.getByRole('button', { name: 'Stop' })).toBeDisabled();
  await expect(status).toHaveAttribute('data-state', 'stopped', { timeout: 200_000 });
  await expect(status).not.toHaveAttribute('data-pending');
  await expect(status).toContainText(/^stopped at step \d+ of 200\./);
});

test('a sweep step lists what it would change in the grid, and loads it on request', async ({ page }) => {
  await page.goto('/?tour=regularizer');
  const tour = page.getByTestId('tour');
  await expect(page.getByLabel('Sweep preset')).toHaveValue('regularizers-code');
  const sweepSteps = page.getByRole('region', { name: /Sweep/ }).getByLabel('Steps', { exact: true });
  await sweepSteps.fill('50');
  await sweepSteps.blur();
  await expect(page).toHaveURL(/[?&]steps=50(&|$)/);
  await tour.getByTestId('tour-run').click();
  const confirm = tour.getByTestId('tour-confirm');
  await expect(confirm.getByTestId('tour-changes').locator('li')).toHaveText(['steps 50 → 200']);
  await confirm.getByRole('button', { name: 'Load settings only' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(sweepSteps).toHaveValue('200');
  await expect(page.getByRole('region', { name: /Sweep/ }).getByRole('status')).toHaveAttribute('data-state', 'idle');
  await expect(page.getByTestId('link-problems')).toHaveCount(0);
  // Moving to another step drops an open question.
  await sweepSteps.fill('40');
  await sweepSteps.blur();
  await tour.getByTestId('tour-run').click();
  await expect(confirm).toBeVisible();
  await tour.getByRole('button', { name: 'Next →' }).click();
  await expect(confirm).toHaveCount(0);
});
