// Exports and imports in the browser: after a short run, every download produces a file of
// the right kind (ONNX that decodes with the expected graph, zips with the expected entries,
// safetensors that parse, a run JSON and CSV with every evaluation, SVG and PNG charts, the
// recipe zip, byte for byte what `npm run export -- --recipe` writes); bad uploads are refused with a message and change nothing; a run JSON comes
// back as a dashed overlay; a PEFT adapter comes back as a run whose step-0 target loss is
// the original run's; and onnxruntime-web generates text from an exported model.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import onnxProto from 'onnx-proto';
import { readSafetensors } from '../src/experiment/export/safetensors';
import { expect, test } from './fixtures';

async function save(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Uint8Array }> {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()]) as [Download, void];
  return { name: dl.suggestedFilename(), bytes: new Uint8Array(await readFile((await dl.path())!)) };
}

const entries = (zip: Uint8Array) => Object.keys(unzipSync(zip)).sort();
const csvRows = (b: Uint8Array) => new TextDecoder().decode(b).trim().split('\n');

test('downloads, imports and onnxruntime-web generation', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/?v=1&preset=english-code&m=full,r8&steps=2&evalEvery=2&evalBatches=1&div=0&bs=2&T=16');
  const panel = page.getByRole('region', { name: /Experiment/ });
  const status = page.locator('p.ll-status');
  await panel.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  const exp = page.getByRole('region', { name: 'Export and import' });
  const button = (name: string) => exp.getByRole('button', { name, exact: true });

  // Models of the LoRA method r8.
  await exp.getByLabel('Model to export').selectOption('r8');
  const onnx = await save(page, () => button('ONNX').click());
  expect(onnx.name).toMatch(/r8-step2\.onnx$/);
  const model = onnxProto.onnx.ModelProto.decode(onnx.bytes);
  expect(model.graph?.input?.map((i) => i.name)).toEqual(['input_ids']);
  expect(model.graph?.output?.map((o) => o.name)).toEqual(['logits']);
  expect(Number(model.opsetImport[0].version)).toBe(17);

  const peft = await save(page, () => button('PEFT adapter').click());
  expect(entries(peft.bytes)).toEqual(['README.md', 'adapter_config.json', 'adapter_model.safetensors', 'base/config.json', 'base/model.safetensors']);
  const pf = unzipSync(peft.bytes);
  expect(JSON.parse(new TextDecoder().decode(pf['adapter_config.json']))).toMatchObject({ peft_type: 'LORA', r: 8, lora_alpha: 16 });
  const adapter = readSafetensors(pf['adapter_model.safetensors']);
  expect(adapter.tensors[0]).toMatchObject({ name: 'base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight', shape: [8, 64] });

  const hf = await save(page, () => button('safetensors (transformers folder)').click());
  expect(entries(hf.bytes)).toEqual(['README.md', 'config.json', 'model.safetensors']);
  expect(readSafetensors(unzipSync(hf.bytes)['model.safetensors']).tensors.map((t) => t.name)).toContain('model.layers.1.mlp.down_proj.weight');

  // Results.
  const json = await save(page, () => button('Run JSON').click());
  const run = JSON.parse(new TextDecoder().decode(json.bytes));
  expect(run).toMatchObject({ format: 'lora-lab-run', version: 1 });
  expect(run.evals).toHaveLength(4); // two methods, evaluated at steps 0 and 2
  expect(run.base.description).toContain('byte-level Llama-style');
  const csv = csvRows((await save(page, () => button('CSV').click())).bytes);
  expect(csv).toHaveLength(5);
  const col = (row: string, name: string) => row.split(',')[csv[0].split(',').indexOf(name)];
  const r8Final = csv.find((r) => col(r, 'method') === 'r8' && col(r, 'step') === '2')!;

  // Charts.
  const chart = page.locator('[data-chart="targetLoss"]');
  const svg = await save(page, () => chart.getByRole('button', { name: /SVG/ }).click());
  expect(new TextDecoder().decode(svg.bytes)).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const png = await save(page, () => chart.getByRole('button', { name: /PNG/ }).click());
  expect(Array.from(png.bytes.slice(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);

  // Any chart on the page, through the panel's chart picker.
  await exp.getByLabel('Chart', { exact: true }).selectOption('Learn vs forget');
  const picked = await save(page, () => exp.getByRole('button', { name: 'PNG', exact: true }).click());
  expect(picked.name).toBe('learn-vs-forget.png');
  expect(Array.from(picked.bytes.slice(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);

  // The recipe.
  const recipe = await save(page, () => exp.getByRole('button', { name: 'Download recipe (zip)' }).click());
  expect(entries(recipe.bytes).map((n) => n.replace(/^[^/]+\//, ''))).toEqual(expect.arrayContaining(['train.py', 'run_all.sh', 'eval.sh', 'plot.py', 'requirements.txt', 'README.md', 'accelerate/one_gpu.yaml']));
  // `npm run export -- --recipe` writes the same bytes for the same experiment (the zip's own experiment.json).
  const dir = await mkdtemp(join(tmpdir(), 'recipe-'));
  await writeFile(join(dir, 'experiment.json'), unzipSync(recipe.bytes)['lora-lab-english-code-at-scale/experiment.json']);
  const cli = spawnSync(process.execPath, ['scripts/node-gpu.js', 'src/cli/export.ts', '--recipe', '--config', join(dir, 'experiment.json'), '--preset', 'english-code', '--out', dir], { encoding: 'utf8' });
  expect(cli.stderr).toBe('');
  expect(Buffer.from(await readFile(join(dir, recipe.name))).equals(Buffer.from(recipe.bytes))).toBe(true);

  // Bad uploads are refused and change nothing.
  const input = exp.getByLabel('Import an adapter or a run JSON');
  const note = exp.getByTestId('import-note');
  const lines = page.locator('[data-chart="targetLoss"] .recharts-line');
  await expect(lines).toHaveCount(2);
  const bad: Array<[string, Buffer, RegExp]> = [
    ['junk.bin', Buffer.from([1, 2, 3, 4]), /could not recognise junk.bin/],
    ['cut.zip', Buffer.from(peft.bytes.slice(0, peft.bytes.length - 40)), /not a readable zip/],
    ['run.json', Buffer.from(JSON.stringify({ ...run, format: 'something-else' })), /not a LoRA Lab run file/],
    ['adapter_model.safetensors', Buffer.from(pf['adapter_model.safetensors']), /needs both/],
  ];
  for (const [name, buffer, msg] of bad) {
    await input.setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
    await expect(note).toContainText(msg);
    await expect(note).toContainText('nothing changed');
  }
  await expect(lines).toHaveCount(2);
  await expect(status).toHaveAttribute('data-state', 'done');

  // A run JSON comes back as a dashed overlay.
  await input.setInputFiles({ name: json.name, mimeType: 'application/json', buffer: Buffer.from(json.bytes) });
  await expect(note).toContainText('drawn dashed');
  await expect(lines).toHaveCount(4);

  // onnxruntime-web generates from the exported model and says which runtime did.
  const gen = page.getByRole('group', { name: 'Generate with onnxruntime-web' });
  await gen.getByLabel('Model', { exact: true }).selectOption('r8');
  await gen.getByLabel('Runtime').selectOption('wasm');
  await gen.getByRole('button', { name: 'Generate with onnxruntime-web' }).click();
  await expect(gen.getByTestId('ort-runtime')).toContainText(/Produced by onnxruntime-web [\d.]+, wasm execution provider/, { timeout: 60_000 });
  await expect(gen.locator('.ll-ort-text')).not.toHaveText('The ');
  await expect(gen.getByText('Context: the last 64 bytes (the model’s max_sequence_length).')).toBeVisible();
  // WebGPU where the browser has it (SwiftShader here); the page names whichever runtime ran.
  await gen.getByLabel('Runtime').selectOption('auto');
  await gen.getByRole('button', { name: 'Generate with onnxruntime-web' }).click();
  await expect(gen.getByTestId('ort-runtime')).toContainText(/Produced by onnxruntime-web [\d.]+, (WebGPU execution provider|wasm execution provider \(CPU; WebGPU)/, { timeout: 60_000 });
  console.log(`auto runtime: ${await gen.getByTestId('ort-runtime').textContent()}`);

  // A PEFT adapter comes back as a new run; step 0 evaluates the uploaded weights.
  await input.setInputFiles({ name: peft.name, mimeType: 'application/zip', buffer: Buffer.from(peft.bytes) });
  await expect(note).toContainText('Imported a LoRA adapter (r=8');
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 240_000 });
  await expect(page.locator('tr[data-method]')).toHaveCount(1);
  const csv2 = csvRows((await save(page, () => button('CSV').click())).bytes);
  const step0 = csv2.find((r) => col(r, 'method') === 'imported' && col(r, 'step') === '0')!;
  expect(Number(col(step0, 'target_loss'))).toBe(Number(col(r8Final, 'target_loss')));
  expect(Number(col(step0, 'source_loss'))).toBe(Number(col(r8Final, 'source_loss')));
  await page.screenshot({ path: 'test-results/export.png', fullPage: true });
});
