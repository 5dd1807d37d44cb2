// Named sweeps, one per question of the paper a grid answers (learning-rate sensitivity, rank,
// target modules, regularizers; the learn–forget plane comes with each). Sized for the shipped
// model (d_model 64, 2 layers): a lockstep step of six cells at B=8, T=64 takes tens of
// milliseconds on a laptop GPU, so each preset finishes in minutes (on SwiftShader, hours).

import { PROJECTIONS } from '../../engine/index';
import { autoLabel, methodDefaults, type MethodConfig } from '../config';
import { parseSweep, type SweepConfig, type SweepFamily, type SweepInput } from './config';

type LoraFamily = Extract<SweepFamily, { kind: 'lora' }>;
type FullFamily = Extract<SweepFamily, { kind: 'full' }>;

/** A new family's settings: a method's defaults (config.ts methodDefaults) without its one learning rate. */
export function familyDefaults<K extends MethodConfig['kind']>(kind: K): Omit<ReturnType<typeof methodDefaults<K>>, 'lr'> {
  const { lr: _lr, ...rest } = methodDefaults(kind);
  return rest;
}

const full = (id: string, lrs: number[], extra: Partial<FullFamily> = {}): FullFamily => ({
  id, label: 'Full FT', ...familyDefaults('full'), lrs, ...extra,
});

/** A LoRA family at `rank` with alpha = 2r and the automatic label. */
export const loraFamily = (id: string, rank: number, lrs: number[], extra: Partial<LoraFamily> = {}): LoraFamily => ({
  id, label: autoLabel('lora', rank), ...familyDefaults('lora'), rank, alpha: 2 * rank, lrs, ...extra,
});
const lora = loraFamily;

/** The playground's shared settings (as in the experiment presets), without diversity sampling: a sweep has many cells. */
const shared = {
  version: 1 as const, base: 'base', steps: 200, batchSize: 8, seqLen: 64,
  schedule: { kind: 'constant' as const, warmupSteps: 10 }, maxGradNorm: 1, seed: 1, evalInterval: 20, evalBatches: 4,
  diversity: { samples: 0, length: 24, temperature: 1 },
  source: { domain: 'english' as const }, target: { domain: 'code' as const },
};

const sweep = (s: Partial<SweepInput> & Pick<SweepInput, 'families'>): SweepConfig => parseSweep({ ...shared, ...s });

export const SWEEP_PRESETS: Record<string, { title: string; description: string; findings: number[]; sweep: SweepConfig }> = {
  'lr-code': {
    title: 'Learning rates, English → code',
    description:
      'Full fine-tuning at 4 learning rates around 1e-3 and LoRA r=8 (all modules, α = 2r) at 5 around 1e-2, wide enough ' +
      'that each method’s best learning rate can sit inside the grid. Compares the methods at their own best rate, ' +
      'shows how sensitive each is to the rate, and puts every checkpoint on the learn–forget plane.',
    findings: [1, 2, 3, 7],
    sweep: sweep({ families: [full('full', [3e-4, 1e-3, 3e-3, 1e-2]), lora('r8', 8, [1e-3, 3e-3, 1e-2, 3e-2, 1e-1])] }),
  },
  'rank-code': {
    title: 'LoRA rank, English → code',
    description:
      'LoRA on all modules at ranks 1, 4, 16 and 64 (α = 2r, two learning rates each), with full fine-tuning as the ' +
      'reference. The model’s width is 64, so rank 64 can already change every square matrix in any direction: ' +
      'it is full-rank there, and what still sets it apart from full fine-tuning is its parametrisation and that the ' +
      'embeddings and norms stay frozen.',
    findings: [1, 2, 3],
    sweep: sweep({
      families: [
        lora('r1', 1, [3e-3, 1e-2]), lora('r4', 4, [3e-3, 1e-2]), lora('r16', 16, [3e-3, 1e-2]), lora('r64', 64, [3e-3, 1e-2]),
        full('full', [1e-3, 3e-3]),
      ],
    }),
  },
  'modules-code': {
    title: 'Target modules, English → code',
    description:
      'LoRA r=8 (α = 16) on the attention projections (q, k, v, o), on the MLP (gate, up, down), or on all seven, ' +
      'each at three learning rates: which modules to adapt at equal rank.',
    findings: [8],
    sweep: sweep({
      families: [
        lora('attn', 8, [3e-3, 1e-2, 3e-2], { label: 'LoRA r=8 attention', targets: ['q', 'k', 'v', 'o'] }),
        lora('mlp', 8, [3e-3, 1e-2, 3e-2], { label: 'LoRA r=8 MLP', targets: ['gate', 'up', 'down'] }),
        lora('all', 8, [3e-3, 1e-2, 3e-2], { label: 'LoRA r=8 all' }),
      ],
    }),
  },
  'modules-ranks-code': {
    title: 'Target modules × rank, English → code',
    description:
      'LoRA on the attention projections, on the MLP, or on all seven, each at ranks 1, 8 and 64 (α = 2r), all at ' +
      '1e-2 (LoRA r=8’s best rate in the learning-rate sweep): does the choice of modules matter more than the rank?',
    findings: [8],
    sweep: sweep({
      families: (['attention', 'mlp', 'all'] as const).flatMap((m) => [1, 8, 64].map((r) => lora(`${m.slice(0, 3)}${r}`, r, [1e-2], {
        label: `LoRA r=${r} ${m === 'all' ? 'all' : m === 'mlp' ? 'MLP' : 'attention'}`,
        targets: m === 'attention' ? ['q', 'k', 'v', 'o'] : m === 'mlp' ? ['gate', 'up', 'down'] : [...PROJECTIONS],
      }))),
    }),
  },
  'regularizers-code': {
    title: 'Regularizers, English → code',
    description:
      'Full fine-tuning plain, with weight decay 0.1 and with dropout 0.1 on every projection input, next to LoRA r=8, ' +
      'each at two learning rates: does LoRA limit forgetting more than the usual regularizers do?',
    findings: [4],
    sweep: sweep({
      families: [
        full('full', [1e-3, 3e-3]),
        full('wd', [1e-3, 3e-3], { label: 'Full FT + weight decay 0.1', weightDecay: 0.1 }),
        full('drop', [1e-3, 3e-3], { label: 'Full FT + dropout 0.1', dropout: 0.1 }),
        lora('r8', 8, [3e-3, 1e-2]),
      ],
    }),
  },
  'lr-math': {
    title: 'Learning rates, English → math',
    description:
      'Full fine-tuning and LoRA r=8 (all modules) at three learning rates each on arithmetic problems, scored by held-out ' +
      'loss of the answers (trained on answers only, like the English → math experiment) and by exact-match accuracy.',
    findings: [1, 2, 7],
    sweep: sweep({
      target: { domain: 'math', answerOnly: true },
      families: [full('full', [1e-3, 3e-3, 1e-2]), lora('r8', 8, [3e-3, 1e-2, 3e-2])],
    }),
  },
};

export const DEFAULT_SWEEP_PRESET = 'lr-code';
