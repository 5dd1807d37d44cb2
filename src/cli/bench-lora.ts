// LoRA-versus-full step cost, measured side by side in one process (Node + Dawn on whatever
// adapter it gets): ms/step and dispatches/step for full fine-tuning and LoRA r = 1, 8, 64
// on all seven projections, the methods alternated step by step so that load from other
// processes hits them alike; medians and spreads. Also the process's CPU time per step
// (SwiftShader's threads included), which other processes' load disturbs less than wall time. With --profile, each dispatch of one step
// is also submitted alone and timed, summed by kernel label, to show where a step goes.
// With --baseline DIR (a checkout of another commit, e.g. `git archive HEAD | tar -x -C DIR`
// with node_modules linked), that checkout's engine runs the same methods on the same device,
// alternated with this one: a before/after comparison in one process. Besides ratios of medians,
// it prints medians of step-by-step ratios (paired×full, paired×baseline), which load from other
// processes disturbs less.
// Usage: node scripts/node-gpu.js src/cli/bench-lora.ts [--sizes tiny,base] [--ranks 1,8,64]
//        [--steps 7] [--warmup 2] [--profile] [--baseline DIR] [--out bench-results/bench-lora.json]

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as engine from '../engine/index';
import { acquireDevice, MODEL_SIZES, TARGET_GROUPS, type KernelContext, type TrainingRun } from '../engine/index';
import { cliArgs, headerUsage } from './args';
import { profileDispatches } from './dispatch-profile';

const { values: args } = cliArgs(headerUsage(import.meta.url), {
  options: {
    sizes: { type: 'string', default: 'tiny,base' },
    ranks: { type: 'string', default: '1,8,64' },
    steps: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '2' },
    profile: { type: 'boolean', default: false },
    baseline: { type: 'string' },
    out: { type: 'string', default: 'bench-results/bench-lora.json' },
  },
});

const BATCH: Record<string, [number, number]> = { tiny: [4, 32], base: [8, 64], small: [8, 128] };

type Engine = Pick<typeof engine, 'TrainingRun' | 'createKernelContext'>;

interface Method { name: string; rank: number | null; engine: Engine; ctx: KernelContext }

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function createRun(size: keyof typeof MODEL_SIZES, m: Method): Promise<TrainingRun> {
  const [B, T] = BATCH[size];
  return m.engine.TrainingRun.create(m.ctx, {
    config: MODEL_SIZES[size], batchSize: B, seqLen: T, mode: m.rank === null ? 'full' : 'lora', seed: 1,
    lora: m.rank === null ? undefined : { rank: m.rank, alpha: 2 * m.rank, targets: TARGET_GROUPS.all, scaling: 'standard', dropout: 0 },
  });
}

async function benchSize(ctx: KernelContext, size: keyof typeof MODEL_SIZES, methods: Method[]) {
  const [B, T] = BATCH[size];
  const cfg = MODEL_SIZES[size];
  const runs = await Promise.all(methods.map((m) => createRun(size, m)));
  const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 31 + 7) % cfg.vocabSize);
  const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 17 + 3) % cfg.vocabSize);
  const times: number[][] = methods.map(() => []);
  const cpu: number[][] = methods.map(() => []);
  const losses: number[][] = methods.map(() => []);
  const total = Number(args.warmup) + Number(args.steps);
  for (let s = 0; s < total; s++) {
    for (let i = 0; i < runs.length; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const r = await runs[i].step({ tokens, targets, lr: 1e-3 });
      const c = process.cpuUsage(c0);
      if (s >= Number(args.warmup)) {
        times[i].push(performance.now() - t0);
        cpu[i].push((c.user + c.system) / 1000);
      }
      losses[i].push(r.loss);
    }
  }
  const rows = methods.map((m, i) => {
    const ms = median(times[i]);
    const fullIndex = methods.findIndex((f) => f.rank === null && f.engine === m.engine);
    const fullMs = median(times[fullIndex]);
    // Median of step-by-step ratios: each LoRA step against the full step run right next to it,
    // which shares its load from other processes better than two medians over the whole run do.
    const paired = median(times[i].map((v, s) => v / times[fullIndex][s]));
    // With --baseline: this method against the baseline's same method, step by step.
    const before = methods.findIndex((f) => f.rank === m.rank && f.engine !== m.engine && f.engine !== engine);
    const pairedVsBaseline = m.engine === engine && before >= 0 ? median(times[i].map((v, s) => v / times[before][s])) : null;
    return {
      size, B, T, method: m.name, dispatches: runs[i].dispatchesPerStep, msPerStep: ms,
      min: Math.min(...times[i]), max: Math.max(...times[i]), vsFull: ms / fullMs, pairedVsFull: paired, pairedVsBaseline,
      cpuMsPerStep: median(cpu[i]), cpuVsFull: median(cpu[i]) / median(cpu[fullIndex]),
      trainable: runs[i].memory().trainableParams, firstLoss: losses[i][0],
    };
  });
  for (const r of rows) {
    console.log(
      `${size.padEnd(5)} ${r.method.padEnd(16)} dispatches/step=${String(r.dispatches).padStart(4)} ` +
      `ms/step=${r.msPerStep.toFixed(1).padStart(7)} [${r.min.toFixed(1)}–${r.max.toFixed(1)}] ×full=${r.vsFull.toFixed(2)} ` +
      `paired×full=${r.pairedVsFull.toFixed(2)} ` +
      (r.pairedVsBaseline === null ? '' : `paired×baseline=${r.pairedVsBaseline.toFixed(2)} `) +
      `cpu-ms/step=${r.cpuMsPerStep.toFixed(1).padStart(7)} ×full=${r.cpuVsFull.toFixed(2)}`,
    );
  }
  const profiles: Record<string, Array<{ label: string; n: number; ms: number }>> = {};
  if (args.profile) {
    for (let i = 0; i < runs.length; i++) {
      const p = await profileDispatches(ctx, runs[i]);
      profiles[methods[i].name] = p;
      console.log(`  profile ${size} ${methods[i].name}: ${p.map((e) => `${e.label}×${e.n} ${e.ms.toFixed(1)}`).join(', ')}`);
    }
  }
  for (const r of runs) r.destroy();
  return { rows, profiles };
}

async function main() {
  const gpu = await acquireDevice();
  const ctx = engine.createKernelContext(gpu.device);
  const a = gpu.adapterInfo;
  const device = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' / ');
  console.log(`adapter: ${device}`);
  const engines: Array<{ tag: string; engine: Engine }> = [{ tag: '', engine }];
  if (args.baseline) {
    const before = (await import(resolve(args.baseline, 'src/engine/index.ts'))) as Engine;
    engines.unshift({ tag: ' (baseline)', engine: before });
  }
  const methods: Method[] = engines.flatMap(({ tag, engine: e }) => {
    const c = e === engine ? ctx : e.createKernelContext(gpu.device);
    return [
      { name: `full${tag}`, rank: null, engine: e, ctx: c },
      ...args.ranks!.split(',').map((r) => ({ name: `lora r=${r}${tag}`, rank: Number(r), engine: e, ctx: c })),
    ];
  });
  const results = [];
  for (const size of args.sizes!.split(',') as Array<keyof typeof MODEL_SIZES>) results.push(await benchSize(ctx, size, methods));
  mkdirSync(dirname(args.out!), { recursive: true });
  writeFileSync(args.out!, JSON.stringify({ date: new Date().toISOString(), device, results }, null, 2));
  console.log(`wrote ${args.out}`);
  gpu.device.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
