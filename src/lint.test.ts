// Proves that the layering rule in eslint.config.js fires: every forbidden import direction
// (ui → experiment → engine → shaders, cli over experiment and engine) is reported, and the
// allowed ones are not. Runs ESLint's Node API on synthetic snippets; the files need not exist.
import { ESLint, Linter } from 'eslint';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { noCycle } from '../scripts/eslint-no-cycle.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });

const LAYER_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax']);

async function restrictedImportErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const messages = result?.messages ?? [];
  const fatal = messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`${filePath}: ${fatal.map((m) => m.message).join('; ')}`);
  return messages.filter((m) => LAYER_RULES.has(m.ruleId ?? '') && m.severity === 2).map((m) => m.message);
}

/** [file doing the import, import statement] pairs that must be rejected. */
const FORBIDDEN: [string, string][] = [
  // engine imports nothing above it
  ['src/engine/index.ts', `import { runExperiment } from './../experiment/runner';`],
  ['src/engine/gpu/device.ts', `import type { ExperimentConfig } from '../../experiment/config';`],
  ['src/engine/model/lora/adapter.ts', `import { x } from '../../../experiment/data/tokenizer.js';`],
  ['src/engine/kernels/matmul.ts', `export { useStore } from '../../ui/store';`],
  ['src/engine/optim/adamw.ts', `const m = await import('../../cli/bench');`],
  ['src/engine/kernels/attention.ts', `new Worker(new URL('../../ui/worker.ts', import.meta.url));`],
  ['src/engine/gpu/buffers.ts', `import React from 'react';`],
  ['src/engine/gpu/buffers.ts', `const { create } = await import('zustand');`],
  ['src/engine/gpu/buffers.ts', `import { jsx } from 'react/jsx-runtime';`],
  ['src/engine/gpu/buffers.ts', `import { create } from 'zustand';`],
  ['src/engine/gpu/buffers.ts', `import { LineChart } from 'recharts';`],
  // production engine code does not use the float64 reference it is tested against
  ['src/engine/model/run.ts', `import { hash_u32 } from '../reference/rng';`],
  ['src/engine/kernels/lora_dropout.ts', `import { dropout_keep } from '../reference/rng.js';`],
  ['src/engine/index.ts', `export { model_forward_backward } from './reference/model';`],
  ['src/engine/model/init.ts', `const { Rng } = await import('../reference/rng');`],
  // and the stricter rule for production files still carries the layer's own restrictions
  ['src/engine/model/run.ts', `import type { ExperimentConfig } from '../../experiment/config';`],
  ['src/engine/model/run.ts', `import { useState } from 'react';`],
  // experiment does not reach up into ui or cli, nor around engine into shaders
  ['src/experiment/runner.ts', `import { App } from '../ui/App';`],
  ['src/experiment/data/batches.ts', `import '../../ui/store/runs';`],
  ['src/experiment/runner.ts', `import { main } from '../cli/experiment';`],
  ['src/experiment/worker.ts', `import src from '../../shaders/matmul.wgsl?raw';`],
  ['src/experiment/runner.ts', `import { useShallow } from 'zustand/react/shallow';`],
  ['src/experiment/protocol.ts', `import { useState } from 'react';`],
  ['src/experiment/runner.ts', `import { ResponsiveContainer } from 'recharts';`],
  // ui goes through experiment only
  ['src/ui/App.tsx', `import { acquireDevice } from '../engine/gpu/device';`],
  ['src/ui/App.tsx', `import * as engine from '../engine';`],
  ['src/ui/components/charts/LossChart.tsx', `import type { LlamaConfig } from '../../../engine/index';`],
  ['src/ui/store/runs.ts', `import { parse } from '../../cli/args';`],
  ['src/ui/App.tsx', `import src from '../../shaders/matmul.wgsl?raw';`],
  ['src/ui/App.tsx', `new Worker(new URL('../engine/worker.ts', import.meta.url), { type: 'module' });`],
  ['src/ui/App.tsx', `const engine = await import('../engine/index.js');`],
  // ui loads no module that holds a GPU loop (they run in the Worker), not even for a type
  ['src/ui/store/client.ts', `import { SweepRunner } from '../../experiment/sweep/runner';`],
  ['src/ui/views/pretrain/PretrainView.tsx', `import { pretrainLoop } from '../../../experiment/pretrain/loop';`],
  ['src/ui/views/pretrain/PretrainView.tsx', `import { pretrainBase } from '../../../experiment/pretrain/base';`],
  ['src/ui/store/experiment.ts', `import type { ExperimentCheckpoint } from '../../experiment/run/runner';`],
  ['src/ui/App.tsx', `import type { RunHost } from '../experiment/worker/run-host';`],
  // cli may use experiment and engine, not ui
  ['src/cli/bench.ts', `import { App } from '../ui/App';`],
];

/** Imports that the layering allows. */
const ALLOWED: [string, string][] = [
  ['src/engine/kernels/matmul.ts', `import code from '../../../shaders/matmul.wgsl?raw';\nimport { prepare } from './kernel';\nexport { code, prepare };`],
  ['src/engine/index.ts', `export { acquireDevice } from './gpu/device';`],
  ['src/engine/model/run.ts', `import { hash_u32 } from '../util/rng';\nexport { hash_u32 };`],
  ['src/engine/reference/rng.ts', `export { Rng } from '../util/rng';`],
  ['src/engine/model/model.test.ts', `import { model_forward_backward } from '../reference/model';\nexport { model_forward_backward };`],
  ['src/engine/model/testkit.ts', `import { Rng } from '../reference/rng';\nexport { Rng };`],
  ['src/engine/testing/gpu.ts', `import type { ParamMap } from '../reference/types';\nexport type { ParamMap };`],
  ['src/experiment/runner.ts', `import { acquireDevice } from '../engine';\nimport type { LlamaConfig } from '../engine/index';\nexport { acquireDevice, type LlamaConfig };`],
  ['src/experiment/data/batches.ts', `import { encode } from '../tokenizer';\nexport { encode };`],
  ['src/experiment/runner.ts', `const m = await import('../engine/index.js');\nexport { m };`],
  ['src/ui/App.tsx', `import { useState } from 'react';\nimport { create } from 'zustand';\nimport type { ExperimentConfig } from '../experiment/config';\nimport { decodeConfig } from '../experiment/share';\nexport { useState, create, decodeConfig, type ExperimentConfig };`],
  ['src/ui/store/worker.ts', `export const w = new Worker(new URL('../../experiment/worker.ts', import.meta.url), { type: 'module' });`],
  ['src/ui/components/controls/Slider.tsx', `import type { WorkerEvent } from '../../../experiment/protocol';\nexport type { WorkerEvent };`],
  ['src/ui/store/sweep.ts', `import { expandSweep } from '../../experiment/sweep/config';\nimport { sizeLabel } from '../../experiment/pretrain/settings';\nexport { expandSweep, sizeLabel };`],
  ['src/cli/bench.ts', `import { acquireDevice } from '../engine';\nimport { runExperiment } from '../experiment/runner';\nexport { acquireDevice, runExperiment };`],
];

describe('layering lint rule (ui → experiment → engine → shaders)', () => {
  it.each(FORBIDDEN)('rejects, in %s: %s', async (filePath, code) => {
    const errors = await restrictedImportErrors(filePath, code);
    expect(errors.length, `no error reported for ${code}`).toBeGreaterThan(0);
  });

  it.each(ALLOWED)('allows, in %s: %s', async (filePath, code) => {
    const [result] = await eslint.lintText(code, { filePath });
    expect(result?.messages ?? []).toEqual([]);
  });

  it('names the rule that was broken in its message', async () => {
    const [message] = await restrictedImportErrors('src/ui/App.tsx', `import '../engine/gpu/device';`);
    expect(message).toMatch(/src\/ui must not import from src\/engine/);
  });
});

describe('no-cycle lint rule', () => {
  /** Lints `a.ts` of a throwaway folder holding `files` (the rule reads the import graph from disk). */
  function cycleErrors(files: Record<string, string>): string[] {
    const dir = mkdtempSync(join(tmpdir(), 'no-cycle-'));
    try {
      for (const [name, code] of Object.entries(files)) writeFileSync(join(dir, name), code);
      const linter = new Linter({ configType: 'flat', cwd: dir });
      const config = [{
        files: ['**/*.ts'], languageOptions: { parser: tseslint.parser },
        plugins: { 'lora-lab': { rules: { 'no-cycle': noCycle } } }, rules: { 'lora-lab/no-cycle': 'error' as const },
      }];
      return linter.verify(files['a.ts'], config, join(dir, 'a.ts')).map((m) => m.message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('reports a circle closed by a value import, a type import, a re-export or a dynamic import', () => {
    expect(cycleErrors({ 'a.ts': `import { b } from './b';\nexport const a = b;`, 'b.ts': `import { c } from './c';\nexport const b = c;`, 'c.ts': `import { a } from './a';\nexport const c = a;` }))
      .toEqual([expect.stringMatching(/Import circle: .*a\.ts → .*b\.ts → .*c\.ts → .*a\.ts/)]);
    expect(cycleErrors({ 'a.ts': `import type { B } from './b';\nexport type A = B;`, 'b.ts': `import type { A } from './a';\nexport type B = A | 1;` })).toHaveLength(1);
    expect(cycleErrors({ 'a.ts': `export { b } from './b.js';`, 'b.ts': `export * from './a';` })).toHaveLength(1);
    expect(cycleErrors({ 'a.ts': `export const load = () => import('./b');`, 'b.ts': `import './a';` })).toHaveLength(1);
  });

  it('allows a chain with no way back, and packages and ?raw assets', () => {
    expect(cycleErrors({ 'a.ts': `import { b } from './b';\nimport { z } from 'zod';\nimport s from './a.wgsl?raw';\nexport { b, z, s };`, 'b.ts': `export const b = 1;` })).toEqual([]);
  });

  it('is on for every file of src/', async () => {
    for (const file of ['src/experiment/protocol.ts', 'src/ui/App.tsx', 'src/engine/index.ts', 'src/cli/sweep.ts']) {
      const config = await eslint.calculateConfigForFile(file);
      expect(config.rules['lora-lab/no-cycle'], file).toEqual([2]);
    }
  });
});
