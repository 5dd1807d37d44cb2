// What the suite measures at which shapes: the matmul shapes a training step of each model
// size runs (projections, MLP, LoRA's rank-r products), the (B, T) per size, and the methods
// of the training-step benchmark.

import { MODEL_SIZES, type LlamaConfig } from '../../engine/index';

export type SizeName = keyof typeof MODEL_SIZES;

/** (B, T) per size: the shipped base model trains at 8×64. */
export const STEP_BATCH: Record<SizeName, [number, number]> = { tiny: [4, 32], base: [8, 64], small: [8, 128] };

export interface MatmulShape {
  group: string;
  rows: number;
  inDim: number;
  outDim: number;
}

/** Rank of the LoRA shapes in the matmul benchmark (the paper's and the presets' usual r). */
export const MATMUL_LORA_RANK = 8;

/** The linear layers of one training step at a size: tokens × in × out. */
export function modelMatmulShapes(size: SizeName, cfg: LlamaConfig = MODEL_SIZES[size], rank = MATMUL_LORA_RANK): MatmulShape[] {
  const [B, T] = STEP_BATCH[size];
  const rows = B * T;
  const d = cfg.dModel;
  const f = cfg.ffnDim;
  return [
    { group: `${size} q/o: tokens×d×d`, rows, inDim: d, outDim: d },
    { group: `${size} gate/up: tokens×d×ffn`, rows, inDim: d, outDim: f },
    { group: `${size} down: tokens×ffn×d`, rows, inDim: f, outDim: d },
    { group: `${size} LoRA A: tokens×d×r${rank}`, rows, inDim: d, outDim: rank },
    { group: `${size} LoRA B: tokens×r${rank}×d`, rows, inDim: rank, outDim: d },
  ];
}

export const CUBE_1024: MatmulShape = { group: '1024³', rows: 1024, inDim: 1024, outDim: 1024 };

export const STEP_RANKS = [1, 8, 64] as const;
