// Typed messages between the page and the training Worker (and the events the runner emits
// in Node). The Worker owns the GPU device; the page only sends commands and renders events.

import type { SavedBaseManifest } from './storage/saved-bases';
import type { PretrainSettings } from './pretrain/settings';
import type { DevicePeak } from './bench/device-peak';
import type { MatrixSpectrum } from './analysis/spectra';
import type { ExperimentConfig } from './config';
import type { KernelVariantSettings } from './kernel-settings';
import type { SweepCell, SweepConfig } from './sweep/config';
import type { UploadFile } from './export/bundle';
import type { BenchProgress, BenchReport } from './bench/report';

export type { BenchProgress, BenchReport } from './bench/report';

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
  /** Model FLOPs of one training step (bench/flops.ts's count): with a step's time, the achieved GFLOP/s. */
  flopsPerStep?: number;
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
  /**
   * Mean rank needed for 90% of the weight change's energy (sum of squared singular values), per kind of
   * matrix; 0 at step 0. `share`: the same rank as a share of each matrix's full rank (min(rows, cols)), averaged.
   */
  rank90?: { attention: number; mlp: number; all: number; share?: number };
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
  /**
   * Mean pairwise similarity of the completions (Jaccard overlap of their sets of byte 4-grams, 0–1):
   * higher means the samples repeat each other. Absent in runs recorded before it was measured.
   */
  similarity?: number;
  /** The completions themselves (a few, for the page). */
  samples: string[];
}

export interface StepPoint {
  step: number;
  method: string;
  loss: number;
  gradNorm: number;
  /**
   * This method's own time for the step. All methods of a lockstep step share one submit, so it
   * is not a wall-clock interval: the GPU time of its pass (timestamp queries) or the group's time
   * split by its share of the step's model FLOPs (see msSource). tokensPerSecond follows from it.
   */
  ms: number;
  tokensPerSecond: number;
  /** Wall time of the whole lockstep step (all methods), between consecutive completions; absent in runs saved before it existed. */
  groupMs?: number;
  /** Where `ms` comes from: GPU timestamp queries, or groupMs split by FLOP share (devices without 'timestamp-query'). */
  msSource?: 'timestamp' | 'flop-share';
}

export type RunState = 'idle' | 'running' | 'paused' | 'stopped' | 'done' | 'error';

/** Why a method counts as diverged: a NaN/∞ loss or gradient, a loss far above a uniform guess, or a dead (zero) gradient. */
export type DivergenceReason = 'non-finite' | 'exploded' | 'collapsed';

export type RunnerEvent =
  | { type: 'run-start'; config: ExperimentConfig; methods: MethodInfo[] }
  | { type: 'step'; point: StepPoint }
  | { type: 'eval'; point: EvalPoint }
  /** reason: why it counts as diverged (run/divergence.ts); loss: its training loss at that step. */
  | { type: 'diverged'; method: string; step: number; loss: number; reason?: DivergenceReason }
  | { type: 'state'; state: RunState; step: number };

/** A sweep's events: its groups' runner events (EvalPoint.method = cell id) and its own. */
export type SweepEvent =
  | RunnerEvent
  | { type: 'sweep-start'; sweep: SweepConfig; cells: SweepCell[]; groups: number }
  /**
   * done/total in cell-steps (a group of n cells at step k has done n·k); group is the running group's index
   * (groups once done); the ETA comes from the pace measured since run() was last called (null before a step).
   */
  | { type: 'sweep-progress'; group: number; groups: number; done: number; total: number; etaSeconds: number | null }
  | { type: 'sweep-state'; state: RunState; group: number };

export interface SavedRun {
  id: string;
  preset: string;
  config: ExperimentConfig;
  createdAt: number;
  updatedAt: number;
  /** The state when last saved; 'running' after a reload means the run was interrupted. */
  state: RunState;
  step: number;
  methods: MethodInfo[];
  evals: EvalPoint[];
  /** Step of the last saved checkpoint (null before the first). */
  checkpointStep: number | null;
  /** Method id → step at which it diverged (absent in runs saved before this was kept). */
  diverged?: Record<string, number>;
  /** Approximate stored size of that checkpoint (set by saveCheckpoint, so list() need not read checkpoints). */
  checkpointBytes?: number;
}

/** A saved run without its metrics; `bytes`: approximate stored size of the run and its checkpoint. */
export type RunSummary = Omit<SavedRun, 'evals' | 'methods'> & { methodLabels: string[]; bytes: number };

/** A sweep as it trains: the grid, where it got to, and every cell's evaluations (EvalPoint.method = cell id). */
export interface SavedSweep {
  id: string;
  preset: string;
  sweep: SweepConfig;
  createdAt: number;
  updatedAt: number;
  /** The state when last saved; 'running' after a reload means the sweep was interrupted. */
  state: RunState;
  /** The group training (0-based) and how many groups the grid has. */
  group: number;
  groups: number;
  /** Cell-steps trained and in all. */
  done: number;
  total: number;
  /** Methods of every group started so far (one per cell). */
  methods: MethodInfo[];
  evals: EvalPoint[];
  /** Cell id → step at which it diverged. */
  diverged: Record<string, number>;
  /** Group of the last saved checkpoint (null before the first). */
  checkpointGroup: number | null;
}

export type SweepSummary = Omit<SavedSweep, 'evals' | 'methods' | 'diverged'> & { cellCount: number };

/** What a pretraining in the tab reports (pretrain/base.ts), wrapped with its run id in 'pretrain-event'. */
export type PretrainEvent =
  | { type: 'start'; params: number }
  | { type: 'step'; step: number; loss: number; tokensPerSecond: number; seconds: number }
  | { type: 'eval'; step: number; heldOut: number; sample: string };

/** Faults a test can inject (only reachable when the page was opened with the test flag; see client.ts). */
export type DebugFault = 'lose-device' | 'hang' | 'crash' | 'storage-unavailable' | 'storage-quota' | 'memory-budget';

/** Run events as the Worker posts them: tagged with the run they belong to, so the page can drop a stopped run's late events. */
export type RunWorkerEvent = RunnerEvent & { runId: string };

export type WorkerCommand =
  | { type: 'demo'; pretrainSteps: number; steps: number; seed: number }
  /** Liveness check: answered with `pong` at once, outside the command queue. */
  | { type: 'ping'; n: number }
  /** Measure the device's FMA peak once (answered by 'device-peak', from a cache after the first time). */
  | { type: 'measure-peak' }
  /** Force kernel variants (or 'auto') for everything built after it; runs already built keep their dispatches. */
  | { type: 'set-kernel-variants'; variants: KernelVariantSettings }
  | { type: 'debug-fault'; fault: DebugFault; bytes?: number }
  // customText: the student's own target text, when config.target is 'custom' (stored with the run).
  | { type: 'start'; config: ExperimentConfig; preset: string; runId: string; customText?: { name: string; sha256: string; bytes: Uint8Array } }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'step-once' }
  | { type: 'stop' }
  | { type: 'list-runs' }
  | { type: 'open-run'; id: string }
  | { type: 'compare-run'; id: string }
  | { type: 'resume-run'; id: string }
  | { type: 'delete-run'; id: string }
  | SweepCommand
  | ExportCommand
  | AnalysisCommand
  | BenchCommand
  | PretrainCommand;

/** Pretraining a base in the tab (worker/pretrain-host.ts) and the bases saved in this browser. */
export type PretrainCommand =
  | { type: 'pretrain-start'; settings: PretrainSettings; runId: string }
  | { type: 'pretrain-stop' }
  | { type: 'pretrain-pause' }
  | { type: 'pretrain-resume' }
  | { type: 'list-bases' }
  | { type: 'delete-base'; id: string };

/** Events of one pretraining carry the `runId` of its start, so the page can drop a stopped run's late ones. */
export type PretrainWorkerEvent =
  | { type: 'pretrain-event'; event: PretrainEvent; runId: string }
  | { type: 'pretrain-state'; state: 'running' | 'paused' | 'done' | 'stopped' | 'error'; runId: string }
  | { type: 'pretrain-saved'; manifest: SavedBaseManifest; runId: string }
  | { type: 'bases'; bases: SavedBaseManifest[] }
  /** runId: the start or pretraining that failed; absent when listing or deleting bases failed. */
  | { type: 'pretrain-error'; message: string; runId?: string };

/** The benchmark suite (worker/bench-host.ts, src/experiment/bench/) on this page's adapter; quick: tiny shapes, seconds. */
export type BenchCommand = { type: 'bench'; quick: boolean };

export type BenchEvent =
  | { type: 'bench-progress'; progress: BenchProgress }
  | { type: 'bench-result'; report: BenchReport }
  | { type: 'bench-error'; message: string };

/** Sweeps (worker/sweep-host.ts). Only one of a run or a sweep trains at a time: starting one stops the other. */
export type SweepCommand =
  | { type: 'sweep-start'; sweep: SweepConfig; preset: string; runId: string }
  | { type: 'sweep-pause' }
  /** Resumes the paused sweep; with an id that is not the one in memory, restores that saved sweep from its checkpoint. */
  | { type: 'sweep-resume'; id?: string }
  | { type: 'sweep-stop' }
  | { type: 'list-sweeps' }
  | { type: 'open-sweep'; id: string }
  | { type: 'delete-sweep'; id: string };

/**
 * What the Worker says about sweeps. The sweep runner's events travel wrapped in `sweep-event`, because
 * its RunnerEvents (run-start, eval, state, ...) would otherwise look like the experiment run's.
 */
export type SweepWorkerEvent =
  | { type: 'sweep-event'; id: string; event: SweepEvent }
  | { type: 'sweeps'; sweeps: SweepSummary[] }
  | { type: 'sweep-opened'; sweep: SavedSweep; resumable: boolean }
  | { type: 'sweep-active'; id: string }
  /** resumeId: the sweep can go on from its saved checkpoint (after a lost device) with the Resume button. */
  | { type: 'sweep-error'; message: string; resumeId?: string };

export type WorkerEvent =
  | RunWorkerEvent
  | PretrainWorkerEvent
  | { type: 'ready'; adapter: string; software: boolean }
  | { type: 'pong'; n: number }
  | { type: 'device-peak'; peak: DevicePeak }
  /** Whether results are kept (IndexedDB usable and not full); message says what happened and what to do. */
  | { type: 'storage'; ok: boolean; message: string }
  /**
   * The GPU device was lost while `runId` trained (null: no run). Every evaluation shown stays; the run resumes from
   * its checkpoint at `checkpointStep` (null: none yet, start again) on a new device.
   */
  | { type: 'device-lost'; message: string; runId: string | null; checkpointStep: number | null }
  /** Made by the page, not the Worker: the Worker crashed or hung and was replaced; requests in flight are lost. */
  | { type: 'worker-restarted'; message: string }
  /** A run's checkpoint was written (after an evaluation): resuming it starts from `step`. */
  | { type: 'checkpoint-saved'; runId: string; step: number }
  | { type: 'demo-start'; methods: Array<DemoMethod & { trainableParams: number; dispatchesPerStep: number }> }
  | { type: 'demo-step'; method: string; step: number; loss: number; ms: number }
  | { type: 'demo-done' }
  | { type: 'runs'; runs: RunSummary[] }
  | { type: 'run-opened'; run: SavedRun; resumable: boolean }
  | { type: 'active-run'; id: string }
  | { type: 'compare-loaded'; run: SavedRun }
  /** runId: the run it concerns (the page ignores errors of a run it no longer shows); absent = not about a run. */
  | { type: 'error'; message: string; runId?: string }
  | SweepWorkerEvent
  | ExportWorkerEvent
  | AnalysisEvent
  | BenchEvent;

/**
 * What the Worker exports (worker/export-host.ts): a model as ONNX, a LoRA method as a PEFT adapter zip, a model's
 * weights as a transformers folder zip (safetensors), results as JSON/CSV. (The page builds the recipe zip itself.)
 */
export type ExportFormat = 'onnx' | 'peft' | 'safetensors' | 'run-json' | 'run-csv' | 'sweep-json' | 'sweep-csv';

/** Exports and imports. */
export type ExportCommand =
  | {
    type: 'export'; requestId: string; format: ExportFormat;
    /** A saved run (or sweep for sweep-json); null = the run shown now. */
    runId: string | null;
    /** A method of the run; null = the base model (onnx, safetensors) or every method (run-json, run-csv). */
    method: string | null;
  }
  /** An uploaded PEFT adapter (evaluated and trained further as a new run with `config`'s settings) or a run JSON (saved, overlaid). */
  | { type: 'import-files'; files: UploadFile[]; config: ExperimentConfig; preset: string; runId: string };

export type ExportWorkerEvent =
  | { type: 'export-file'; requestId: string; name: string; mime: string; bytes: Uint8Array }
  | { type: 'export-error'; requestId: string; message: string }
  /** ok: false leaves everything as it was. On an adapter, `config` is the new run's experiment (sent before it starts). */
  | { type: 'import-result'; ok: boolean; message: string; kind?: 'adapter' | 'run'; config?: ExperimentConfig; runId?: string };

/**
 * Analysis of the run on screen (worker/analysis-host.ts), from its latest checkpoint plus the base model.
 * runId null = the run the Worker trains or trained last.
 */
export type AnalysisCommand =
  | {
    type: 'generate'; runId: string | null; prompt: string;
    /** 0 = greedy. */
    temperature: number;
    /** 0 = off. */
    topK: number;
    /** 1 = off. */
    topP: number;
    count: number; length: number; seed: number;
  }
  | { type: 'spectra'; runId: string | null };

/** One model's sampled completions of the prompt: the base model or a method at the checkpoint's step. */
export interface ModelGenerations {
  /** 'base' or the method id. */
  id: string;
  label: string;
  kind: 'base' | 'full' | 'lora';
  completions: string[];
  stats: Omit<DiversityPoint, 'samples'>;
  /** Which runtime produced them, e.g. "engine (WebGPU)". */
  runtime: string;
  /** A diverged method gets no samples. */
  diverged: boolean;
}

export interface GenerationsResult {
  runId: string;
  /** Training step of the weights the methods were sampled from. */
  step: number;
  prompt: string;
  settings: { temperature: number; topK: number; topP: number; count: number; length: number; seed: number };
  models: ModelGenerations[];
  ms: number;
}

/** Every matrix's ΔW spectrum of one method (ΔW = merged or fine-tuned weights − base). */
export interface MethodSpectra {
  id: string;
  label: string;
  kind: 'full' | 'lora';
  /** LoRA only. */
  rank?: number;
  targets?: string[];
  spectra: MatrixSpectrum[];
  /** rank90Summary of the projection matrices (embeddings excluded). */
  summary: { attention: number; mlp: number; all: number };
  /** Intruder dimensions summed over the projection matrices of each kind. */
  intruders: { attention: number; mlp: number; all: number };
  diverged: boolean;
}

/** A Gaussian random matrix of one matrix's shape, scaled to the Frobenius norm of a method's ΔW of it. */
export interface ReferenceSpectrum {
  name: string;
  rows: number;
  cols: number;
  frobenius: number;
  singular: number[];
  explained: number[];
  rank90: number;
  /** The method whose ΔW norm it has. */
  normOf: string;
}

export interface SpectraResult {
  runId: string;
  step: number;
  methods: MethodSpectra[];
  references: ReferenceSpectrum[];
  intruderTopK: number;
  intruderThreshold: number;
  ms: number;
}

export type AnalysisEvent =
  | { type: 'generations'; result: GenerationsResult }
  | { type: 'spectra'; result: SpectraResult }
  /** An analysis failed (the run itself is unaffected). */
  | { type: 'analysis-error'; command: 'generate' | 'spectra'; message: string };
