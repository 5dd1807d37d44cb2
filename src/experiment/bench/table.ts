// Tables of a BenchReport, shared by the CLI (plain text), BENCHMARKS.md (markdown) and the
// benchmark page (rendered as HTML tables from the same rows).

import type { BenchReport } from './report';
import { relativeSpread, type Summary } from './stats';

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
}

/** A number to 3 significant figures (integers from 1000 up kept whole), '–' when not finite. */
export function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return '–';
  if (Math.abs(x) >= 10 ** digits) return Math.round(x).toString();
  return Number(x.toPrecision(digits)).toString();
}

export function pct(x: number): string {
  return Number.isFinite(x) ? `${fmt(100 * x, 2)}%` : '–';
}

/** Median with the interquartile spread relative to it, e.g. "12.3 ±4%". */
export function withSpread(s: Summary): string {
  const r = relativeSpread(s);
  if (!Number.isFinite(r)) return fmt(s.median);
  return `${fmt(s.median)} ±${50 * r < 0.1 ? '<0.1' : fmt(50 * r, 2)}%`;
}

export function reportTables(r: BenchReport): Table[] {
  const peak: Table = {
    title: 'Device peak',
    headers: ['probe', 'work', 'median', 'min', 'max'],
    rows: [
      ['FMA (GFLOP/s)', r.peak.fmaWork, withSpread(r.peak.fmaGflops), fmt(r.peak.fmaGflops.min), fmt(r.peak.fmaGflops.max)],
      ['copy (GB/s)', `${fmt(r.peak.copyBytes / 2 ** 20)} MiB`, withSpread(r.peak.copyGBps), fmt(r.peak.copyGBps.min), fmt(r.peak.copyGBps.max)],
    ],
  };
  const matmul: Table = {
    title: 'Matmul',
    headers: ['shape', 'form', 'variant', 'rows×in×out', 'ms', 'GFLOP/s', 'of peak'],
    rows: r.matmul.map((m) => [
      m.group, m.form, m.variant, `${m.rows}×${m.inDim}×${m.outDim}`, withSpread(m.ms), fmt(m.gflops.median), pct(m.fractionOfPeak),
    ]),
  };
  const steps: Table = {
    title: 'Training step',
    headers: ['size', 'method', 'B×T', 'ms/step', 'vs full', 'tokens/s', 'dispatches', 'submits', 'GFLOP/s', 'of peak'],
    rows: r.steps.map((s) => [
      s.size, s.method, `${s.B}×${s.T}`, withSpread(s.ms), s.vsFull === null ? '' : `${fmt(s.vsFull, 2)}×`, fmt(s.tokensPerSecond),
      String(s.dispatchesPerStep), fmt(s.submitsPerStep, 2), fmt(s.gflops), pct(s.fractionOfPeak),
    ]),
  };
  const out = [peak, matmul, steps];
  if (r.experiment) {
    out.push({
      title: 'Whole experiment',
      headers: ['preset', 'methods', 'steps', 'wall time'],
      rows: [[r.experiment.preset, r.experiment.methods.join(', '), String(r.experiment.steps), `${fmt(r.experiment.wallMs / 1000)} s`]],
    });
  }
  return out;
}

/** Plain text: first column left-aligned, the others right-aligned, padded to the widest cell. */
export function textTable(t: Table): string {
  const widths = t.headers.map((h, c) => Math.max(h.length, ...t.rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ').trimEnd();
  return [t.title, line(t.headers), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
}

export function markdownTable(t: Table): string {
  const esc = (v: string) => v.replace(/\|/g, '\\|');
  return [
    `| ${t.headers.map(esc).join(' | ')} |`,
    `|${t.headers.map((_, c) => (c === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...t.rows.map((row) => `| ${row.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** Header lines of a report: adapter, runtime, date. */
export function reportHeader(r: BenchReport): string {
  const host = r.host ? `; host: ${r.host}` : '';
  return `adapter: ${r.adapter}${r.software ? ' (software)' : ''}; runtime: ${r.runtime}; date: ${r.date}${r.quick ? '; quick' : ''}${host}`;
}
