// Typed messages between the page and the training Worker (and the events the runner emits
// in Node). The Worker owns the GPU device; the page only sends commands and renders events.

import type { ExperimentConfig } from './config';
import type { RunSummary, SavedRun } from './history';

export interface DemoMethod {
  id: string;
  label: string;
  mode: 'full' | 'lora';
  lr: number;
  rank?: number;
}

export interface MethodInfo {
  id: string;
  label: string;
  kind: 'full' | 'lora';
  trainableParams: number;
  totalParams: number;
  memory: { weightBytes: number; gradientBytes: number; optimizerBytes: number; activationBytes: number };
  dispatchesPerStep: number;
}

/** One evaluation of one method (step 0 is the base model). */
export interface EvalPoint {
  step: number;
  method: string;
  /** Held-out loss on the target domain: learning (lower is better). */
  targetLoss: number;
  /** Held-out loss on the source domain: forgetting (a rise means forgetting). */
  sourceLoss: number;
  /** Exact-match accuracy of greedy answers (math targets only). */
  targetAccuracy?: number;
  /** Diversity of sampled completions of one prompt (when config.diversity.samples > 0). */
  diversity?: DiversityPoint;
  /** Mean rank needed for 90% of the weight change's energy (sum of squared singular values), per kind of matrix; 0 at step 0. */
  rank90?: { attention: number; mlp: number; all: number };
}

/** Diversity of N sampled completions of the same prompt at one evaluation. */
export interface DiversityPoint {
  /** Distinct completions / N. */
  distinctShare: number;
  /** Distinct word n-grams / all word n-grams, over all completions (n = 1, 2, 3). */
  distinct1: number;
  distinct2: number;
  distinct3: number;
  /** Mean entropy (nats) of the model's next-byte distribution at the generated positions. */
  entropy: number;
  /** The completions themselves (a few, for the page). */
  samples: string[];
}

export interface StepPoint {
  step: number;
  method: string;
  loss: number;
  gradNorm: number;
  ms: number;
  tokensPerSecond: number;
}

export type RunState = 'idle' | 'running' | 'paused' | 'stopped' | 'done' | 'error';

export type RunnerEvent =
  | { type: 'run-start'; config: ExperimentConfig; methods: MethodInfo[] }
  | { type: 'step'; point: StepPoint }
  | { type: 'eval'; point: EvalPoint }
  | { type: 'diverged'; method: string; step: number; loss: number }
  | { type: 'state'; state: RunState; step: number };

export type WorkerCommand =
  | { type: 'demo'; pretrainSteps: number; steps: number; seed: number }
  | { type: 'start'; config: ExperimentConfig; preset: string; runId: string }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step-once' }
  | { type: 'stop' }
  | { type: 'list-runs' }
  | { type: 'open-run'; id: string }
  | { type: 'compare-run'; id: string }
  | { type: 'resume-run'; id: string }
  | { type: 'delete-run'; id: string };

export type WorkerEvent =
  | RunnerEvent
  | { type: 'ready'; adapter: string; software: boolean }
  | { type: 'demo-start'; methods: Array<DemoMethod & { trainableParams: number; dispatchesPerStep: number }> }
  | { type: 'demo-step'; method: string; step: number; loss: number; ms: number }
  | { type: 'demo-done' }
  | { type: 'runs'; runs: RunSummary[] }
  | { type: 'run-opened'; run: SavedRun; resumable: boolean }
  | { type: 'active-run'; id: string }
  | { type: 'compare-loaded'; run: SavedRun }
  | { type: 'error'; message: string };
