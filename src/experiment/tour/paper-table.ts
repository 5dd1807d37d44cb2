// "Paper vs here" for slides (issue 20, item 9): one row per finding of the paper, its claim at 7B
// beside what this playground measured (the verdict and the numbers of the tour step's run and of
// its further runs, such as finding 6's second width, from the results file), drawn as a standalone
// SVG (the page turns it into a PNG). Numbers come from the claim's own numbers (mean [min–max] over
// seeds); a run measured before claims carried numbers shows its measured sentence instead. Pure
// strings, no DOM.

import { PAPER } from '../analysis/claims-text';
import type { TourResults } from './results';
import { stepAlso, stepMeasured } from './results';
import { TOUR_STEPS } from './steps';
import { VERDICT_WORDS } from './worksheet';

export interface PaperRow {
  finding: number;
  title: string;
  paper: string;
  /** The verdict in the findings box's words (a one-seed legacy result says so); '' without numbers. */
  verdict: string;
  verdictKey: keyof typeof VERDICT_WORDS | 'none';
  /** One seed from before the noise rule: drawn grey, like a result not judged. */
  legacy: boolean;
  here: string;
  run: string;
}

const fmt = (x: number) => (Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

export function paperRows(results: TourResults | null): PaperRow[] {
  return TOUR_STEPS.filter((s) => s.finding !== null).map((s) => {
    const f = s.finding!;
    const run = results?.runs[s.run];
    if (!run) return { finding: f, title: s.title, paper: PAPER[f], verdict: '', verdictKey: 'none', legacy: false, here: 'No shipped numbers yet.', run: s.run };
    const m = stepMeasured(s, run);
    const c = run.claims.find((x) => x.finding === f);
    const v = m.verdict ?? 'not-measured';
    const verdict = run.legacy && v !== 'not-measured' ? `One seed, not judged against noise (earlier rule: ${VERDICT_WORDS[v].toLowerCase()})` : VERDICT_WORDS[v];
    const seedWords = (n: number) => (n === 1 ? 'one seed' : `${n} seeds`);
    const numbersOf = (cl: typeof c) => cl?.numbers?.map((n) => `${n.label}: ${fmt(n.mean)}${n.n > 1 ? ` [${fmt(n.min)}–${fmt(n.max)}]` : ''}`).join('; ');
    const nums = c?.numbers?.length ? `${numbersOf(c)} (${seedWords(run.seeds.length)}, ${run.run})` : `${m.text} (${seedWords(run.seeds.length)}, ${run.run})`;
    // The step's further runs (finding 6's second width) follow, each with its own verdict, as on the tour.
    const also = stepAlso(s, results).map((x) => {
      const xc = results?.runs[x.run]?.claims.find((cl) => cl.finding === f);
      const word = x.verdict === null ? '' : x.legacy ? 'one seed, not judged against noise' : VERDICT_WORDS[x.verdict].toLowerCase();
      return ` Also ${x.run}${word ? ` (${word})` : ''}: ${xc?.numbers?.length ? numbersOf(xc) : x.text} (${seedWords(x.seeds)}).`;
    }).join('');
    const title = s.title.replace(/^Finding \d: /, '');
    return { finding: f, title: title[0].toUpperCase() + title.slice(1), paper: PAPER[f], verdict, verdictKey: v, legacy: run.legacy === true, here: also ? `${nums}.${also}` : nums, run: run.run };
  });
}

/** Greedy word wrap to `width` characters, at most `max` lines (the last one ends with … when cut). */
export function wrap(text: string, width: number, max: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = `${kept[max - 1].slice(0, Math.max(0, width - 1))}…`;
  return kept;
}

const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Chip colours per verdict (light slide background). */
const CHIP: Record<PaperRow['verdictKey'], string> = {
  agrees: '#1b7f3b', disagrees: '#b3261e', mixed: '#8a5a00', 'within-noise': '#555f6d', inconclusive: '#555f6d', 'not-measured': '#6b6b6b', none: '#6b6b6b',
};

/** Column x positions and character widths (at 18 px type) of the slide table. */
const COLS = [
  { x: 24, chars: 22, head: 'Finding' },
  { x: 300, chars: 46, head: 'Paper (Llama-2-7B)' },
  { x: 830, chars: 20, head: 'Here: verdict' },
  { x: 1080, chars: 52, head: 'Here: numbers (nats/byte)' },
] as const;
const WIDTH = 1700;
const LINE = 24;
const MAX_LINES = 10;

/** The table as an SVG document of WIDTH px, with a title and the results file's provenance underneath. */
export function paperTableSvg(results: TourResults | null): string {
  const rows = paperRows(results);
  const parts: string[] = [];
  let y = 96;
  const text = (x: number, lines: string[], y0: number, attrs = '') =>
    `<text x="${x}" y="${y0}"${attrs}>${lines.map((l, i) => `<tspan x="${x}" dy="${i === 0 ? 0 : LINE}">${esc(l)}</tspan>`).join('')}</text>`;
  parts.push(`<rect x="0" y="${y - 30}" width="${WIDTH}" height="40" fill="#eef1f5"/>`);
  for (const c of COLS) parts.push(text(c.x, [c.head], y - 4, ' font-weight="700"'));
  y += 20;
  rows.forEach((r, i) => {
    const cells = [
      wrap(`${r.finding}. ${r.title}`, COLS[0].chars, MAX_LINES),
      wrap(r.paper, COLS[1].chars, MAX_LINES),
      wrap(r.verdict || '—', COLS[2].chars, MAX_LINES),
      wrap(r.here, COLS[3].chars, MAX_LINES),
    ];
    const h = Math.max(...cells.map((c) => c.length)) * LINE + 16;
    if (i % 2 === 1) parts.push(`<rect x="0" y="${y}" width="${WIDTH}" height="${h}" fill="#f7f8fa"/>`);
    const base = y + 26;
    parts.push(`<g data-finding="${r.finding}" data-verdict="${r.verdictKey}">`);
    parts.push(text(COLS[0].x, cells[0], base, ' font-weight="600"'));
    parts.push(text(COLS[1].x, cells[1], base));
    parts.push(text(COLS[2].x, cells[2], base, ` fill="${CHIP[r.legacy ? 'none' : r.verdictKey]}" font-weight="700"`));
    parts.push(text(COLS[3].x, cells[3], base));
    parts.push('</g>');
    y += h;
  });
  const source = results
    ? `Here: LoRA Lab at toy scale, from public/tour/results.json, ${results.generatedAt.slice(0, 10)}, measured on ${results.device}.`
    : 'Here: no results file.';
  parts.push(text(24, wrap(source, 150, 2), y + 34, ' font-size="15" fill="#444"'));
  const height = y + 34 + 2 * LINE;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, 'DejaVu Sans', sans-serif" font-size="18" fill="#111">`,
    '<title>LoRA Learns Less and Forgets Less: the paper vs this playground</title>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="24" y="40" font-size="26" font-weight="700">LoRA Learns Less and Forgets Less (Biderman et al. 2024): the paper vs LoRA Lab</text>`,
    ...parts,
    '</svg>',
  ].join('\n');
}
