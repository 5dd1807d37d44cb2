// Pretraining a base in the tab: a tiny base trains for a few steps (paused and resumed once) with its
// loss chart and greedy samples, is saved in this browser with its manifest, survives a reload, and an experiment fine-tunes
// from it (from the "Fine-tune from this base" button and from a link naming it); a link naming a saved
// base this browser lacks says so instead of failing.
import { expect, test } from './fixtures';

test('a tiny base pretrains in the tab, is saved, and an experiment fine-tunes from it', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?view=pretrain');
  const view = page.getByRole('region', { name: 'Pretrain a base model' });
  await view.getByLabel('Name').fill('Tiny E2E');
  await view.getByLabel('Size', { exact: true }).selectOption('tiny');
  for (const [label, value] of [['Steps', '6'], ['Warmup steps', '0'], ['Batch size', '2'], ['Evaluate every', '3']] as const) {
    await view.getByLabel(label, { exact: true }).fill(value);
    await view.getByLabel(label, { exact: true }).blur();
  }
  await view.getByRole('button', { name: 'Start', exact: true }).click();
  // Pause holds the loop between steps (the step on screen stays put), Resume trains on to the end.
  await view.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(view.getByRole('status')).toHaveAttribute('data-state', 'paused', { timeout: 120_000 });
  const pausedAt = /^Paused: step ([0-5]) of 6/.exec((await view.getByRole('status').textContent()) ?? '');
  expect(pausedAt).not.toBeNull();
  // Unpaused, the 6 tiny steps and their evaluations end within these 5 s here (SwiftShader on 2 cores).
  await page.waitForTimeout(5000);
  await expect(view.getByRole('status')).toContainText(`Paused: step ${pausedAt![1]} of 6`);
  await expect(view.getByRole('status')).toHaveAttribute('data-state', 'paused');
  await view.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(view.getByRole('status')).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await expect(view.locator('[data-chart="pretrain-loss"] .recharts-line')).toHaveCount(2);
  // Evaluations at steps 0, 3 and 6, each with a greedy sample of the prompt.
  await expect(view.getByTestId('pretrain-samples').locator('li')).toHaveCount(3);
  await expect(view.getByTestId('pretrain-samples').locator('li').first()).toContainText('step 6: "The ');
  const saved = view.getByTestId('saved-bases').locator('li[data-base="u-tiny-e2e"]');
  await expect(saved).toContainText(/^Tiny E2E \(saved in this browser\): \d+k parameters \(d_model 32, 2 layers\), pretrained 6 steps here/);
  await expect(saved).toContainText(/Held-out loss: English \d\.\d{3}, code \d\.\d{3} nats\/byte · 768 bytes seen/);

  // Kept after a reload.
  await page.reload();
  await expect(view.getByTestId('saved-bases').locator('li[data-base="u-tiny-e2e"]')).toBeVisible();

  // The button switches to the experiment with this base chosen.
  await view.getByTestId('saved-bases').locator('li[data-base="u-tiny-e2e"]').getByRole('button', { name: 'Fine-tune from this base' }).click();
  await expect(page.getByRole('tab', { name: 'Experiment' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('group', { name: 'Data' }).getByLabel('Base model')).toHaveValue('u-tiny-e2e');

  // A link naming the saved base trains from it.
  await page.goto('/?v=1&preset=english-code&m=full&steps=2&evalEvery=1&evalBatches=1&div=0&base=u-tiny-e2e');
  await expect(page.getByRole('group', { name: 'Data' }).getByLabel('Base model')).toHaveValue('u-tiny-e2e');
  const panel = page.getByRole('region', { name: /Experiment/ });
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(panel.getByRole('status')).toHaveAttribute('data-state', 'done', { timeout: 200_000 });
  // Full fine-tuning trains every weight of the tiny model (26,784), not the shipped base's 115,008.
  await expect(page.locator('tr[data-method="full"]')).toContainText('26,784');
  await expect(page.locator('[data-chart="targetLoss"] .recharts-line')).toHaveCount(1);
  // The run names its base where it is described: the status table and the saved runs.
  await expect(page.getByTestId('run-base')).toContainText('base model Tiny E2E (saved in this browser): 27k parameters');
  await expect(page.locator('tr[data-run]').first()).toContainText('english-code, base u-tiny-e2e');
});

test('a link naming a saved base this browser does not have says so', async ({ page }) => {
  await page.goto('/?v=1&preset=english-code&m=full&steps=2&base=u-someone-elses');
  await expect(page.getByTestId('missing-base')).toContainText('“u-someone-elses” was pretrained in another browser and is not saved in this one');
  await expect(page.getByTestId('link-problems')).toHaveCount(0);
});
