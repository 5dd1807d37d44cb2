// The tour as a class worksheet (issue 20, item 9): for every step the prediction to make, the
// link that opens the step and the command that re-measures its run, what to look at, and a
// teacher's answer key at the end. Everything in the key comes from the results file (the step's
// verdict, its measured sentence, its seeds, how it was measured), through the same predict.ts
// outcome the tour's reveal uses: a key that disagreed with the page would be a bug here, not a
// typo. Markdown and a printable HTML page (the key starts on a new sheet). Pure strings.

import { PAPER, VERDICT_LABEL } from '../analysis/claims-text';
import type { TourResults } from './results';
import { answerOf, outcomeWords, PREDICTIONS, type PredictPick } from './predict';
import { classroomRun, TOUR_RUNS, TOUR_STEPS, type TourRun, type TourStep } from './steps';

/** The verdicts as the findings box words them. */
export const VERDICT_WORDS = VERDICT_LABEL;

export interface WorksheetOptions {
  /** The page's address (its origin and path, no query): step links are built from it. */
  pageUrl: string;
}

/**
 * The step's link, as the tour's "Copy a link to this step" builds it with "predict first" on: the page opens
 * with the step's reference hidden until the student has picked an answer, as the worksheet asks.
 */
export function stepUrl(pageUrl: string, id: string): string {
  const u = new URL(pageUrl);
  u.search = '';
  u.hash = '';
  u.searchParams.set('tour', id);
  u.searchParams.set('predict', '1');
  return u.toString();
}

function runSize(r: TourRun): string {
  if (r.kind === 'experiment') return `${r.config.methods.length} methods × ${r.config.steps} steps`;
  return `${r.sweep.families.reduce((n, f) => n + f.lrs.length, 0)} runs × ${r.sweep.steps} steps`;
}

const heading = (i: number, s: TourStep) => `Step ${i + 1} of ${TOUR_STEPS.length}: ${s.title}`;

function order(id: string): PredictPick[] {
  return PREDICTIONS[id].first === 'paper' ? ['paper', 'other'] : ['other', 'paper'];
}

/** One step's entry in the key: the answer, the verdict and the sentence, all from the results file. */
export interface KeyEntry {
  step: string;
  answer: string;
  verdict: string;
  measured: string;
  source: string;
}

export function answerKey(results: TourResults | null): KeyEntry[] {
  return TOUR_STEPS.map((s) => {
    const a = answerOf(s, results);
    const run = results?.runs[s.run];
    if (!a || !run || !results) {
      return { step: s.id, answer: 'No shipped numbers for this step’s run yet', verdict: '', measured: '', source: '' };
    }
    const verdict = a.verdict === null ? '' : a.legacy
      ? `One seed, not judged against noise (earlier rule: ${VERDICT_WORDS[a.verdict].toLowerCase()})`
      : VERDICT_WORDS[a.verdict];
    const seeds = `${run.seeds.length} seed${run.seeds.length > 1 ? 's' : ''}`;
    const source = `${run.run}, ${seeds}, base “${run.base}”, ${run.steps} steps; measured ${(run.measuredAt ?? results.generatedAt).slice(0, 10)} by \`${run.command}\``;
    return { step: s.id, answer: outcomeWords(PREDICTIONS[s.id], a), verdict, measured: a.measured, source };
  });
}

/** The worksheet as Markdown. */
export function worksheetMarkdown(results: TourResults | null, o: WorksheetOptions): string {
  const out: string[] = [
    '# LoRA Lab worksheet: does LoRA learn less and forget less?',
    '',
    'For each step: write down your prediction first, then open the step’s link, look at the charts (where the tour ships a recorded run, it is drawn in them at once), ' +
      'and, if there is time, train it yourself with the step’s button or its shorter classroom version.',
    '',
  ];
  TOUR_STEPS.forEach((s, i) => {
    const p = PREDICTIONS[s.id];
    const run = TOUR_RUNS[s.run];
    const short = classroomRun(run);
    out.push(`## ${heading(i, s)}`, '', `**Predict first.** ${p.question}`, '');
    for (const k of order(s.id)) out.push(`- [ ] ${p[k]}`);
    out.push(
      '',
      `**Open it:** <${stepUrl(o.pageUrl, s.id)}>. The step’s button trains ${run.title} (${runSize(run)}); its classroom version trains ${runSize(short)}.`,
      '',
      `**Re-measure it from a clone:** \`npm run tour-results -- --only ${run.id}\``,
      '',
      `**Look at:** ${s.look.what}`,
      '',
      '**What did you see?** ______________________________________________',
      '',
    );
  });
  out.push('---', '', '# Teacher’s answer key', '');
  out.push(results
    ? `Generated from the shipped results file (written by \`${results.generatedBy}\` on ${results.device}, ${results.generatedAt.slice(0, 10)}). ` +
      'Each answer is the verdict the tour shows for the step; “cannot tell” means the differences are within the seed-to-seed noise.'
    : 'The results file could not be read: no answers.', '');
  const key = answerKey(results);
  TOUR_STEPS.forEach((s, i) => {
    const k = key[i];
    out.push(`## ${heading(i, s)}`, '', `- **Answer:** ${k.answer}`);
    if (k.verdict) out.push(`- **Verdict:** ${k.verdict}`);
    if (k.measured) out.push(`- **Measured here:** ${k.measured}`);
    if (s.finding !== null) out.push(`- **Paper (Llama-2-7B):** ${PAPER[s.finding]}`);
    if (k.source) out.push(`- **Source:** ${k.source}`);
    out.push('');
  });
  return out.join('\n');
}

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Markdown's few inline forms used above (**bold**, `code`, <link>) as HTML, after escaping. */
function inline(t: string): string {
  return esc(t)
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/&lt;(https?:(?:(?!&gt;)\S)+)&gt;/g, '<a href="$1">$1</a>');
}

/** The worksheet as a printable HTML page (self-contained: no script, its own styles). */
export function worksheetHtml(results: TourResults | null, o: WorksheetOptions): string {
  const body: string[] = [];
  let list = false;
  const endList = () => {
    if (list) body.push('</ul>');
    list = false;
  };
  for (const line of worksheetMarkdown(results, o).split('\n')) {
    if (line.startsWith('- ')) {
      if (!list) body.push('<ul>');
      list = true;
      body.push(line.startsWith('- [ ] ') ? `<li class="pick">☐ ${inline(line.slice(6))}</li>` : `<li>${inline(line.slice(2))}</li>`);
      continue;
    }
    endList();
    if (line === '---') body.push('<hr>');
    else if (line === '# Teacher’s answer key') body.push(`<h1 class="key">${inline(line.slice(2))}</h1>`);
    else if (line.startsWith('## ')) body.push(`<h2>${inline(line.slice(3))}</h2>`);
    else if (line.startsWith('# ')) body.push(`<h1>${inline(line.slice(2))}</h1>`);
    else if (line.trim()) body.push(`<p>${inline(line)}</p>`);
  }
  endList();
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>LoRA Lab worksheet</title>',
    '<style>',
    'body{font:15px/1.45 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#111}',
    'h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.6rem;break-after:avoid}',
    'ul{list-style:none;padding-left:1rem}li.pick{font-size:1.05rem;margin:.2rem 0}code{background:#f1f1f1;padding:0 .2rem}',
    'a{color:#0645ad;word-break:break-all}h1.key{break-before:page}',
    '@media print{body{margin:0}a{color:#111}}',
    '</style></head><body>',
    ...body,
    '</body></html>',
  ].join('\n');
}
