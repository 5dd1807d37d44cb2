// npm run bench: the benchmark suite (src/experiment/bench/, the same code the benchmark page
// runs in its Worker) on whatever adapter Dawn offers (SwiftShader on a machine without a
// GPU): device peak (FMA GFLOP/s, copy GB/s), the engine's matmul variants at the model's
// shapes and at 1024³, and training steps (full and LoRA r = 1, 8, 64) with ms/step,
// tokens/s, dispatches and submits per step, each as a fraction of the measured peak.
// Peers in the same run, on the same Dawn device: tf.matMul (TensorFlow.js WebGPU backend),
// onnxruntime-web's WebGPU execution provider (one-node MatMul), and the model trained with TF.js.
// Prints the tables and writes one JSON report. `npm run bench:page` runs the same suite in
// headless Chromium instead (scripts/bench-page.mjs).
//
// Usage: npm run bench [-- options]
//   --quick                tiny shapes only, no 1024³, fewer repetitions (seconds on SwiftShader)
//   --sizes tiny,base      model sizes of the training-step benchmark (default tiny,base; quick: tiny; '' = none)
//   --matmul-sizes base,small  sizes whose layer shapes the matmul benchmark uses (default base,small; quick: tiny)
//   --cube / --no-cube     measure (or skip) the 1024³ matmul (default: on unless --quick)
//   --steps N              timed steps per method (default 5; quick 3)
//   --warmup N             discarded warm-up steps per method (default 2; quick 1)
//   --experiment           also time the default preset's whole experiment (minutes on SwiftShader)
//   --no-peers             skip TensorFlow.js and onnxruntime-web
//   --no-tf-step           skip the TF.js training-step peer (keeps the matmul peers)
//   --out FILE             JSON report (default bench-results/bench.json)
//   --markdown FILE        also write the tables as markdown

import { cpus, loadavg } from 'node:os';
import { acquireDevice, createKernelContext } from '../engine/index';
import { loadCheckpoint } from '../experiment/checkpoint';
import { DEFAULT_PRESET, PRESETS } from '../experiment/config';
import { fsAssetSource, loadAssetsFromDisk } from '../experiment/data/node-assets';
import { timeExperiment } from '../experiment/bench/experiment';
import { installNodePeerGlobals } from '../experiment/bench/peers/node-globals';
import type { SizeName } from '../experiment/bench/shapes';
import { runBenchSuite } from '../experiment/bench/suite';
import { cliArgs, headerUsage } from './args';
import { markdownReport, printReport, writeFile } from './bench-kernels';
import { printProgress } from './progress';

const { values: args } = cliArgs(headerUsage(import.meta.url), {
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    'matmul-sizes': { type: 'string' },
    cube: { type: 'boolean' },
    'no-cube': { type: 'boolean' },
    steps: { type: 'string' },
    warmup: { type: 'string' },
    experiment: { type: 'boolean', default: false },
    'no-peers': { type: 'boolean', default: false },
    'no-tf-step': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench-results/bench.json' },
    markdown: { type: 'string' },
  },
});

const sizes = (s: string | undefined): SizeName[] | undefined =>
  s === undefined ? undefined : (s.split(',').filter(Boolean) as SizeName[]);
const int = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number.parseInt(s, 10));

async function main() {
  const gpu = await acquireDevice();
  const ctx = createKernelContext(gpu.device);
  const a = gpu.adapterInfo;
  const adapter = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ');
  console.log(`adapter: ${adapter}`);
  if (!args['no-peers']) await installNodePeerGlobals(gpu.device);
  const experiment = args.experiment
    ? async () => {
      const preset = PRESETS[DEFAULT_PRESET].config;
      const [assets, base] = await Promise.all([
        loadAssetsFromDisk(),
        loadCheckpoint(fsAssetSource(new URL('../../public/models/', import.meta.url).pathname), `${preset.base}.json`),
      ]);
      return timeExperiment(ctx, { config: base.manifest.config, params: base.params }, assets, DEFAULT_PRESET, (step, of) => {
        if (step % 10 === 0) printProgress(`experiment ${DEFAULT_PRESET}: step ${step}/${of}`);
      });
    }
    : undefined;
  const report = await runBenchSuite(ctx, {
    adapter, software: gpu.isSoftware, runtime: 'node+dawn', quick: args.quick,
    host: () => `${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
    stepSizes: sizes(args.sizes), matmulSizes: sizes(args['matmul-sizes']),
    cube: args['no-cube'] ? false : args.cube, stepRepeats: int(args.steps), stepWarmups: int(args.warmup),
    experiment, peers: args['no-peers'] ? false : { tfStep: !args['no-tf-step'] },
    onProgress: (p) => printProgress(`[${p.phase}] ${p.message}`),
  });
  printProgress('', true);
  printReport(report);
  writeFile(args.out!, JSON.stringify(report, null, 2));
  console.log(`wrote ${args.out}`);
  if (args.markdown) {
    writeFile(args.markdown, markdownReport(report));
    console.log(`wrote ${args.markdown}`);
  }
  gpu.device.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
