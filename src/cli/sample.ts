// npm run sample: continuations of a prompt from a base model, so a base's text can be read without
// the page: a shipped base by name, or a pretraining's output by PATH-PREFIX (PREFIX.json + PREFIX.bin,
// checked against the manifest's SHA-256). Greedy by default; --temperature samples.
// Usage: npm run sample -- --help

import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { acquireDevice, createKernelContext, generate, TrainingRun } from '../engine/index';
import { isShippedBase } from '../experiment/bases';
import { loadCheckpoint } from '../experiment/checkpoint';
import { decode, encode } from '../experiment/data/index';
import { fsAssetSource } from '../experiment/data/node-assets';

const USAGE =
  'npm run sample -- [--base NAME|PATH-PREFIX] [--prompt TEXT] [--tokens N] [--samples N] [--temperature X] [--seed N]\n' +
  '  --base         a shipped base (base, small) or a checkpoint prefix such as results/pretrain/base (default base)\n' +
  '  --prompt       the text to continue (default "The ")\n' +
  '  --tokens       bytes to generate per sample (default 64)\n' +
  '  --samples      how many continuations (default 1; they differ only when --temperature > 0)\n' +
  '  --temperature  0 is greedy (default); above 0 samples from the softmax at that temperature\n' +
  '  --seed         seeds the sampling (default 1)';

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function num(v: string | undefined, name: string, fallback: number, { min = 0, whole = true } = {}): number {
  if (v === undefined) return fallback;
  const x = Number(v);
  if (v === '' || !Number.isFinite(x) || x < min || (whole && !Number.isInteger(x))) fail(`--${name} must be ${whole ? 'a whole number' : 'a number'} ≥ ${min} (got ${v})`);
  return x;
}

const { values: v } = (() => {
  try {
    return parseArgs({
      options: {
        base: { type: 'string' }, prompt: { type: 'string' }, tokens: { type: 'string' }, samples: { type: 'string' },
        temperature: { type: 'string' }, seed: { type: 'string' }, help: { type: 'boolean' },
      },
    });
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
})();

if (v.help) {
  console.log(USAGE);
  process.exit(0);
}

const base = v.base ?? 'base';
const prompt = v.prompt ?? 'The ';
const tokens = num(v.tokens, 'tokens', 64, { min: 1 });
const samples = num(v.samples, 'samples', 1, { min: 1 });
const temperature = num(v.temperature, 'temperature', 0, { whole: false });
const seed = num(v.seed, 'seed', 1);
if (prompt === '') fail('--prompt must not be empty');
if (samples > 64) fail('--samples must be at most 64');

async function main() {
  const [dir, name] = isShippedBase(base) ? ['public/models', base] : [dirname(base), basename(base)];
  const { manifest, params } = await loadCheckpoint(fsAssetSource(dir), `${name}.json`);
  const gpu = await acquireDevice();
  const ctx = createKernelContext(gpu.device);
  const run = await TrainingRun.create(ctx, {
    config: manifest.config, batchSize: samples, seqLen: manifest.config.seqLen, mode: 'full', seed, label: 'sample', baseParams: params,
  });
  const t = manifest.training;
  console.log(`${base}: ${manifest.elements} parameters, pretrained ${t.steps} steps (${t.tokensSeen} bytes); held-out English ${manifest.heldOutLoss.english?.toFixed(3)} nats/byte`);
  console.log(`${temperature === 0 ? 'greedy' : `temperature ${temperature}`}, ${tokens} bytes after ${JSON.stringify(prompt)}:`);
  const ids = Array.from(encode(prompt));
  const gens = await generate(run, Array.from({ length: samples }, () => ids), { maxTokens: tokens, seed, temperature, topK: 0, topP: 1 });
  for (const g of gens) console.log(JSON.stringify(prompt + decode(g.tokens)));
  run.destroy();
  gpu.device.destroy();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
