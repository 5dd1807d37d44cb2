// Float64 reference of the whole Llama-style model (embedding, L pre-norm blocks with GQA
// attention + RoPE and a SwiGLU MLP, final RMSNorm, LM head, mean cross-entropy), forward
// and backward, with optional LoRA adapters on any of the seven projections. The GPU model
// is tested against model_forward_backward; model_loss serves finite differences.

import {
  attention_backward, attention_forward, cross_entropy_backward, cross_entropy_forward,
  embedding_backward, embedding_forward, lora_backward, lora_forward, matmul_backward,
  matmul_forward, rmsnorm_backward, rmsnorm_forward, rope_backward, rope_forward,
  swiglu_backward, swiglu_forward,
} from './ops';
import { hash_u32 } from './rng';
import { lora_dropout_backward, lora_dropout_forward } from './ops_lora';
import {
  FULL_DROPOUT_SALT, LORA_PROJS, type LoraProj, type ParamMap, type RefDropout, type RefLlamaConfig, type RefLoraConfig,
} from './types';

export type { LoraProj, ParamMap, RefDropout, RefLlamaConfig, RefLoraConfig } from './types';
export { FULL_DROPOUT_SALT, LORA_PROJS } from './types';

/** LoRA adapters attached to a model: their config and tensors (names from lora_param_shapes). */
export interface RefLora {
  cfg: RefLoraConfig;
  params: ParamMap;
}

interface Dims { V: number; C: number; L: number; H: number; Hkv: number; D: number; F: number; eps: number; theta: number }

function dims(cfg: RefLlamaConfig): Dims {
  const { vocabSize: V, dModel: C, nLayers: L, nHeads: H, nKvHeads: Hkv, ffnDim: F } = cfg;
  if (C % H !== 0) throw new RangeError(`dModel ${C} not a multiple of nHeads ${H}`);
  if (H % Hkv !== 0) throw new RangeError(`nHeads ${H} not a multiple of nKvHeads ${Hkv}`);
  const D = C / H;
  if (D % 2 !== 0) throw new RangeError(`head dim ${D} must be even for RoPE`);
  return { V, C, L, H, Hkv, D, F, eps: cfg.normEps ?? 1e-5, theta: cfg.ropeTheta ?? 10000 };
}

/** Weight name and (out, in) of each projection. */
function projInfo(d: Dims, proj: LoraProj): { weight: string; out: number; in: number } {
  switch (proj) {
    case 'q': return { weight: 'wq', out: d.H * d.D, in: d.C };
    case 'k': return { weight: 'wk', out: d.Hkv * d.D, in: d.C };
    case 'v': return { weight: 'wv', out: d.Hkv * d.D, in: d.C };
    case 'o': return { weight: 'wo', out: d.C, in: d.H * d.D };
    case 'gate': return { weight: 'w_gate', out: d.F, in: d.C };
    case 'up': return { weight: 'w_up', out: d.F, in: d.C };
    case 'down': return { weight: 'w_down', out: d.C, in: d.F };
  }
}

/** Parameter shapes in allocation order: wte, layers.l.*, final_norm, lm_head (if untied). */
export function param_shapes(cfg: RefLlamaConfig): Map<string, number[]> {
  const d = dims(cfg);
  const s = new Map<string, number[]>();
  s.set('wte', [d.V, d.C]);
  for (let l = 0; l < d.L; l++) {
    const p = `layers.${l}.`;
    s.set(p + 'attn_norm', [d.C]);
    for (const proj of ['q', 'k', 'v', 'o'] as const) {
      const info = projInfo(d, proj);
      s.set(p + info.weight, [info.out, info.in]);
    }
    s.set(p + 'mlp_norm', [d.C]);
    for (const proj of ['gate', 'up', 'down'] as const) {
      const info = projInfo(d, proj);
      s.set(p + info.weight, [info.out, info.in]);
    }
  }
  s.set('final_norm', [d.C]);
  if (!cfg.tieEmbeddings) s.set('lm_head', [d.V, d.C]);
  return s;
}

/** Adapter shapes: layers.l.<proj>.lora_A (r, in), .lora_B (out, r); by layer, then q,k,v,o,gate,up,down. */
export function lora_param_shapes(cfg: RefLlamaConfig, lora: RefLoraConfig): Map<string, number[]> {
  const d = dims(cfg);
  const s = new Map<string, number[]>();
  for (let l = 0; l < d.L; l++) {
    for (const proj of LORA_PROJS) {
      if (!lora.targets.includes(proj)) continue;
      const info = projInfo(d, proj);
      s.set(`layers.${l}.${proj}.lora_A`, [lora.rank, info.in]);
      s.set(`layers.${l}.${proj}.lora_B`, [info.out, lora.rank]);
    }
  }
  return s;
}

/** Dropout seed of one adapted projection: hash_u32(seed, layer·7 + projIndex). */
export function lora_dropout_seed(lora: RefLoraConfig, layer: number, proj: LoraProj): number {
  return hash_u32(lora.seed, layer * 7 + LORA_PROJS.indexOf(proj));
}

/** Seed of the base-projection dropout mask of (layer, proj): hash_u32(seed, FULL_DROPOUT_SALT + layer·7 + projIndex). */
export function full_dropout_seed(seed: number, layer: number, proj: LoraProj): number {
  return hash_u32(seed, FULL_DROPOUT_SALT + layer * 7 + LORA_PROJS.indexOf(proj));
}

function checkParams(what: string, params: ParamMap, shapes: Map<string, number[]>): void {
  for (const [name, shape] of shapes) {
    const t = params.get(name);
    const n = shape.reduce((a, b) => a * b, 1);
    if (!t) throw new Error(`${what}: missing parameter ${name}`);
    if (t.length !== n) throw new RangeError(`${what}: ${name} has ${t.length} elements, expected ${n} [${shape}]`);
  }
}

interface Adapter { A: Float64Array; B: Float64Array; r: number; scale: number; p: number; seed: number }
interface LinCache { u?: Float64Array; xd?: Float64Array; fxd?: Float64Array }
/** A projection's base-path dropout: probability and mask seed (absent = no dropout). */
interface BaseDrop { p: number; seed: number }

function adapterFor(lora: RefLora | undefined, l: number, proj: LoraProj): Adapter | undefined {
  if (!lora || !lora.cfg.targets.includes(proj)) return undefined;
  const pre = `layers.${l}.${proj}.`;
  return {
    A: lora.params.get(pre + 'lora_A')!, B: lora.params.get(pre + 'lora_B')!, r: lora.cfg.rank,
    scale: lora.cfg.scale, p: lora.cfg.dropout, seed: lora_dropout_seed(lora.cfg, l, proj),
  };
}

/** y = drop(x)·Wᵀ (+ LoRA on x) for x (N, K), W (M, K); returns y (N, M) and the cache. */
function linear_forward(x: Float64Array, W: Float64Array, N: number, K: number, M: number, ad?: Adapter, bd?: BaseDrop) {
  const fxd = bd ? lora_dropout_forward(x, N, K, bd.p, bd.seed) : undefined; // (N, K)
  const y = matmul_forward(fxd ?? x, W, N, K, M); // (N, M)
  const cache: LinCache = { fxd };
  if (ad) {
    const lo = lora_forward(x, ad.A, ad.B, N, K, M, ad.r, ad.scale, ad.p, ad.seed);
    for (let i = 0; i < y.length; i++) y[i] += lo.y[i];
    cache.u = lo.u;
    cache.xd = lo.xd;
  }
  return { y, cache };
}

/** Backward of linear_forward: dx (N, K), dW (M, K), and dA/dB when adapted. */
function linear_backward(
  dy: Float64Array, x: Float64Array, W: Float64Array, N: number, K: number, M: number,
  ad?: Adapter, cache?: LinCache, bd?: BaseDrop,
) {
  const mm = matmul_backward(dy, cache?.fxd ?? x, W, N, K, M);
  const dw = mm.dw;
  const dx = bd ? lora_dropout_backward(mm.dx, N, K, bd.p, bd.seed) : mm.dx; // (N, K)
  let dA: Float64Array | undefined;
  let dB: Float64Array | undefined;
  if (ad && cache?.u && cache.xd) {
    const lb = lora_backward(dy, x, ad.A, ad.B, cache.u, cache.xd, N, K, M, ad.r, ad.scale, ad.p, ad.seed);
    for (let i = 0; i < dx.length; i++) dx[i] += lb.dx[i];
    dA = lb.dA;
    dB = lb.dB;
  }
  return { dx, dw, dA, dB };
}

/** The base-path dropout of (layer, proj), or undefined when off. */
function baseDropFor(drop: RefDropout | undefined, l: number, proj: LoraProj): BaseDrop | undefined {
  if (!drop || drop.p === 0) return undefined;
  return { p: drop.p, seed: full_dropout_seed(drop.seed, l, proj) };
}

interface LayerCache {
  xIn: Float64Array; a: Float64Array; rstd1: Float64Array; // (N, C), (N, C), (N)
  q: Float64Array; k: Float64Array; v: Float64Array; // pre-RoPE (N, H*D), (N, Hkv*D), (N, Hkv*D)
  qr: Float64Array; kr: Float64Array; att: Float64Array; y: Float64Array; // post-RoPE, (B, H, T, T), (N, H*D)
  xMid: Float64Array; m: Float64Array; rstd2: Float64Array; // (N, C), (N, C), (N)
  g: Float64Array; u: Float64Array; h: Float64Array; // (N, F) each
  lin: Partial<Record<LoraProj, LinCache>>;
}

interface ForwardResult {
  logits: Float64Array; loss: number; layers: LayerCache[];
  xLast: Float64Array; xf: Float64Array; rstdF: Float64Array; // (N, C), (N, C), (N)
}

function model_forward(
  cfg: RefLlamaConfig, params: ParamMap, tokens: Int32Array, targets: Int32Array, B: number, T: number, lora?: RefLora,
  drop?: RefDropout,
): ForwardResult {
  const d = dims(cfg);
  const { V, C, H, Hkv, D, F, eps, theta } = d;
  if (T > cfg.seqLen) throw new RangeError(`T ${T} > seqLen ${cfg.seqLen}`);
  const N = B * T;
  if (tokens.length !== N || targets.length !== N) throw new RangeError(`tokens/targets must have B*T = ${N} entries`);
  checkParams('params', params, param_shapes(cfg));
  if (lora) checkParams('lora params', lora.params, lora_param_shapes(cfg, lora.cfg));
  const P = (name: string) => params.get(name)!;

  let x = embedding_forward(tokens, P('wte'), N, V, C); // (N, C)
  const layers: LayerCache[] = [];
  for (let l = 0; l < d.L; l++) {
    const pre = `layers.${l}.`;
    const lin: LayerCache['lin'] = {};
    const proj = (p: LoraProj, inp: Float64Array, K: number, M: number) => {
      const r = linear_forward(inp, P(pre + projInfo(d, p).weight), N, K, M, adapterFor(lora, l, p), baseDropFor(drop, l, p));
      lin[p] = r.cache;
      return r.y;
    };
    const xIn = x;
    const n1 = rmsnorm_forward(xIn, P(pre + 'attn_norm'), N, C, eps);
    const a = n1.out; // (N, C)
    const q = proj('q', a, C, H * D); // (B, T, H, D)
    const k = proj('k', a, C, Hkv * D); // (B, T, Hkv, D)
    const v = proj('v', a, C, Hkv * D); // (B, T, Hkv, D)
    const qr = rope_forward(q, B, T, H, D, theta);
    const kr = rope_forward(k, B, T, Hkv, D, theta);
    const at = attention_forward(qr, kr, v, B, T, H, Hkv, D);
    const o = proj('o', at.out, H * D, C); // (N, C)
    const xMid = xIn.map((val, i) => val + o[i]); // (N, C)
    const n2 = rmsnorm_forward(xMid, P(pre + 'mlp_norm'), N, C, eps);
    const g = proj('gate', n2.out, C, F); // (N, F)
    const u = proj('up', n2.out, C, F); // (N, F)
    const h = swiglu_forward(g, u, N, F); // (N, F)
    const dn = proj('down', h, F, C); // (N, C)
    x = xMid.map((val, i) => val + dn[i]);
    layers.push({
      xIn, a, rstd1: n1.rstd, q, k, v, qr, kr, att: at.att, y: at.out,
      xMid, m: n2.out, rstd2: n2.rstd, g, u, h, lin,
    });
  }
  const nf = rmsnorm_forward(x, P('final_norm'), N, C, eps);
  const head = cfg.tieEmbeddings ? P('wte') : P('lm_head');
  const logits = matmul_forward(nf.out, head, N, C, V); // (N, V)
  const { loss } = cross_entropy_forward(logits, targets, N, V);
  return { logits, loss, layers, xLast: x, xf: nf.out, rstdF: nf.rstd };
}

/** Forward only: mean cross-entropy over the non-ignored targets (`drop`: dropout on every projection input). */
export function model_loss(
  cfg: RefLlamaConfig, params: ParamMap, tokens: Int32Array, targets: Int32Array, B: number, T: number, lora?: RefLora,
  drop?: RefDropout,
): number {
  return model_forward(cfg, params, tokens, targets, B, T, lora, drop).loss;
}

/**
 * Loss, logits (B·T, V) and the gradient of the mean loss w.r.t. every base parameter
 * (always) and every adapter tensor (when `lora` is given); `drop` puts dropout on the input
 * of every base projection (full fine-tuning with dropout).
 */
export function model_forward_backward(
  cfg: RefLlamaConfig, params: ParamMap, tokens: Int32Array, targets: Int32Array, B: number, T: number, lora?: RefLora,
  drop?: RefDropout,
): { loss: number; grads: ParamMap; loraGrads?: ParamMap; logits: Float64Array } {
  const fw = model_forward(cfg, params, tokens, targets, B, T, lora, drop);
  const d = dims(cfg);
  const { V, C, H, Hkv, D, F, theta } = d;
  const N = B * T;
  const P = (name: string) => params.get(name)!;
  const grads: ParamMap = new Map();
  const loraGrads: ParamMap | undefined = lora ? new Map() : undefined;

  const dlogits = cross_entropy_backward(fw.logits, targets, N, V); // (N, V)
  const head = cfg.tieEmbeddings ? P('wte') : P('lm_head');
  const hb = matmul_backward(dlogits, fw.xf, head, N, C, V); // dx (N, C), dw (V, C)
  const fb = rmsnorm_backward(hb.dx, fw.xLast, P('final_norm'), fw.rstdF, N, C);
  let dx = fb.dx; // (N, C) gradient flowing along the residual stream
  const byName = new Map<string, Float64Array>(); // base grads, any order
  const lbyName = new Map<string, Float64Array>(); // adapter grads, any order

  for (let l = d.L - 1; l >= 0; l--) {
    const c = fw.layers[l];
    const pre = `layers.${l}.`;
    const projBack = (p: LoraProj, dy: Float64Array, inp: Float64Array, K: number, M: number) => {
      const info = projInfo(d, p);
      const r = linear_backward(dy, inp, P(pre + info.weight), N, K, M, adapterFor(lora, l, p), c.lin[p], baseDropFor(drop, l, p));
      byName.set(pre + info.weight, r.dw);
      if (r.dA && r.dB) {
        lbyName.set(`${pre}${p}.lora_A`, r.dA);
        lbyName.set(`${pre}${p}.lora_B`, r.dB);
      }
      return r.dx;
    };
    // MLP block: x = xMid + down(swiglu(gate(m), up(m))), m = rmsnorm(xMid)
    const dh = projBack('down', dx, c.h, F, C); // (N, F)
    const sb = swiglu_backward(dh, c.g, c.u, N, F);
    const dmG = projBack('gate', sb.dgate, c.m, C, F); // (N, C)
    const dmU = projBack('up', sb.dup, c.m, C, F); // (N, C)
    const dm = dmG.map((val, i) => val + dmU[i]);
    const n2 = rmsnorm_backward(dm, c.xMid, P(pre + 'mlp_norm'), c.rstd2, N, C);
    byName.set(pre + 'mlp_norm', n2.dw);
    const dxMid = dx.map((val, i) => val + n2.dx[i]); // (N, C)
    // Attention block: xMid = xIn + o(attn(rope(q(a)), rope(k(a)), v(a))), a = rmsnorm(xIn)
    const dy = projBack('o', dxMid, c.y, H * D, C); // (N, H*D)
    const ab = attention_backward(dy, c.qr, c.kr, c.v, c.att, B, T, H, Hkv, D);
    const dq = rope_backward(ab.dq, B, T, H, D, theta);
    const dk = rope_backward(ab.dk, B, T, Hkv, D, theta);
    const daQ = projBack('q', dq, c.a, C, H * D);
    const daK = projBack('k', dk, c.a, C, Hkv * D);
    const daV = projBack('v', ab.dv, c.a, C, Hkv * D);
    const da = daQ.map((val, i) => val + daK[i] + daV[i]); // (N, C)
    const n1 = rmsnorm_backward(da, c.xIn, P(pre + 'attn_norm'), c.rstd1, N, C);
    byName.set(pre + 'attn_norm', n1.dw);
    dx = dxMid.map((val, i) => val + n1.dx[i]);
  }

  const dwte = embedding_backward(dx, tokens, N, V, C); // (V, C)
  if (cfg.tieEmbeddings) for (let i = 0; i < dwte.length; i++) dwte[i] += hb.dw[i];
  // Insert in the canonical order of param_shapes / lora_param_shapes.
  byName.set('wte', dwte);
  byName.set('final_norm', fb.dw);
  if (!cfg.tieEmbeddings) byName.set('lm_head', hb.dw);
  for (const name of param_shapes(cfg).keys()) grads.set(name, byName.get(name)!);
  if (lora && loraGrads) {
    for (const name of lora_param_shapes(cfg, lora.cfg).keys()) loraGrads.set(name, lbyName.get(name)!);
  }
  return { loss: fw.loss, grads, loraGrads, logits: fw.logits };
}
