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
