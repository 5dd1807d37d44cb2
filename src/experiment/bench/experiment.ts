// Wall time of a whole experiment (by default the default preset: every method, all steps,
// evaluations included), run by the same ExperimentRunner the page uses: what a student waits for.

import type { KernelContext } from '../../engine/index';
import { DEFAULT_PRESET, PRESETS } from '../config';
import type { DataAssets } from '../data/assets';
import { ExperimentRunner, type BaseModel } from '../run/runner';
import type { ExperimentBench } from './report';

export async function timeExperiment(
  ctx: KernelContext, base: BaseModel, assets: DataAssets, preset = DEFAULT_PRESET, onStep?: (step: number, of: number) => void,
): Promise<ExperimentBench> {
  const config = PRESETS[preset].config;
  const last = config.methods[config.methods.length - 1].id;
  const t0 = performance.now();
  const runner = new ExperimentRunner(ctx, config, base, assets, (e) => {
    if (e.type === 'step' && e.point.method === last) onStep?.(e.point.step, config.steps);
  });
  try {
    await runner.init();
    await runner.run();
    return { preset, steps: config.steps, methods: config.methods.map((m) => m.label ?? m.id), wallMs: performance.now() - t0 };
  } finally {
    runner.destroy();
  }
}
