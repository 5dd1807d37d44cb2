// Pure arithmetic of the peer comparison: engine/peer time ratios (the engine's fastest variant
// at a shape and form against the peer there) and the loss check that gates the TF.js step time.

import type { MatmulBench } from '../report';
import type { PeerLossCheck } from './types';

/** Engine median ms over the peer's: 0.5 means the engine takes half the peer's time. NaN unless both are positive. */
export function engineOverPeer(engineMs: number, peerMs: number): number {
  return engineMs > 0 && peerMs > 0 ? engineMs / peerMs : Number.NaN;
}

/** The engine row with the lowest median ms at one shape (group and dims) and form, or null. */
export function fastestEngineRow(
  rows: readonly MatmulBench[], at: { group: string; form: string; rows: number; inDim: number; outDim: number },
): MatmulBench | null {
  let best: MatmulBench | null = null;
  for (const r of rows) {
    if (r.group !== at.group || r.form !== at.form || r.rows !== at.rows || r.inDim !== at.inDim || r.outDim !== at.outDim) continue;
    if (!best || r.ms.median < best.ms.median) best = r;
  }
  return best;
}

/**
 * Compares the first steps' losses. Relative tolerance: both sides compute the same f32 model
 * from the same weights and batch, so step 1 differs by summation order only (~1e-6 relative);
 * Adam's first update is lr·sign(g), so elements whose gradient is at f32 noise level may move
 * in opposite directions, which shifts later losses by at most ~lr·Σ|g_noise|, far below 1e-3
 * of a loss near ln 256 ≈ 5.5. A wrong op (RoPE, GQA, norm, tying) moves step 1 itself by more.
 */
export function lossCheck(engine: readonly number[], peer: readonly number[], tolerance: number, optimizer: string): PeerLossCheck {
  let maxAbsDelta = engine.length === peer.length && engine.length > 0 ? 0 : Number.POSITIVE_INFINITY;
  let maxRelDelta = maxAbsDelta;
  for (let i = 0; i < Math.min(engine.length, peer.length); i++) {
    const d = Math.abs(engine[i] - peer[i]);
    const rel = d / Math.max(Math.abs(engine[i]), 1e-12);
    maxAbsDelta = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(maxAbsDelta, d);
    maxRelDelta = Number.isNaN(rel) ? Number.POSITIVE_INFINITY : Math.max(maxRelDelta, rel);
  }
  return { engine: [...engine], peer: [...peer], maxAbsDelta, maxRelDelta, tolerance, ok: maxRelDelta <= tolerance, optimizer };
}
