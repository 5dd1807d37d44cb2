// The guided tour's script: a first step that explains the setup, then one step per finding of the
// paper, each with a short text, the experiment or sweep its button configures and starts, the charts
// to look at, and the experiments that probe a disagreement. Nothing here states what this toy scale
// measured: that comes from the results file (tour/results.ts, written by `npm run tour-results`) or
// from the student's own finished run, so no sentence can be contradicted by the data.

import { parseExperiment, PRESETS, type ExperimentConfig } from '../config';
import { parseSweep, type SweepConfig } from '../sweep/config';
import { SWEEP_PRESETS } from '../sweep/presets';

/** What a tour button trains: an experiment (several methods in lockstep) or a sweep (a grid of runs). */
export type TourRun =
  | {
    id: string; kind: 'experiment'; title: string; preset: string; config: ExperimentConfig; measured: boolean; classroomOf?: string;
    /** Finding 6 at a second width: the narrower run (a TOUR_RUNS key) this one's weight-change rank is compared with. */
    widthOf?: string;
  }
  | { id: string; kind: 'sweep'; title: string; preset: string; sweep: SweepConfig; measured: boolean; classroomOf?: string };

/** An experiment that asks why the toy scale disagrees with the paper. */
export interface TourProbe {
  run: string;
  label: string;
  why: string;
}

export interface TourStep {
  id: string;
  /** The finding of PAPER.md (1–8); null for the setup step. */
  finding: number | null;
  title: string;
  /** Short paragraphs: what the finding means and how the page measures it. */
  text: string[];
  /** The run the step's button starts (a key of TOUR_RUNS). */
  run: string;
  /** Which charts to highlight (their data-chart names) and what to look for in them. */
  look: { charts: string[]; what: string };
  /** Offered when what was measured disagrees with the paper, or agrees only in part. */
  probes: TourProbe[];
  /** Further measured runs whose claim for this finding is always shown under the step's own (finding 6's second width). */
  also?: string[];
}

const presetRun = (id: string, measured = true): TourRun => ({
  id, kind: 'experiment', title: PRESETS[id].title, preset: id, config: PRESETS[id].config, measured,
});
const sweepRun = (id: string, measured = true): TourRun => ({
  id, kind: 'sweep', title: SWEEP_PRESETS[id].title, preset: id, sweep: SWEEP_PRESETS[id].sweep, measured,
});

/** Every run the tour can start; `measured` ones are in the results file. */
export const TOUR_RUNS: Readonly<Record<string, TourRun>> = {
  'english-code': presetRun('english-code'),
  'lr-code': sweepRun('lr-code'),
  'regularizers-code': sweepRun('regularizers-code'),
  // Finding 8 as stated: modules against rank, three seeds. The modules sweep at three rates each (one seed) is its probe.
  'modules-code': sweepRun('modules-code', false),
  'modules-ranks-code': sweepRun('modules-ranks-code'),
  'rank-code': sweepRun('rank-code', false),
  'long-code': {
    id: 'long-code', kind: 'experiment', title: 'English → code, 1000 steps', preset: 'english-code',
    config: parseExperiment({ ...PRESETS['english-code'].config, steps: 1000, evalInterval: 50 }), measured: false,
  },
  // The larger shipped base: the same runs, only the base differing, so only the model size changes.
  'lr-code-small': {
    id: 'lr-code-small', kind: 'sweep', title: 'Learning rates, English → code, on the 820k small base', preset: 'lr-code',
    sweep: parseSweep({ ...SWEEP_PRESETS['lr-code'].sweep, base: 'small' }), measured: true,
  },
  // Finding 5 needs measures that can move: at 8 samples × 24 bytes every completion and word bigram is distinct
  // for every model. 16 samples × 64 bytes leave word unigrams and self-similarity off their bounds on the base
  // model (distinct-1 0.76–0.82, self-similarity 0.01, seeds 1–2); evaluating every 40 steps keeps the run's time
  // near the experiment's.
  'diversity-code': {
    id: 'diversity-code', kind: 'experiment', title: 'English → code, 16 samples × 64 bytes at every evaluation', preset: 'english-code',
    config: parseExperiment({ ...PRESETS['english-code'].config, evalInterval: 40, diversity: { samples: 16, length: 64, temperature: 1 } }), measured: true,
  },
  'english-code-small': {
    id: 'english-code-small', kind: 'experiment', title: 'English → code on the 820k small base', preset: 'english-code',
    config: parseExperiment({ ...PRESETS['english-code'].config, base: 'small' }), measured: false,
  },
  // Finding 6 at a second width: full fine-tuning and LoRA r=8 only, no samples, evaluated at steps 100 and 200 (rank@90%
  // is computed at every evaluation): the lean version of english-code-small, so three seeds fit a night on a CPU. Its
  // finding-6 claim compares it with english-code (on the 64-wide “base” base), shown under the high-rank step's own.
  'rank-width-small': {
    id: 'rank-width-small', kind: 'experiment', title: 'Weight-change rank on the 128-wide small base: full fine-tuning and LoRA r=8', preset: 'english-code',
    config: parseExperiment({
      ...PRESETS['english-code'].config, base: 'small', evalInterval: 100, evalBatches: 2, diversity: { samples: 0, length: 24, temperature: 1 },
      methods: PRESETS['english-code'].config.methods.filter((m) => m.id === 'full' || m.id === 'r8'),
    }),
    measured: true, widthOf: 'english-code',
  },
  'regularizers-code-small': {
    id: 'regularizers-code-small', kind: 'sweep', title: 'Regularizers, English → code, on the 820k small base', preset: 'regularizers-code',
    sweep: parseSweep({ ...SWEEP_PRESETS['regularizers-code'].sweep, base: 'small' }), measured: false,
  },
};

const SIZE_WHY = 'The small base has 7× the parameters (d_model 128, 4 layers, 820k)';
const SIZE: TourProbe = {
  run: 'lr-code-small', label: 'The same learning-rate sweep on the larger base',
  why: `${SIZE_WHY}: does LoRA’s place on the learn–forget front change as the model grows? Nine runs (slow on a CPU emulator).`,
};
const SIZE_RUN: TourProbe = {
  run: 'english-code-small', label: 'This experiment on the larger base',
  why: `${SIZE_WHY}, and there rank 64 is half the width instead of all of it.`,
};
const SIZE_REG: TourProbe = {
  run: 'regularizers-code-small', label: 'The regularizer sweep on the larger base',
  why: `${SIZE_WHY}: does weight decay or dropout do more for full fine-tuning there?`,
};
const LONG: TourProbe = {
  run: 'long-code', label: 'Train 5× longer',
  why: 'The paper trains for billions of tokens; here 200 steps see about 100k bytes. A longer run shows whether the gap closes or widens.',
};
const LRS: TourProbe = {
  run: 'lr-code', label: 'Compare at each method’s best learning rate',
  why: 'One learning rate per method can favour either side; the sweep compares each at its own best rate.',
};
const MODULES_LRS: TourProbe = {
  run: 'modules-code', label: 'Each module set at three learning rates (r=8)',
  why: 'One rate for every cell can favour some modules over others; this sweep gives attention, MLP and all three rates each and compares them at their own best.',
};
const RANKS: TourProbe = {
  run: 'rank-code', label: 'Try ranks 1 to 64',
  why: 'At d_model 64, rank 64 can change any square matrix in any direction; the rank sweep shows where rank stops mattering.',
};

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'setup', finding: null, title: 'The setup: one base model, two domains, two losses',
    text: [
      'A small Llama-style model was pretrained on English prose (the Brown Corpus): that is its source domain, what it already knows. ' +
        'We fine-tune it on JavaScript source code, the target domain, with full fine-tuning (every weight trains) and with LoRA ' +
        '(the weights stay frozen; a low-rank update B·A of rank r is learned for each projection).',
      'Every method trains on the same batches from the same start. Every few steps the page measures two held-out losses, in nats per byte ' +
        '(lower is better): the loss on unseen code says how much a method has learned, and the loss on unseen English says how much it has ' +
        'forgotten. The paper (Biderman et al. 2024) did the same with Llama-2-7B on billions of tokens of code and math.',
    ],
    run: 'english-code',
    look: { charts: ['targetLoss', 'sourceLoss'], what: 'Both curves start at the base model (step 0). Code loss falls as a method learns; English loss rises as it forgets.' },
    probes: [],
  },
  {
    id: 'learns-less', finding: 1, title: 'Finding 1: LoRA learns less',
    text: [
      'Full fine-tuning can change every weight; LoRA only adds a low-rank change. The paper found that on code and math this costs LoRA ' +
        'target-domain skill, most of all in continued pretraining on code.',
    ],
    run: 'english-code',
    look: { charts: ['targetLoss'], what: 'Which curve ends lowest? Lower held-out code loss means the method learned more.' },
    probes: [LRS, SIZE],
  },
  {
    id: 'forgets-less', finding: 2, title: 'Finding 2: LoRA forgets less',
    text: [
      'The other side of the coin: with the base weights frozen, LoRA stays closer to the base model, so its skill on the source domain ' +
        'degrades less. The paper measured forgetting on the source domain at the point of best target skill.',
    ],
    run: 'english-code',
    look: { charts: ['sourceLoss'], what: 'How far does each curve rise above the base model’s English loss at step 0? Higher means more forgetting.' },
    probes: [LRS, SIZE, LONG],
  },
  {
    id: 'one-curve', finding: 3, title: 'Finding 3: one learn–forget trade-off',
    text: [
      'Put every checkpoint on one plane: learning (target loss) on one axis, forgetting (source loss) on the other. The paper found ' +
        'LoRA and full fine-tuning on roughly one curve: LoRA is not a free lunch, it sits at the learns-less, forgets-less end.',
      'The question to ask is: at equal learning, who forgot less? The points on the Pareto front are the best trade-offs measured.',
    ],
    run: 'lr-code',
    look: { charts: ['plane'], what: 'Which method’s checkpoints lie on the Pareto front (the heavy line)? At the same target loss, which one sits lower (forgot less)?' },
    probes: [SIZE, LONG],
  },
  {
    id: 'regularizer', finding: 4, title: 'Finding 4: a stronger regularizer than weight decay or dropout',
    text: [
      'If LoRA forgets less because it constrains the update, do the usual regularizers do the same for full fine-tuning? ' +
        'This sweep trains full fine-tuning plain, with weight decay 0.1 and with dropout 0.1, next to LoRA r=8.',
    ],
    run: 'regularizers-code',
    look: { charts: ['plane', 'lr-source'], what: 'Compare the forgetting of the regularized full fine-tuning with LoRA’s at their best learning rates.' },
    probes: [SIZE_REG],
  },
  {
    id: 'diversity', finding: 5, title: 'Finding 5: more diverse generations',
    text: [
      'The paper found that full fine-tuning collapses towards fewer distinct completions of a prompt, while LoRA keeps more of the base ' +
        'model’s diversity. The page samples completions of one prompt at every evaluation and measures how varied they are: distinct ' +
        'completions and words, how much the samples share with each other (self-similarity), and the per-byte entropy.',
      'A measure only counts if it can move: at temperature 1 a toy model’s short samples are all distinct, so those measures are left out ' +
        'when every model sits at their bound. Entropy mostly says how little a method learned, so the methods are also compared at equal learning.',
    ],
    run: 'diversity-code',
    look: { charts: ['diversity', 'entropy'], what: 'Do full fine-tuning’s samples become less varied (fewer distinct, lower entropy) than LoRA’s? The Generations panel shows the text.' },
    probes: [LONG, SIZE_RUN],
  },
  {
    id: 'high-rank', finding: 6, title: 'Finding 6: full fine-tuning’s weight change is high-rank',
    text: [
      'Why can’t LoRA simply match full fine-tuning? Take the weight change ΔW of full fine-tuning and ask how many singular directions ' +
        'it needs for 90% of its energy. The paper found ranks 10–100× larger than the ranks LoRA is used with, growing during training.',
      'At this scale the model is 64 wide: no matrix has a rank above 64, so against LoRA r=8 no ratio above 8× is possible, and LoRA ' +
        'r=64 is already full rank. The page therefore also gives rank@90% as a share of each matrix’s full rank, and a second run, ' +
        'full fine-tuning and LoRA r=8 on the 128-wide small base (which is also deeper: 4 layers), shows whether full fine-tuning’s ' +
        'lead over LoRA grows as the model grows.',
    ],
    run: 'english-code',
    look: { charts: ['rank90'], what: 'How many directions does full fine-tuning’s ΔW need, and does it grow over training? Open the spectra panel for each matrix.' },
    probes: [SIZE_RUN, RANKS],
    also: ['rank-width-small'],
  },
  {
    id: 'lr-sensitivity', finding: 7, title: 'Finding 7: LoRA wants a higher learning rate and is more sensitive to it',
    text: [
      'Every method has its own best learning rate. The paper found LoRA’s about 10× full fine-tuning’s, and LoRA’s results falling off ' +
        'faster when the rate is off. A sweep trains each method at several rates.',
    ],
    run: 'lr-code',
    look: { charts: ['lr-target', 'lr-source'], what: 'Where is each curve’s minimum, and how steeply does it rise on either side?' },
    probes: [SIZE],
  },
  {
    id: 'best-practices', finding: 8, title: 'Finding 8: best practices — target every module',
    text: [
      'The paper’s advice: apply LoRA to every module (All > MLP > Attention), and the choice of modules matters more than the rank. ' +
        'This sweep puts LoRA on the attention projections, on the MLP, or on all seven, each at ranks 1, 8 and 64, all at 1e-2 ' +
        '(LoRA r=8’s best rate in the learning-rate sweep): nine runs that answer both questions.',
    ],
    run: 'modules-ranks-code',
    look: { charts: ['rank-target', 'rank-source'], what: 'Follow each module set’s line from rank 1 to 64: do the lines sit apart (modules matter) or does each line fall steeply (rank matters)?' },
    probes: [MODULES_LRS, RANKS],
  },
];

export const TOUR_STEP_IDS: readonly string[] = TOUR_STEPS.map((s) => s.id);

/** The step with this id, or null (an unknown `?tour=` value). */
export function tourStep(id: string | null | undefined): TourStep | null {
  return TOUR_STEPS.find((s) => s.id === id) ?? null;
}

/** The same run with another seed (the batches' order, the adapters' initialisation and dropout masks; the base stays). */
export function seededRun(r: TourRun, seed: number): TourRun {
  return r.kind === 'experiment' ? { ...r, config: { ...r.config, seed } } : { ...r, sweep: { ...r.sweep, seed } };
}

/** The runs the results file must hold: every step's run and probe that is marked measured. */
export function measuredRuns(): TourRun[] {
  return Object.values(TOUR_RUNS).filter((r) => r.measured);
}

/**
 * The classroom version of a run: the same methods, base, data and seed, trained for a lesson's
 * time instead of the reference's. Fewer steps (evaluated more often, so the curves keep their
 * shape) and, in a sweep, at most `rates` learning rates per family: the middle ones, leaning to the
 * higher side (a short run favours higher rates). Derived, never shipped: no results file holds it,
 * so the tour draws the full run's reference beside it and says so.
 */
export const CLASSROOM = { steps: 60, evalInterval: 10, rates: 3 } as const;

/** The middle `keep` rates of a family's grid (for an even surplus, one more from the high end). */
export function middleRates(lrs: readonly number[], keep: number = CLASSROOM.rates): number[] {
  if (lrs.length <= keep) return [...lrs];
  const start = Math.ceil((lrs.length - keep) / 2);
  return lrs.slice(start, start + keep);
}

export function classroomRun(r: TourRun): TourRun {
  const id = `${r.id}-classroom`;
  const title = `${r.title}, classroom version (${CLASSROOM.steps} steps)`;
  const short = { steps: CLASSROOM.steps, evalInterval: CLASSROOM.evalInterval };
  if (r.kind === 'experiment') {
    return { id, kind: 'experiment', title, preset: r.preset, config: parseExperiment({ ...r.config, ...short }), measured: false, classroomOf: r.id };
  }
  const families = r.sweep.families.map((f) => ({ ...f, lrs: middleRates(f.lrs) }));
  return { id, kind: 'sweep', title, preset: r.preset, sweep: parseSweep({ ...r.sweep, ...short, families }), measured: false, classroomOf: r.id };
}
