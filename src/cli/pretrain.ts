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
import { acquireDevice, createKernelContext, learningRate, TrainingRun } from '../engine/index';
import { checkpointBytes, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, loadCheckpoint, type CheckpointManifest } from '../experiment/checkpoint';
import { sha256Hex } from '../experiment/data/sha256';
import { Batcher, heldOutBatches } from '../experiment/data/batching';
import { domainSource } from '../experiment/data/domains';
import { fsAssetSource, loadAssetsFromDisk } from '../experiment/data/node-assets';
import { heldOutLoss } from '../experiment/run/evaluate';
import {
  continuedTraining, outputRefusal, parsePretrainArgs, PRETRAIN_OPTIMIZER, PRETRAIN_USAGE, pretrainModelConfig, pretrainSchedule, trainingSettings,
} from './pretrain-options';
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
  const config = pretrainModelConfig(a);
  const schedule = pretrainSchedule(a);
  const assets = await loadAssetsFromDisk();
  const train = new Batcher(domainSource(assets, { domain: 'english' }, 'train'), { batchSize: B, seqLen: T, seed });
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
  const run = await TrainingRun.create(ctx, {
    config, batchSize: B, seqLen: T, mode: 'full', seed, label: 'pretrain', optimizer: PRETRAIN_OPTIMIZER, baseParams: init?.params,
  });
  if (init) {
    // Skip the windows the earlier pieces drew (same seed and shape), so this piece sees new ones.
    const t = init.manifest.training;
    const sameStream = t.seed === seed && t.batchSize === B && t.seqLen === T;
    if (sameStream) train.skip(t.steps);
    console.log(`continuing from ${a.init} (${t.steps} steps, held-out english ${init.manifest.heldOutLoss.english})` +
      (sameStream ? `; skipping the ${t.steps} batches it trained on` : '; its data stream differs (seed or shape), so batches start afresh'));
  }
  console.log(`pretraining ${run.memory().totalParams} parameters on english for ${steps} steps of ${B}×${T} bytes on ${device}`);
  const t0 = performance.now();
  let lastEval = await heldOutLoss(run, held.english);
  let lossEma = Number.NaN;
  for (let s = 1; s <= steps; s++) {
    const r = await run.step({ ...train.next(), lr: learningRate(schedule, s) });
    if (!Number.isFinite(r.loss) || r.skipped) throw new Error(`training diverged at step ${s} (loss ${r.loss})`);
    lossEma = Number.isNaN(lossEma) ? r.loss : 0.95 * lossEma + 0.05 * r.loss;
    if (s % a.evalEvery === 0 || s === steps) {
      lastEval = await heldOutLoss(run, held.english);
      printProgress(progressLine(s, steps, t0, `train ${lossEma.toFixed(3)} held-out english ${lastEval.toFixed(3)}`), true);
    } else if (s % 5 === 0) {
      printProgress(progressLine(s, steps, t0, `train ${lossEma.toFixed(3)} held-out english ${lastEval.toFixed(3)}`));
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  const heldOut = {
    english: await heldOutLoss(run, held.english),
    code: await heldOutLoss(run, held.code),
    math: await heldOutLoss(run, held.math),
  };
  const params = await run.readBaseFlat();
  const bytes = checkpointBytes(params);
  const out = a.out;
  mkdirSync(dirname(out), { recursive: true });
  const piece = { ...trainingSettings(a), seconds: Math.round(seconds), device, codeVersion: version };
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, file: `${basename(out)}.bin`, config,
    elements: params.length, bytes: bytes.length, sha256: sha256Hex(bytes),
    training: init ? continuedTraining(init.manifest, piece) : piece,
    heldOutLoss: heldOut,
    createdAt: new Date().toISOString(),
  };
  writeFileSync(`${out}.bin`, bytes);
  writeFileSync(`${out}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${out}.bin (${bytes.length} bytes) and ${out}.json in ${Math.round(seconds)} s; held-out loss ${JSON.stringify(heldOut)}`);
  run.destroy();
  gpu.device.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
