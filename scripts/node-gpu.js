#!/usr/bin/env node
// Runs a TypeScript entry point (through tsx) with the GPU environment from gpu-env.js.
// Usage: node scripts/node-gpu.js src/cli/bench.ts [args...]
import { spawnSync } from 'node:child_process';
import { gpuEnvForNode } from './gpu-env.js';

const env = { ...process.env, ...gpuEnvForNode(process.env) };
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/node-gpu.js <entry.ts> [args...]');
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', new URL('./register-wgsl.js', import.meta.url).href, entry, ...args], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
