// npm run pretrain: pretrains the base model on the english domain with the engine (Dawn in
// Node; SwiftShader on a machine without a GPU), reproducibly from a seed, with a progress
// bar and a periodic held-out loss, then writes the checkpoint and its manifest.
// Usage: npm run pretrain -- [--steps 1500] [--batch 8] [--seq 64] [--lr 3e-3] [--seed 1]
//                           [--eval-every 100] [--out public/models/base]

import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { acquireDevice, createKernelContext, learningRate, MODEL_SIZES, TrainingRun, type LrSchedule } from '../engine/index';
import { checkpointBytes, CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type CheckpointManifest } from '../experiment/checkpoint';
import { sha256Hex } from '../experiment/data/sha256';
import { Batcher, heldOutBatches } from '../experiment/data/batching';
import { domainSource } from '../experiment/data/domains';
import { loadAssetsFromDisk } from '../experiment/data/node-assets';
import { heldOutLoss } from '../experiment/evaluate';
import { printProgress, progressLine } from './progress';

const { values: a } = parseArgs({
  options: {
    steps: { type: 'string', default: '1500' },
    batch: { type: 'string', default: '8' },
    seq: { type: 'string', default: '64' },
    lr: { type: 'string', default: '3e-3' },
    warmup: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    'eval-every': { type: 'string', default: '100' },
    'eval-batches': { type: 'string', default: '8' },
    out: { type: 'string', default: 'public/models/base' },
    help: { type: 'boolean', default: false },
  },
});

if (a.help) {
  console.log('npm run pretrain -- [--steps N] [--batch B] [--seq T] [--lr LR] [--warmup N] [--seed S] [--eval-every N] [--eval-batches N] [--out PATH-PREFIX]');
  process.exit(0);
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
  const steps = Number(a.steps);
  const B = Number(a.batch);
  const T = Number(a.seq);
  const seed = Number(a.seed);
  const config = { ...MODEL_SIZES.base, seqLen: Math.max(MODEL_SIZES.base.seqLen, T) };
  const schedule: LrSchedule = { kind: 'cosine', lr: Number(a.lr), warmupSteps: Number(a.warmup), totalSteps: steps, minRatio: 0.1 };
  const assets = await loadAssetsFromDisk();
  const train = new Batcher(domainSource(assets, { domain: 'english' }, 'train'), { batchSize: B, seqLen: T, seed });
  const evalCount = Number(a['eval-batches']);
  const held = {
    english: heldOutBatches(domainSource(assets, { domain: 'english' }, 'heldout'), B, T, evalCount),
    code: heldOutBatches(domainSource(assets, { domain: 'code' }, 'heldout'), B, T, evalCount),
    math: heldOutBatches(domainSource(assets, { domain: 'math' }, 'heldout'), B, T, evalCount),
  };
  const gpu = await acquireDevice();
  const ctx = createKernelContext(gpu.device);
  const info = gpu.adapterInfo;
  const device = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  const run = await TrainingRun.create(ctx, {
    config, batchSize: B, seqLen: T, mode: 'full', seed, label: 'pretrain',
    optimizer: { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 },
  });
  console.log(`pretraining ${run.memory().totalParams} parameters on english for ${steps} steps of ${B}×${T} bytes on ${device}`);
  const t0 = performance.now();
  let lastEval = await heldOutLoss(run, held.english);
  let lossEma = Number.NaN;
  for (let s = 1; s <= steps; s++) {
    const r = await run.step({ ...train.next(), lr: learningRate(schedule, s) });
    if (!Number.isFinite(r.loss) || r.skipped) throw new Error(`training diverged at step ${s} (loss ${r.loss})`);
    lossEma = Number.isNaN(lossEma) ? r.loss : 0.95 * lossEma + 0.05 * r.loss;
    if (s % Number(a['eval-every']) === 0 || s === steps) {
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
  const out = a.out!;
  mkdirSync(dirname(out), { recursive: true });
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, file: `${basename(out)}.bin`, config,
    elements: params.length, bytes: bytes.length, sha256: sha256Hex(bytes),
    training: {
      seed, steps, tokensSeen: steps * B * T, batchSize: B, seqLen: T, lr: schedule.lr,
      schedule: `warmup ${schedule.warmupSteps} then cosine to ${schedule.minRatio}×`, seconds: Math.round(seconds), device,
      codeVersion: version,
    },
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
