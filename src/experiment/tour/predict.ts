// "Predict first" (issue 20, item 9): for each tour step a question with two answers, the paper's
// and the other one, that a student picks before the step's reference is revealed. Whether the pick
// matched is never typed here: it is read off the verdict of the step's finding in the results file
// (the same claim, same verdict, the tour card shows), so the reveal cannot contradict the page.
// Mixed verdicts match "in part"; within-noise and inconclusive ones say the data cannot tell.
// The setup step's question (which way the source loss moves) is read off the run's own losses.

import type { Verdict } from '../analysis/claims';
import type { RunSummary, TourResults } from './results';
import { stepMeasured } from './results';
import type { TourStep } from './steps';

/** 'paper': what the paper found (for the setup step: what fine-tuning usually does); 'other': the opposite. */
export type PredictPick = 'paper' | 'other';

export interface PredictPrompt {
  question: string;
  paper: string;
  other: string;
  /** Which answer is listed first (alternating, so the paper's is not always the top one). */
  first: PredictPick;
}

/** One prompt per step id. */
export const PREDICTIONS: Readonly<Record<string, PredictPrompt>> = {
  setup: {
    question: 'While the model fine-tunes on code, what happens to its loss on held-out English?',
    paper: 'It rises: the model forgets some English', other: 'It stays or falls: learning code does not hurt English', first: 'other',
  },
  'learns-less': {
    question: 'Which ends with the lower held-out code loss, that is, learns more?',
    paper: 'Full fine-tuning', other: 'LoRA', first: 'other',
  },
  'forgets-less': {
    question: 'Whose English loss rises less, that is, who forgets less?',
    paper: 'LoRA', other: 'Full fine-tuning', first: 'paper',
  },
  'one-curve': {
    question: 'At equal learning (the same code loss), do LoRA and full fine-tuning forget about the same?',
    paper: 'Yes: one shared trade-off curve', other: 'No: one of them forgets less for the same learning', first: 'other',
  },
  regularizer: {
    question: 'With weight decay or dropout, does full fine-tuning still forget more than LoRA?',
    paper: 'Yes: LoRA still forgets less', other: 'No: the regularized full fine-tuning forgets less', first: 'paper',
  },
  diversity: {
    question: 'Whose sampled completions stay more varied?',
    paper: 'LoRA’s', other: 'Full fine-tuning’s', first: 'other',
  },
  'high-rank': {
    question: 'Does full fine-tuning’s weight change need more directions (rank for 90% of its energy) than a LoRA rank gives?',
    paper: 'Yes: it is high-rank', other: 'No: a low rank holds it', first: 'paper',
  },
  'lr-sensitivity': {
    question: 'Does LoRA want a higher learning rate than full fine-tuning, and suffer more when the rate is off?',
    paper: 'Yes, both', other: 'No: full fine-tuning wants the higher rate and is the more sensitive', first: 'other',
  },
  'best-practices': {
    question: 'At the same rank, which LoRA learns most: on every module, on the MLP only, or on attention only?',
    paper: 'Every module (then MLP, then attention)', other: 'The reverse: fewer modules learn more', first: 'paper',
  },
};

/** What the data on the page says, in the prompt's terms. */
export type Outcome = PredictPick | 'partly' | 'cannot-tell' | 'not-measured';

export interface PredictAnswer {
  outcome: Outcome;
  /** The finding's verdict (null for the setup step). */
  verdict: Verdict | null;
  /** One seed measured before the noise rule: a hint, not a verdict. */
  legacy: boolean;
  /** The sentence the tour card shows as measured. */
  measured: string;
  seeds: number;
}

const OUTCOME: Record<Verdict, Outcome> = {
  agrees: 'paper', disagrees: 'other', mixed: 'partly', 'within-noise': 'cannot-tell', inconclusive: 'cannot-tell', 'not-measured': 'not-measured',
};

/** The setup step: every method's source loss above the base model's (beyond its seed range) is "rises". */
function sourceDirection(s: RunSummary): Outcome {
  if (!s.baseline || !s.finals.length) return 'not-measured';
  const b = s.baseline.sourceLoss;
  const up = s.finals.filter((f) => (f.sourceRange?.[0] ?? f.sourceLoss) > b).length;
  const down = s.finals.filter((f) => (f.sourceRange?.[1] ?? f.sourceLoss) <= b).length;
  if (up === s.finals.length) return 'paper';
  if (down === s.finals.length) return 'other';
  return up + down === s.finals.length ? 'partly' : 'cannot-tell';
}

/** The answer to a step's prompt from the results file; null when the file has no numbers for its run. */
export function answerOf(step: TourStep, results: TourResults | null): PredictAnswer | null {
  const run = results?.runs[step.run];
  if (!run) return null;
  const m = stepMeasured(step, run);
  const outcome = step.finding === null ? sourceDirection(run) : OUTCOME[m.verdict ?? 'not-measured'];
  return { outcome, verdict: m.verdict, legacy: run.legacy === true, measured: m.text, seeds: run.seeds.length };
}

/** The answer in the prompt's words (a teacher's key). */
export function outcomeWords(p: PredictPrompt, a: PredictAnswer): string {
  const hint = a.legacy ? ' (one seed, not judged against the seed-to-seed noise: a hint, not a verdict)' : '';
  switch (a.outcome) {
    case 'paper':
      return `“${p.paper}”${hint}`;
    case 'other':
      return `“${p.other}”${hint}`;
    case 'partly':
      return `Partly each: the data is mixed${hint}`;
    case 'cannot-tell':
      return a.verdict === 'inconclusive'
        ? 'The data cannot tell: the grid cannot decide it'
        : 'The data cannot tell: the differences are within the seed-to-seed noise';
    default:
      return 'Not measured by this step’s run';
  }
}

export type Match = 'matched' | 'not-matched' | 'partly' | 'cannot-tell' | 'not-measured';

/** Whether a pick matched the data. */
export function matchOf(pick: PredictPick, a: PredictAnswer): Match {
  if (a.outcome === 'paper' || a.outcome === 'other') return a.outcome === pick ? 'matched' : 'not-matched';
  return a.outcome;
}

/** The reveal's sentence after a pick. */
export function revealText(p: PredictPrompt, pick: PredictPick, a: PredictAnswer): string {
  const said = `You predicted “${pick === 'paper' ? p.paper : p.other}”.`;
  const data = `The data on this page: ${outcomeWords(p, a)}.`;
  const verdict: Record<Match, string> = {
    matched: 'Your prediction matched.',
    'not-matched': 'Your prediction did not match.',
    partly: 'Your prediction matched only in part.',
    'cannot-tell': 'So the data cannot say whether your prediction was right.',
    'not-measured': 'So there is nothing to check it against yet.',
  };
  return `${said} ${data} ${verdict[matchOf(pick, a)]}`;
}
