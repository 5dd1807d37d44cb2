// Bringing an imported PEFT adapter back into the playground: an experiment whose one LoRA
// method has the adapter's settings (rank, alpha, scaling, targets, dropout) and otherwise the
// page's settings, and a step-0 checkpoint in which that method starts from the adapter's
// weights (fresh AdamW moments). The runner then evaluates it at step 0, before any update, and
// training from there continues it.

import { parseExperiment, type ExperimentConfig, type LoraMethodConfig } from '../config';
import type { ExperimentCheckpoint, ExperimentRunner } from '../run/runner';
import type { ImportedAdapter } from './peft';

export const IMPORTED_METHOD_ID = 'imported';

/** The page's experiment with its methods replaced by one LoRA method shaped like the adapter. */
export function configForAdapter(current: ExperimentConfig, lora: ImportedAdapter['lora'], label = 'Imported adapter'): ExperimentConfig {
  const like = current.methods.find((m): m is LoraMethodConfig => m.kind === 'lora');
  const method: LoraMethodConfig = {
    id: IMPORTED_METHOD_ID, kind: 'lora', label: `${label} (r=${lora.rank})`.slice(0, 48),
    lr: like?.lr ?? 1e-3, weightDecay: like?.weightDecay ?? 0, ...lora,
  };
  return parseExperiment({ ...current, methods: [method] });
}

/** A checkpoint at step 0 of an initialised runner in which method `id` holds the adapter. */
export async function checkpointFromAdapter(runner: ExperimentRunner, id: string, adapter: ImportedAdapter): Promise<ExperimentCheckpoint> {
  const c = await runner.checkpoint();
  const state = c.methods[id];
  if (!state) throw new Error(`the experiment has no method ${id}`);
  if (state.params.length !== adapter.flat.length) {
    throw new Error(`the adapter has ${adapter.flat.length} values; method ${id} needs ${state.params.length}`);
  }
  c.methods[id] = { params: adapter.flat.slice(), m: new Float32Array(state.m.length), v: new Float32Array(state.v.length), step: 0, diverged: false };
  return { ...c, step: 0, evals: [], steps: [] };
}
