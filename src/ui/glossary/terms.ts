// The glossary: one definition per term the page uses, in words a student knows, and the
// patterns that find the term in a sentence. Every mention on the page links here: explicitly
// (<Term id="…">) where the page writes the words, or through <GlossaryText> over sentences that
// come from elsewhere (the tour's steps, the findings' claims). Numbers in the definitions are
// computed (ln 256, ln 2), and the noise rule is analysis/noise.ts's own text.
import { VERDICT_RULE } from '../../experiment/analysis/noise';

const LN256 = Math.log(256);
const LN2 = Math.log(2);
const VOCAB = 256;

export interface GlossaryEntry {
  /** The term as the glossary lists it. */
  term: string;
  /** One or two sentences. */
  definition: string;
  /** Longer text, shown in the glossary panel only. */
  more?: string;
  /**
   * How the term is written in the page's sentences, longest first. A lowercase phrase also matches with
   * a capital first letter ("Held-out"); anything else matches as written (acronyms, symbols).
   */
  patterns: readonly string[];
}

export const GLOSSARY = {
  'nats-per-byte': {
    term: 'nats/byte',
    definition:
      `The unit of the losses here: information in nats (natural-log units) per byte of text. A loss of L nats/byte means the model gave ` +
      `the byte that came next a probability of e^−L on (geometric) average. Guessing uniformly among the ${VOCAB} possible bytes scores ` +
      `ln ${VOCAB} = ${LN256.toFixed(2)}; 0 would be always sure and right; lower = better prediction. In bits: divide by ln 2 ` +
      `(${LN2.toFixed(3)}), so ${LN256.toFixed(2)} nats/byte is ${(LN256 / LN2).toFixed(0)} bits/byte.`,
    patterns: ['nats/byte', 'nats per byte', 'nats'],
  },
  'bits-per-byte': {
    term: 'bits/byte',
    definition:
      `The same loss in bits, as compression papers report it: nats/byte ÷ ln 2 (${LN2.toFixed(3)}). ` +
      `Guessing uniformly among ${VOCAB} bytes costs log₂ ${VOCAB} = ${Math.log2(VOCAB)} bits/byte.`,
    patterns: ['bits/byte', 'bits per byte'],
  },
  'held-out': {
    term: 'held-out',
    definition:
      'Set aside: text no method ever trains on, used only to measure. A loss on held-out text shows what a model learned in general, ' +
      'not what it memorised from its training batches.',
    patterns: ['held-out', 'held out'],
  },
  cpt: {
    term: 'CPT (continued pretraining)',
    definition:
      'Training on lots of raw text of the new domain with the same next-token loss as pretraining; in the paper up to 20 billion tokens ' +
      'of Python (StarCoder-Python) or math web pages (OpenWebMath). This playground’s runs on code and English are of this kind.',
    patterns: ['continued pretraining', 'CPT'],
  },
  ift: {
    term: 'IFT (instruction fine-tuning)',
    definition:
      'Training on question–answer pairs, the loss counted on the answers; in the paper Magicoder-Evol-Instruct-110K (code) and ' +
      'MetaMathQA (math). This playground’s math problems with the answer-only loss are the closest to it.',
    patterns: ['instruction fine-tuning', 'instruction tuning', 'IFT'],
  },
  humaneval: {
    term: 'HumanEval',
    definition:
      '164 Python programming problems (a function’s signature and docstring); a completion counts when it passes the problem’s unit tests. ' +
      'The score, pass@1, is the share solved on the first try. The paper’s measure of learning for code.',
    patterns: ['HumanEval'],
  },
  gsm8k: {
    term: 'GSM8K',
    definition:
      'Grade-school math word problems whose answer is a number; the score is the share answered exactly right (1,319 test problems). ' +
      'The paper’s measure of learning for math. The playground’s math accuracy is scored the same way, by exact match.',
    patterns: ['GSM8K'],
  },
  hellaswag: {
    term: 'HellaSwag',
    definition:
      'Multiple choice: pick the most plausible ending of an everyday scene. With ARC-Challenge and WinoGrande, the paper averages it to ' +
      'measure forgetting: the English and common sense the base model already had.',
    patterns: ['HellaSwag'],
  },
  arc: {
    term: 'ARC-Challenge',
    definition:
      'The hard part of the AI2 Reasoning Challenge: grade-school science questions, multiple choice, that simple word matching fails on. ' +
      'One of the paper’s three measures of forgetting.',
    patterns: ['ARC-Challenge', 'ARC'],
  },
  winogrande: {
    term: 'WinoGrande',
    definition:
      'Sentences with a blank where choosing the right one of two options takes common sense (“The trophy did not fit in the suitcase ' +
      'because it was too big”: what was?). One of the paper’s three measures of forgetting.',
    patterns: ['WinoGrande'],
  },
  'pareto-front': {
    term: 'Pareto front',
    definition:
      'Of all checkpoints in the learn–forget plane, the ones no other checkpoint beats on both losses at once (lower target loss and ' +
      'lower source loss). A method with points on the front has the best trade-off there; points behind it are beaten on both.',
    patterns: ['Pareto front', 'Pareto'],
  },
  'equal-learning': {
    term: 'equal learning',
    definition:
      'Comparing methods when each first reached the same held-out target loss (the same amount learned) and asking how much each ' +
      'had forgotten by then. It tells “forgets less” from “learned less”: a method that learned little usually forgot little too.',
    patterns: ['equal learning'],
  },
  rank90: {
    term: 'rank@90%',
    definition:
      'The fewest directions (singular vectors) of a weight change ΔW that hold 90% of its energy, the sum of its squared singular values. ' +
      'Low: the change is concentrated in a few directions. A LoRA update has rank at most r; no matrix’s rank exceeds its smaller side.',
    patterns: ['rank@90%'],
  },
  intruders: {
    term: 'intruder dimensions',
    definition:
      'Top singular vectors of a fine-tuned weight matrix that are far from every singular vector of the base matrix (|cos| below a ' +
      'threshold): new directions the fine-tuning put in. Shuttleworth et al. (2024) found that LoRA makes them and full fine-tuning hardly does.',
    patterns: ['intruder dimensions', 'intruders', 'intruder'],
  },
  'delta-w': {
    term: 'ΔW (weight change)',
    definition:
      'The fine-tuned weights minus the base model’s: ΔW = W_fine-tuned − W_base, per matrix. For LoRA it is the adapter’s (α/r)·B·A.',
    patterns: ['ΔW'],
  },
  'alpha-r': {
    term: 'α/r (LoRA scale)',
    definition:
      'LoRA adds (α/r)·B·A to a weight matrix: B·A has rank r, and alpha α sets the scale. With α = 2r the scale is 2 at every rank, ' +
      'so changing r does not change the size of the update. rsLoRA divides by √r instead.',
    patterns: ['α/r', 'alpha/r'],
  },
  rslora: {
    term: 'rsLoRA',
    definition:
      'Rank-stabilised LoRA (Kalajdzievski 2023): the update is scaled by α/√r instead of α/r, so a higher rank does not shrink what each ' +
      'direction learns, and higher ranks can learn more.',
    patterns: ['rsLoRA'],
  },
  noise: {
    term: 'within noise (seed-to-seed range)',
    definition:
      'The same run with another seed (another batch order, LoRA initialisation and dropout) gives slightly different numbers; their ' +
      'seed-to-seed range is max − min over the seeds. A difference between methods counts only beyond that range; a smaller one is ' +
      '“within noise at this scale”: no verdict either way.',
    more: VERDICT_RULE,
    patterns: ['within noise', 'seed-to-seed range', 'seed-to-seed'],
  },
  interpolated: {
    term: 'interpolated',
    definition:
      'Read off a straight line between two evaluations. Losses are measured every few steps, so the step where a loss first crossed a ' +
      'level (and the other loss at that moment) lies between the evaluation before and the one after; such a step has decimals.',
    patterns: ['interpolated', 'interpolation'],
  },
} as const satisfies Record<string, GlossaryEntry>;

export type TermId = keyof typeof GLOSSARY;
export const TERM_IDS = Object.keys(GLOSSARY) as TermId[];

/** The id an entry's <dfn> has in the glossary panel. */
export const termAnchor = (id: TermId) => `ll-gloss-${id}`;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A lowercase phrase also matches with its first letter capitalised; the rest as written. Whole words only. */
function patternSource(p: string): string {
  const first = p[0];
  const head = first.toLowerCase() === first && first.toUpperCase() !== first ? `[${first}${first.toUpperCase()}]` : escape(first);
  // \b needs a word character at the edge: ΔW, α/r and rank@90% end in other characters.
  const start = /^\w/.test(p) ? '(?<![\\w-])' : '';
  const end = /\w$/.test(p) ? '(?![\\w-])' : '(?!\\w)';
  return `${start}${head}${escape(p.slice(1))}${end}`;
}

const ALL = TERM_IDS.flatMap((id) => GLOSSARY[id].patterns.map((p) => ({ id, p })))
  // Longest first, so "ARC-Challenge" wins over "ARC" and "nats/byte" over "nats".
  .sort((a, b) => b.p.length - a.p.length);
const MATCHER = new RegExp(ALL.map(({ p }) => `(${patternSource(p)})`).join('|'), 'g');

/** A piece of a sentence: plain text, or a mention of a glossary term. */
export type Piece = string | { id: TermId; text: string };

/** Splits a sentence into text and term mentions, linking the first mention of each term only (`seen` carries over between calls). */
export function splitTerms(text: string, seen: Set<TermId> = new Set()): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  for (const m of text.matchAll(MATCHER)) {
    const k = m.slice(1).findIndex((g) => g !== undefined);
    const id = ALL[k].id;
    if (seen.has(id)) continue;
    seen.add(id);
    if (m.index > at) out.push(text.slice(at, m.index));
    out.push({ id, text: m[0] });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}
