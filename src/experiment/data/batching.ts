// Seeded batches of next-byte prediction windows. A Batcher samples B random windows of T+1
// bytes from a TokenSource per step with SplitMix32, so the same seed gives the same batches
// in the same order in every JS engine, and state()/restore() resume a run exactly after a
// checkpoint. heldOutBatches gives fixed, evenly spaced windows for evaluation.

import { SplitMix32 } from './rng';

/** A byte stream to train or evaluate on. */
export interface TokenSource {
  /** For messages, e.g. "english/train (fiction)". */
  name: string;
  bytes: Uint8Array;
  /** Optional target mask, one per byte: the prediction OF byte i is scored only where mask[i] is 1. */
  mask?: Uint8Array;
  /** Optional allowed window starts, ascending (e.g. problem starts); default: any offset. */
  starts?: Uint32Array;
}

export interface Batch {
  batchSize: number;
  seqLen: number;
  /** (B, T) input byte ids. */
  tokens: Int32Array;
  /** (B, T) next byte ids, -1 where the target is masked out. */
  targets: Int32Array;
}

export interface BatcherOptions {
  batchSize: number;
  seqLen: number;
  seed: number;
}

/** Everything needed to resume a Batcher exactly. JSON-serialisable. */
export interface BatcherState {
  seed: number;
  batchSize: number;
  seqLen: number;
  /** Batches produced so far. */
  step: number;
  /** SplitMix32 state after the last batch. */
  rng: number;
}

function checkShape(source: TokenSource, batchSize: number, seqLen: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(seqLen) || seqLen < 1) throw new RangeError(`sequence length must be a positive integer, got ${seqLen}`);
  if (source.mask && source.mask.length !== source.bytes.length) {
    throw new Error(`${source.name}: mask has ${source.mask.length} entries for ${source.bytes.length} bytes`);
  }
  const lastStart = source.bytes.length - seqLen - 1;
  if (lastStart < 0) {
    throw new RangeError(`${source.name} has ${source.bytes.length} bytes, too short for windows of ${seqLen + 1}`);
  }
  if (!source.starts) return lastStart + 1;
  const n = validStarts(source.starts, lastStart);
  if (n === 0) throw new RangeError(`${source.name}: no allowed window start leaves room for ${seqLen + 1} bytes`);
  return n;
}

/** Number of allowed starts ≤ lastStart (starts are ascending): binary search. */
function validStarts(starts: Uint32Array, lastStart: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] <= lastStart) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Copies the window at byte `start` into row `row` of a batch. */
function fillRow(source: TokenSource, batch: Batch, row: number, start: number): void {
  const { bytes, mask } = source;
  const T = batch.seqLen;
  const off = row * T;
  for (let t = 0; t < T; t++) {
    batch.tokens[off + t] = bytes[start + t];
    const next = start + t + 1;
    batch.targets[off + t] = mask && !mask[next] ? -1 : bytes[next];
  }
}

function emptyBatch(batchSize: number, seqLen: number): Batch {
  const n = batchSize * seqLen;
  return { batchSize, seqLen, tokens: new Int32Array(n), targets: new Int32Array(n) };
}

export class Batcher {
  readonly source: TokenSource;
  readonly batchSize: number;
  readonly seqLen: number;
  readonly seed: number;
  private readonly positions: number;
  private readonly rng: SplitMix32;
  private step = 0;

  constructor(source: TokenSource, { batchSize, seqLen, seed }: BatcherOptions) {
    this.positions = checkShape(source, batchSize, seqLen);
    this.source = source;
    this.batchSize = batchSize;
    this.seqLen = seqLen;
    this.seed = seed >>> 0;
    this.rng = new SplitMix32(this.seed);
  }

  /** Number of batches produced so far. */
  get steps(): number {
    return this.step;
  }

  /** The next batch: B windows at independent uniform positions. */
  next(): Batch {
    const batch = emptyBatch(this.batchSize, this.seqLen);
    const { starts } = this.source;
    for (let b = 0; b < this.batchSize; b++) {
      const i = this.rng.int(this.positions);
      fillRow(this.source, batch, b, starts ? starts[i] : i);
    }
    this.step++;
    return batch;
  }

  /**
   * Draws `n` batches' positions without reading them: a pretraining continued from a checkpoint skips the
   * batches its earlier piece trained on, so the two pieces see the same windows as one long run would.
   */
  skip(n: number): void {
    for (let k = 0; k < n * this.batchSize; k++) this.rng.int(this.positions);
    this.step += n;
  }

  state(): BatcherState {
    return { seed: this.seed, batchSize: this.batchSize, seqLen: this.seqLen, step: this.step, rng: this.rng.getState() };
  }

  /** Resumes from `state()`; refuses a state taken with another seed or shape. */
  restore(state: BatcherState): void {
    if (state.seed !== this.seed || state.batchSize !== this.batchSize || state.seqLen !== this.seqLen) {
      throw new Error(
        `batcher state is for seed ${state.seed}, B=${state.batchSize}, T=${state.seqLen}; ` +
          `this batcher has seed ${this.seed}, B=${this.batchSize}, T=${this.seqLen}`,
      );
    }
    if (!Number.isInteger(state.step) || state.step < 0) throw new RangeError(`batcher state step ${state.step} is invalid`);
    this.rng.setState(state.rng);
    this.step = state.step;
  }
}

/**
 * `count` fixed evaluation batches: B·count windows evenly spaced over the source (over its
 * allowed starts, when it has them), first at the start and last at the end. Same every call.
 */
export function heldOutBatches(source: TokenSource, batchSize: number, seqLen: number, count: number): Batch[] {
  const positions = checkShape(source, batchSize, seqLen);
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`batch count must be a positive integer, got ${count}`);
  const windows = batchSize * count;
  const batches: Batch[] = [];
  for (let k = 0; k < count; k++) {
    const batch = emptyBatch(batchSize, seqLen);
    for (let b = 0; b < batchSize; b++) {
      const w = k * batchSize + b;
      const i = windows === 1 ? 0 : Math.floor((w * (positions - 1)) / (windows - 1));
      fillRow(source, batch, b, source.starts ? source.starts[i] : i);
    }
    batches.push(batch);
  }
  return batches;
}
