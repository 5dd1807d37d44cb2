// The benchmark suite's result: one JSON object (what `npm run bench` writes and the page
// downloads) holding the adapter, runtime, date and every figure with its median and spread.
// These types cross the Worker boundary (re-exported by protocol.ts).

import type { PeerResults } from './peers/types';
import type { Summary } from './stats';

export type { PeerCheck, PeerInfo, PeerMatmulBench, PeerName, PeerResults, PeerStepBench } from './peers/types';

export type BenchRuntime = 'node+dawn' | 'browser';

export interface PeakResults {
  /** Attainable FMA throughput, GFLOP/s per repetition. */
  fmaGflops: Summary;
  /** Copy bandwidth (bytes read + written), GB/s. */
  copyGBps: Summary;
  fmaWork: string;
  copyBytes: number;
}

export interface MatmulBench {
  /** What the shape stands for, e.g. "base q/o: tokens×d×d". */
  group: string;
  form: 'forward' | 'backward_input' | 'backward_weight';
  variant: string;
  rows: number;
  inDim: number;
  outDim: number;
  ms: Summary;
  gflops: Summary;
  /** Median GFLOP/s over the measured FMA peak. */
  fractionOfPeak: number;
}

/** One attention variant at one entry point and model size (the "attention variants" section). */
export interface AttentionBench {
  size: string;
  entry: 'forward' | 'forward_only' | 'backward';
  /** 'thread' (one thread per query row) or 'workgroup' (one workgroup per query row). */
  variant: string;
  B: number;
  T: number;
  H: number;
  Hkv: number;
  D: number;
  ms: Summary;
  /** Nominal causal FLOPs (attention-variants.ts) over the median time. */
  gflops: Summary;
  fractionOfPeak: number;
  /** Median time over the 'thread' variant's at the same size and entry (null for 'thread' itself). */
  vsThread: number | null;
}

/** One row-reduction variant at one kernel and model size (the "row-reduction variants" section). */
export interface RowBench {
  size: string;
  /** rmsnorm_forward, rmsnorm_forward_only, rmsnorm_backward (dx only), cross_entropy_forward (with its stats sum), cross_entropy_backward. */
  kernel: string;
  /** 'thread' (one thread per row) or 'workgroup' (one workgroup per row). */
  variant: string;
  /** Rows (B·T) and columns (d_model, or the vocabulary for cross-entropy). */
  N: number;
  C: number;
  ms: Summary;
  /** Bytes the kernel must at least read and write over the time. */
  gbps: Summary;
  /** Median GB/s over the measured copy peak. */
  fractionOfCopyPeak: number;
  /** Median time over the 'thread' variant's at the same size and kernel (null for 'thread' itself). */
  vsThread: number | null;
}

export interface StepBench {
  size: string;
  /** "full" or "lora r=8 (all)". */
  method: string;
  mode: 'full' | 'lora';
  rank: number | null;
  B: number;
  T: number;
  trainableParams: number;
  ms: Summary;
  tokensPerSecond: number;
  dispatchesPerStep: number;
  submitsPerStep: number;
  /** Nominal FLOPs of one step (flops.ts). */
  flopsPerStep: number;
  gflops: number;
  fractionOfPeak: number;
  /** Median ms/step of this method over full fine-tuning's at the same size (null for full itself). */
  vsFull: number | null;
}

export interface ExperimentBench {
  preset: string;
  steps: number;
  methods: string[];
  wallMs: number;
}

export interface BenchReport {
  version: 1;
  /** When the suite started (ISO 8601). */
  date: string;
  runtime: BenchRuntime;
  adapter: string;
  software: boolean;
  /** What else the host was doing, where the runtime can tell (Node: CPU count and load averages). */
  host: string | null;
  quick: boolean;
  /** Timed repetitions and discarded warm-ups of the training-step benchmark. */
  stepRepeats: number;
  stepWarmups: number;
  peak: PeakResults;
  matmul: MatmulBench[];
  /** Attention variants at the model's shapes (absent in reports from before them). */
  attention?: AttentionBench[];
  /** Row-reduction variants (RMSNorm, cross-entropy) at the model's shapes (absent in reports from before them). */
  rows?: RowBench[];
  steps: StepBench[];
  experiment: ExperimentBench | null;
  /** TensorFlow.js and onnxruntime-web measured in the same run (absent in reports from before the peers). */
  peers?: PeerResults;
  /** What the suite does not measure (yet), stated in the result itself. */
  notes: string[];
  totalMs: number;
}

export interface BenchProgress {
  phase: 'peak' | 'matmul' | 'step' | 'experiment';
  message: string;
}
