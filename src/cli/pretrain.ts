// npm run pretrain: pretrains the base model on the english domain with the engine (Dawn in
// Node; SwiftShader on a machine without a GPU), reproducibly from a seed, with a progress
// bar and a periodic held-out loss, then writes the checkpoint and its manifest. The defaults
// (pretrain-options.ts) are the shipped base model's settings; the output goes to
// results/pretrain/base, and a shipped file under public/models is replaced only with --overwrite.
// --init PREFIX continues from a checkpoint of the same size, so a long pretraining can run in pieces.
// Usage: npm run pretrain -- --help

import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireDevice, createKernelContext } from '../engine/index';
import { checkpointBytes, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, loadCheckpoint, type CheckpointManifest } from '../experiment/checkpoint';
import { sha256Hex } from '../experiment/data/sha256';
import { heldOutBatches } from '../experiment/data/batching';
import { domainSource } from '../experiment/data/domains';
import { fsAssetSource, loadAssetsFromDisk } from '../experiment/data/node-assets';
import { heldOutLoss } from '../experiment/run/evaluate';
import { pretrainLoop } from '../experiment/pretrain/loop';
import { cliRecipe, continuedTraining, outputRefusal, parsePretrainArgs, PRETRAIN_USAGE, trainingSettings } from './pretrain-options';
import { printProgress, progressLine } from './progress';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let a: ReturnType<typeof parsePretrainArgs>;
try {
  a = parsePretrainArgs(process.argv.slice(2));
} catch (e) {
  console.error(`${e instanceof Error ? e.message : e}\n${PRETRAIN_USAGE}`);
  process.exit(2);
}

if (a.help) {
  console.log(PRETRAIN_USAGE);
  process.exit(0);
}

const refusal = outputRefusal(a.out, a.overwrite, REPO_ROOT);
if (refusal) {
  console.error(refusal);
  process.exit(1);
}

function codeVersion(): string {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main() {
  const version = codeVersion(); // at the start: the code that trains, not what HEAD is later
  const { steps, batch: B, seq: T, seed } = a;
  const recipe = cliRecipe(a);
  const config = recipe.model;
  const assets = await loadAssetsFromDisk();
  const heldOutOf = (domain: 'english' | 'code' | 'math') => heldOutBatches(domainSource(assets, { domain }, 'heldout'), B, T, a.evalBatches);
  const held = { english: heldOutOf('english'), code: heldOutOf('code'), math: heldOutOf('math') };
  const gpu = await acquireDevice();
  const ctx = createKernelContext(gpu.device);
  const info = gpu.adapterInfo;
  const device = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  const init = a.init ? await loadCheckpoint(fsAssetSource(dirname(a.init)), `${basename(a.init)}.json`) : null;
  if (init && JSON.stringify(init.manifest.config) !== JSON.stringify(config)) {
    throw new Error(`--init ${a.init}: its model config ${JSON.stringify(init.manifest.config)} is not the one --size ${a.size} --seq ${T} trains`);
  }
  // Skip the windows the earlier pieces drew (same seed and shape), so this piece sees new ones.
  const t = init?.manifest.training;
  const sameStream = !!t && t.seed === seed && t.batchSize === B && t.seqLen === T;
  if (init && t) {
    console.log(`continuing from ${a.init} (${t.steps} steps, held-out english ${init.manifest.heldOutLoss.english})` +
      (sameStream ? `; skipping the ${t.steps} batches it trained on` : '; its data stream differs (seed or shape), so batches start afresh'));
  }
  let t0 = performance.now();
  let lastEval = Number.NaN;
  let lossEma = Number.NaN;
  const out = a.out;
  const { bytes, heldOut, seconds } = await pretrainLoop(ctx, assets, recipe, {
    async evaluate(run, s) {
      if (s === 0) console.log(`pretraining ${run.memory().totalParams} parameters on english for ${steps} steps of ${B}×${T} bytes on ${device}`);
      lastEval = await heldOutLoss(run, held.english);
      if (s === 0) t0 = performance.now();
      else printProgress(progressLine(s, steps, t0, `train ${lossEma.toFixed(3)} held-out english ${lastEval.toFixed(3)}`), true);
    },
    step({ step: s, loss }) {
      lossEma = Number.isNaN(lossEma) ? loss : 0.95 * lossEma + 0.05 * loss;
      if (s % a.evalEvery !== 0 && s !== steps && s % 5 === 0) printProgress(progressLine(s, steps, t0, `train ${lossEma.toFixed(3)} held-out english ${lastEval.toFixed(3)}`));
    },
    async finish(run, p) {
      const heldOut = {
        english: await heldOutLoss(run, held.english),
        code: await heldOutLoss(run, held.code),
        math: await heldOutLoss(run, held.math),
      };
      return { bytes: checkpointBytes(await run.readBaseFlat()), heldOut, seconds: p.seconds };
    },
  }, { params: init?.params, skipBatches: sameStream ? t!.steps : 0 });
  mkdirSync(dirname(out), { recursive: true });
  const piece = { ...trainingSettings(a), seconds: Math.round(seconds), device, codeVersion: version };
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, file: `${basename(out)}.bin`, config,
    elements: bytes.length / 4, bytes: bytes.length, sha256: sha256Hex(bytes),
    training: init ? continuedTraining(init.manifest, piece) : piece,
    heldOutLoss: heldOut,
    createdAt: new Date().toISOString(),
  };
  writeFileSync(`${out}.bin`, bytes);
  writeFileSync(`${out}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${out}.bin (${bytes.length} bytes) and ${out}.json in ${Math.round(seconds)} s; held-out loss ${JSON.stringify(heldOut)}`);
  gpu.device.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
