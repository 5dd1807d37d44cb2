// What the benchmark's peers (TensorFlow.js on its WebGPU backend, onnxruntime-web's WebGPU
// execution provider) report, and the interface through which the suite times a peer's matmul
// exactly as it times the engine's (a BenchTarget: prepared once, submitted `reps` times).
// The result types cross the Worker boundary inside BenchReport.

import type { BenchTarget, MatmulForm } from '../../../engine/index';
import type { Summary } from '../stats';

export type PeerName = 'tfjs' | 'ort';

export interface PeerInfo {
  peer: PeerName;
  /** e.g. "TensorFlow.js 4.22.0 (webgpu backend)". */
  label: string;
  /** True when the peer runs on the engine's own GPUDevice; false: its own device of the same adapter. */
  sharedDevice: boolean;
  /** Settings that matter for reading its numbers (threads, proxy, where its wasm came from). */
  notes: string[];
}

export interface PeerMatmulBench {
  peer: PeerName;
  group: string;
  form: MatmulForm;
  rows: number;
  inDim: number;
  outDim: number;
  ms: Summary;
  gflops: Summary;
  fractionOfPeak: number;
  /** The engine's fastest variant at this shape and form, and its median ms over the peer's (< 1: the engine is faster). */
  engineVariant: string;
  engineOverPeer: number;
}

/** A peer's result against the engine's on the same inputs. */
export interface PeerCheck {
  peer: PeerName;
  what: string;
  maxAbsDiff: number;
  /** Largest |engine value|, so the difference can be read relative to it. */
  maxAbs: number;
  tolerance: number;
  ok: boolean;
}

export interface PeerLossCheck {
  /** Losses of the first steps, engine and peer, from the same weights and batch. */
  engine: number[];
  peer: number[];
  maxAbsDelta: number;
  maxRelDelta: number;
  /** Relative tolerance on every step's loss. */
  tolerance: number;
  ok: boolean;
  /** The optimizer both sides used for the check. */
  optimizer: string;
}

export interface PeerStepBench {
  peer: 'tfjs';
  size: string;
  B: number;
  T: number;
  lossCheck: PeerLossCheck;
  /** Null when the loss check failed: a step time of a different computation is not reported. */
  ms: Summary | null;
  tokensPerSecond: number | null;
  /** The engine's full fine-tuning median ms/step at this size over the peer's. */
  engineOverPeer: number | null;
}

export interface PeerResults {
  info: PeerInfo[];
  matmul: PeerMatmulBench[];
  checks: PeerCheck[];
  steps: PeerStepBench[];
  /** Peers (or parts) that could not run here, with why. */
  errors: string[];
}

export interface MatmulSpec {
  form: MatmulForm;
  rows: number;
  inDim: number;
  outDim: number;
}

/** One peer's matmul, prepared per shape and form. */
export interface MatmulPeer {
  info: PeerInfo;
  prepare(spec: MatmulSpec): Promise<BenchTarget>;
  /** The product on the inputs matmulInputs() gives, read back (for the check against the engine). */
  compute(spec: MatmulSpec): Promise<Float32Array>;
  dispose(): void;
}

/**
 * Operands of a form with the engine's names and (row-major) shapes:
 * forward y = x·Wᵀ, backward_input dx = dy·W, backward_weight dW = dyᵀ·x.
 */
export function formOperands(s: MatmulSpec): { a: 'x' | 'dy'; b: 'w' | 'x'; out: [number, number] } {
  if (s.form === 'forward') return { a: 'x', b: 'w', out: [s.rows, s.outDim] };
  if (s.form === 'backward_input') return { a: 'dy', b: 'w', out: [s.rows, s.inDim] };
  return { a: 'dy', b: 'x', out: [s.outDim, s.inDim] };
}

/** Deterministic inputs x (rows, inDim), w (outDim, inDim), dy (rows, outDim), not periodic along any row. */
export function matmulInputs(s: MatmulSpec): { x: Float32Array; w: Float32Array; dy: Float32Array } {
  const fill = (n: number, salt: number) => Float32Array.from({ length: n }, (_, i) => (((i * 7919 + salt) % 2003) / 2003 - 0.5) * 0.2);
  return { x: fill(s.rows * s.inDim, 11), w: fill(s.outDim * s.inDim, 23), dy: fill(s.rows * s.outDim, 37) };
}
