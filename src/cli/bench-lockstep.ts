// Lockstep training of the default preset's methods (full fine-tuning, LoRA r = 1, 8, 64 at the
// base size) three ways, alternated block by block in one process so that other processes' load
// hits them alike: each method submitted and awaited in turn (the runner before issue 10's
// "no stalls"), all methods in one submit awaited every step (lookahead 0), and one submit per
// step with 2 steps queued behind the one being read back (lookahead 2, the runner's default).
// Reports ms per lockstep step (median of blocks, each block from an empty queue to an empty
// queue), CPU ms per step (SwiftShader's threads included) and submits per step, and checks that
// the three ways give the same losses.
// Usage: node scripts/node-gpu.js src/cli/bench-lockstep.ts [--size base] [--block 4] [--rounds 3] [--warmup 1]
//        [--out bench-results/bench-lockstep.json]

import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import {
  acquireDevice, createKernelContext, MODEL_SIZES, StepTimer, submitLockstep, TrainingRun, type StepInput, type StepResult,
} from '../engine/index';
import { DEFAULT_PRESET, PRESETS } from '../experiment/config';
import { methodRunOptions } from '../experiment/run/runner';
import { cliArgs, headerUsage } from './args';

const { values: args } = cliArgs(headerUsage(import.meta.url), {
  options: {
    size: { type: 'string', default: 'base' },
    block: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench-results/bench-lockstep.json' },
  },
});

type Mode = 'separate' | 'lockstep-0' | 'lockstep-2';
const MODES: Mode[] = ['separate', 'lockstep-0', 'lockstep-2'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `inputs` (one lockstep step each) the given way; returns each step's results. */
async function block(device: GPUDevice, mode: Mode, runs: TrainingRun[], inputs: StepInput[], timer: StepTimer | null): Promise<StepResult[][]> {
  if (mode === 'separate') {
    const out: StepResult[][] = [];
    for (const input of inputs) {
      const row: StepResult[] = [];
      for (const r of runs) row.push(await r.step(input));
      out.push(row);
    }
    return out;
  }
  const ahead = mode === 'lockstep-2' ? 2 : 0;
  const queued: Promise<StepResult[]>[] = [];
  const out: StepResult[][] = [];
  for (const input of inputs) {
    queued.push(submitLockstep(device, runs, runs.map(() => input), timer));
    if (queued.length > ahead) out.push(await queued.shift()!);
  }
  for (const q of queued) out.push(await q);
  return out;
}

async function main() {
  const gpu = await acquireDevice();
  const device = gpu.device;
  const ctx = createKernelContext(device);
  const a = gpu.adapterInfo;
  const adapter = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ');
  const preset = PRESETS[DEFAULT_PRESET].config;
  const size = args.size as keyof typeof MODEL_SIZES;
  const cfg = { ...preset, batchSize: size === 'tiny' ? 4 : preset.batchSize, seqLen: size === 'tiny' ? 32 : preset.seqLen };
  const blockSteps = Number(args.block);
  console.log(`adapter: ${adapter}; ${size} size, B=${cfg.batchSize} T=${cfg.seqLen}, methods ${preset.methods.map((m) => m.id).join(', ')}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  // One set of runs per mode, all from the same weights: their losses must agree step for step.
  const runsOf = () => Promise.all(preset.methods.map((m) => TrainingRun.create(ctx, { ...methodRunOptions(m, cfg, MODEL_SIZES[size]), label: m.id })));
  const runs = new Map<Mode, TrainingRun[]>();
  for (const mode of MODES) runs.set(mode, await runsOf());
  const timer = StepTimer.create(device);
  const V = MODEL_SIZES[size].vocabSize;
  const n = cfg.batchSize * cfg.seqLen;
  let stepNo = 0;
  const nextInputs = () => Array.from({ length: blockSteps }, () => {
    const s = stepNo++;
    return {
      tokens: Int32Array.from({ length: n }, (_, i) => (i * 31 + s * 7 + 7) % V),
      targets: Int32Array.from({ length: n }, (_, i) => (i * 17 + s * 5 + 3) % V), lr: 1e-3, dropoutSeed: s,
    };
  });
  const samples = new Map<Mode, { ms: number[]; cpu: number[]; submits: number[] }>(MODES.map((m) => [m, { ms: [], cpu: [], submits: [] }]));
  const losses = new Map<Mode, number[][]>(MODES.map((m) => [m, []]));
  const queue = device.queue;
  const submit = queue.submit.bind(queue);
  let submits = 0;
  queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
    submits++;
    submit(buffers);
  };
  const rounds = Number(args.warmup) + Number(args.rounds);
  for (let round = 0; round < rounds; round++) {
    const inputs = nextInputs();
    // The order rotates each round, so no mode always runs first (or right after another one).
    for (let k = 0; k < MODES.length; k++) {
      const mode = MODES[(k + round) % MODES.length];
      submits = 0;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const out = await block(device, mode, runs.get(mode)!, inputs, timer);
      const ms = (performance.now() - t0) / blockSteps;
      const c = process.cpuUsage(c0);
      losses.get(mode)!.push(...out.map((row) => row.map((r) => r.loss)));
      if (round < Number(args.warmup)) continue;
      const s = samples.get(mode)!;
      s.ms.push(ms);
      s.cpu.push((c.user + c.system) / 1000 / blockSteps);
      s.submits.push(submits / blockSteps);
    }
    console.log(`round ${round + 1}/${rounds} done; load ${loadavg()[0].toFixed(2)}`);
  }
  const same = MODES.every((m) => JSON.stringify(losses.get(m)) === JSON.stringify(losses.get('separate')));
  const base = median(samples.get('separate')!.ms);
  const rows = MODES.map((mode) => {
    const s = samples.get(mode)!;
    const ms = median(s.ms);
    return { mode, msPerStep: ms, min: Math.min(...s.ms), max: Math.max(...s.ms), vsSeparate: ms / base, cpuMsPerStep: median(s.cpu), submitsPerStep: median(s.submits) };
  });
  for (const r of rows) {
    console.log(`${r.mode.padEnd(11)} ms/lockstep-step=${r.msPerStep.toFixed(1).padStart(7)} [${r.min.toFixed(1)}–${r.max.toFixed(1)}] ×separate=${r.vsSeparate.toFixed(3)} cpu-ms/step=${r.cpuMsPerStep.toFixed(1)} submits/step=${r.submitsPerStep}`);
  }
  console.log(`losses identical across the three ways: ${same}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  mkdirSync(dirname(args.out!), { recursive: true });
  writeFileSync(args.out!, JSON.stringify({ date: new Date().toISOString(), adapter, size, blockSteps, rows, sameLosses: same, load: loadavg() }, null, 2));
  for (const rs of runs.values()) for (const r of rs) r.destroy();
  timer?.destroy();
  device.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
