// Spectra of the weight change (the paper's finding 6): singular values of ΔW = W_tuned − W_base,
// the cumulative share of ΔW's energy (sum of squared singular values) they explain, the rank needed
// for 90% of it, a Gaussian random matrix of the same shape and norm to compare with, and "intruder
// dimensions" (Shuttleworth et al. 2024, arXiv 2410.21228). The SVD is ml-matrix's (Golub–Kahan, in
// float64); matrices here are at most a few hundred on a side, so it takes milliseconds.

import { Matrix, SVD } from 'ml-matrix';
import { modelLayout, unpack, PROJECTIONS, weightName, type LlamaConfig, type Projection } from '../../engine/index';
import { SplitMix32 } from '../data/rng';

const ATTENTION: readonly Projection[] = ['q', 'k', 'v', 'o'];

/**
 * Singular values below this fraction of the largest are treated as zero when picking singular vectors:
 * the vectors of a (numerically) zero singular value are an arbitrary basis of a null space, not
 * directions the matrix uses. float32 weights carry ~1e-7 relative error, so this cut is far below
 * any real direction.
 */
const NULL_TOL = 1e-9;

function toMatrix(m: ArrayLike<number>, rows: number, cols: number): Matrix {
  if (m.length !== rows * cols) throw new RangeError(`matrix has ${m.length} values, expected ${rows}×${cols}`);
  const out = new Matrix(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.set(i, j, m[i * cols + j]);
  return out;
}

/** Singular values of a row-major (rows, cols) matrix, descending; min(rows, cols) of them. */
export function singularValues(m: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const svd = new SVD(toMatrix(m, rows, cols), {
    computeLeftSingularVectors: false, computeRightSingularVectors: false, autoTranspose: true,
  });
  const s = Float64Array.from(svd.diagonal.slice(0, Math.min(rows, cols)), (x) => Math.abs(x));
  return s.sort().reverse();
}

/** cumsum(s²) / sum(s²); all zeros for a zero matrix (it has no energy to explain). */
export function cumulativeExplained(sv: ArrayLike<number>): Float64Array {
  const out = new Float64Array(sv.length);
  let total = 0;
  for (let i = 0; i < sv.length; i++) total += sv[i] * sv[i];
  if (!(total > 0)) return out;
  let acc = 0;
  for (let i = 0; i < sv.length; i++) {
    acc += sv[i] * sv[i];
    out[i] = acc / total;
  }
  return out;
}

/**
 * The fewest singular values (descending) whose squares hold at least `fraction` of the energy;
 * 0 for a zero matrix. A 1e-12 slack keeps an exact boundary (9 equal values of 10 → 0.9) from
 * failing on rounding.
 */
export function rankFor(sv: ArrayLike<number>, fraction = 0.9): number {
  const cum = cumulativeExplained(sv);
  if (cum.length === 0 || cum[cum.length - 1] === 0) return 0;
  for (let i = 0; i < cum.length; i++) if (cum[i] >= fraction - 1e-12) return i + 1;
  return cum.length;
}

/** A (rows, cols) matrix of i.i.d. standard normals (Box–Muller on SplitMix32), scaled to the given Frobenius norm. */
export function gaussianLike(rows: number, cols: number, frobenius: number, seed: number): Float64Array {
  const rng = new SplitMix32(seed);
  const n = rows * cols;
  const out = new Float64Array(n);
  // (u + 0.5) / 2^32 lies in (0, 1): log never sees 0.
  const uniform = () => (rng.nextU32() + 0.5) / 4294967296;
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  let sq = 0;
  for (let i = 0; i < n; i++) sq += out[i] * out[i];
  // A zero norm gives plain zeros (scaling would leave -0 where a sample was negative).
  if (!(sq > 0) || frobenius === 0) return new Float64Array(n);
  const scale = frobenius / Math.sqrt(sq);
  for (let i = 0; i < n; i++) out[i] *= scale;
  return out;
}

/** Left singular vectors as columns of a (rows, k) matrix, by descending singular value, numerically-zero ones dropped. */
function leftVectors(m: ArrayLike<number>, rows: number, cols: number): { u: Matrix; order: number[] } {
  const svd = new SVD(toMatrix(m, rows, cols), { computeLeftSingularVectors: true, computeRightSingularVectors: false, autoTranspose: true });
  const s = svd.diagonal.slice(0, Math.min(rows, cols)).map(Math.abs);
  const top = Math.max(0, ...s);
  const order = s.map((_, i) => i).filter((i) => s[i] > top * NULL_TOL).sort((a, b) => s[b] - s[a]);
  return { u: svd.leftSingularVectors, order };
}

/**
 * Intruder dimensions: among the top-k left singular vectors of the fine-tuned matrix, those whose
 * largest |cosine similarity| with every left singular vector of the base matrix is below the threshold.
 *
 * Left singular vectors, as the authors' released code does (thin SVD, U_tuned against U_base): for
 * W of shape (out, in) they are the output directions a matrix writes into the residual stream or
 * the next layer, which is where a new direction disturbs what the base model computed. Singular
 * vectors of (numerically) zero singular values are ignored on both sides (they are an arbitrary
 * basis of a null space); for the full-rank weights of a trained model nothing is dropped.
 * maxCos[j] is the largest |cos| of the tuned matrix's j-th singular vector (j < min(topK, rank)).
 */
export function intruderDimensions(
  base: ArrayLike<number>, tuned: ArrayLike<number>, rows: number, cols: number,
  opts: { topK?: number; threshold?: number } = {},
): { count: number; maxCos: number[] } {
  const topK = opts.topK ?? 10;
  const threshold = opts.threshold ?? 0.5;
  const b = leftVectors(base, rows, cols);
  const t = leftVectors(tuned, rows, cols);
  const maxCos: number[] = [];
  for (const j of t.order.slice(0, topK)) {
    let best = 0;
    for (const i of b.order) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += t.u.get(r, j) * b.u.get(r, i);
      best = Math.max(best, Math.abs(dot));
    }
    maxCos.push(best);
  }
  return { count: maxCos.filter((c) => c < threshold).length, maxCos };
}

export interface MatrixSpectrum {
  /** The layout's tensor name, e.g. 'layers.0.wq' or 'wte'. */
  name: string;
  layer: number | null;
  /** 'q' … 'down', or 'wte' / 'lm_head' for the embeddings. */
  proj: string;
  kind: 'attention' | 'mlp' | 'embedding';
  rows: number;
  cols: number;
  /** Singular values of ΔW, descending. */
  singular: number[];
  /** cumulativeExplained(singular). */
  explained: number[];
  rank90: number;
  /** ‖ΔW‖_F. */
  frobenius: number;
  /** Intruder dimensions of W_tuned against W_base (not of ΔW). */
  intruders: number;
}

type SpectraOptions = { includeEmbeddings?: boolean; intruderTopK?: number; intruderThreshold?: number };

function spectrum(
  name: string, layer: number | null, proj: string, kind: MatrixSpectrum['kind'], shape: number[],
  base: Float32Array, tuned: Float32Array, opts: SpectraOptions, withIntruders: boolean,
): MatrixSpectrum {
  const [rows, cols] = shape;
  const delta = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) delta[i] = tuned[i] - base[i];
  const sv = singularValues(delta, rows, cols);
  let sq = 0;
  for (let i = 0; i < delta.length; i++) sq += delta[i] * delta[i];
  const intruders = withIntruders ? intruderDimensions(base, tuned, rows, cols, { topK: opts.intruderTopK, threshold: opts.intruderThreshold }).count : 0;
  return {
    name, layer, proj, kind, rows, cols,
    singular: Array.from(sv), explained: Array.from(cumulativeExplained(sv)), rank90: rankFor(sv, 0.9),
    frobenius: Math.sqrt(sq), intruders,
  };
}

/**
 * Spectra of ΔW = tuned − base for every projection matrix (layer by layer, q k v o gate up down),
 * then the embeddings (wte, and lm_head when untied) when includeEmbeddings. Flat weights in
 * modelLayout order, e.g. a LoRA run's merged weights (W + scale·B·A) against the base model's.
 */
export function weightChangeSpectra(cfg: LlamaConfig, baseFlat: Float32Array, tunedFlat: Float32Array, opts: SpectraOptions = {}): MatrixSpectrum[] {
  return spectraOf(cfg, baseFlat, tunedFlat, opts, true);
}

/**
 * rank90Summary of the weight change, without the intruder analysis (whose two SVDs with singular
 * vectors cost about three times the singular values alone): cheap enough for every evaluation.
 */
export function weightChangeRank90(cfg: LlamaConfig, baseFlat: Float32Array, tunedFlat: Float32Array): { attention: number; mlp: number; all: number } {
  return rank90Summary(spectraOf(cfg, baseFlat, tunedFlat, {}, false));
}

function spectraOf(cfg: LlamaConfig, baseFlat: Float32Array, tunedFlat: Float32Array, opts: SpectraOptions, withIntruders: boolean): MatrixSpectrum[] {
  const layout = modelLayout(cfg);
  if (baseFlat.length < layout.totalElements || tunedFlat.length < layout.totalElements) {
    throw new RangeError(`weights have ${baseFlat.length} / ${tunedFlat.length} values, the layout needs ${layout.totalElements}`);
  }
  const base = unpack(layout, baseFlat);
  const tuned = unpack(layout, tunedFlat);
  const one = (name: string, layer: number | null, proj: string, kind: MatrixSpectrum['kind']) => {
    const t = layout.byName.get(name);
    if (!t) throw new Error(`weightChangeSpectra: no tensor ${name} in the layout`);
    return spectrum(name, layer, proj, kind, t.shape, base.get(name)!, tuned.get(name)!, opts, withIntruders);
  };
  const out: MatrixSpectrum[] = [];
  for (let l = 0; l < cfg.nLayers; l++) {
    for (const p of PROJECTIONS) out.push(one(weightName(l, p), l, p, ATTENTION.includes(p) ? 'attention' : 'mlp'));
  }
  if (opts.includeEmbeddings) {
    for (const name of cfg.tieEmbeddings ? ['wte'] : ['wte', 'lm_head']) out.push(one(name, null, name, 'embedding'));
  }
  return out;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Means of rank@90% over the matrices of each kind (embedding excluded); 0 where there are none. */
export function rank90Summary(spectra: readonly MatrixSpectrum[]): { attention: number; mlp: number; all: number } {
  const att = spectra.filter((s) => s.kind === 'attention').map((s) => s.rank90);
  const mlp = spectra.filter((s) => s.kind === 'mlp').map((s) => s.rank90);
  return { attention: mean(att), mlp: mean(mlp), all: mean([...att, ...mlp]) };
}
