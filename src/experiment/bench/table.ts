// Tables of a BenchReport, shared by the CLI (plain text), BENCHMARKS.md (markdown) and the
// benchmark page (rendered as HTML tables from the same rows).

import type { PeerResults } from './peers/types';
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
  const out = [peak, matmul, ...(r.attention?.length ? [attentionTable(r)] : []), ...(r.rows?.length ? [rowsTable(r)] : []), steps];
  if (r.peers) out.push(...peerTables(r.peers));
  if (r.experiment) {
    out.push({
      title: 'Whole experiment',
      headers: ['preset', 'methods', 'steps', 'wall time'],
      rows: [[r.experiment.preset, r.experiment.methods.join(', '), String(r.experiment.steps), `${fmt(r.experiment.wallMs / 1000)} s`]],
    });
  }
  return out;
}

function attentionTable(r: BenchReport): Table {
  return {
    title: 'Attention variants',
    headers: ['size', 'entry', 'variant', 'B×T×H/Hkv×D', 'ms', 'GFLOP/s', 'of peak', 'vs thread'],
    rows: (r.attention ?? []).map((a) => [
      a.size, a.entry, a.variant, `${a.B}×${a.T}×${a.H}/${a.Hkv}×${a.D}`, withSpread(a.ms), fmt(a.gflops.median), pct(a.fractionOfPeak),
      a.vsThread === null ? '' : `${fmt(a.vsThread, 2)}×`,
    ]),
  };
}

function rowsTable(r: BenchReport): Table {
  return {
    title: 'Row-reduction variants',
    headers: ['size', 'kernel', 'variant', 'N×C', 'ms', 'GB/s', 'of copy peak', 'vs thread'],
    rows: (r.rows ?? []).map((x) => [
      x.size, x.kernel, x.variant, `${x.N}×${x.C}`, withSpread(x.ms), fmt(x.gbps.median), pct(x.fractionOfCopyPeak),
      x.vsThread === null ? '' : `${fmt(x.vsThread, 2)}×`,
    ]),
  };
}

/** An engine/peer time ratio, e.g. "0.21×" (below 1: the engine takes less time). */
export function ratio(x: number | null): string {
  return x === null || !Number.isFinite(x) ? '–' : `${fmt(x, 2)}×`;
}

const PEER_NAME = { tfjs: 'TF.js', ort: 'ORT' } as const;

/** The peers' tables: who ran how, the checks against the engine, matmul and training step with engine/peer ratios. */
export function peerTables(p: PeerResults): Table[] {
  const who: Table = {
    title: 'Peers',
    headers: ['peer', 'runtime', 'device', 'notes'],
    rows: [
      ...p.info.map((i) => [PEER_NAME[i.peer], i.label, i.sharedDevice ? 'engine\'s device' : 'own device, same adapter', i.notes.join('; ')]),
      ...p.errors.map((e) => ['not run', '', '', e]),
    ],
  };
  const checks: Table = {
    title: 'Peer checks',
    headers: ['peer', 'what', 'max |peer − engine|', 'max |engine|', 'tolerance', 'same result'],
    rows: [
      ...p.checks.map((c) => [PEER_NAME[c.peer], `matmul ${c.what}`, fmt(c.maxAbsDiff), fmt(c.maxAbs), fmt(c.tolerance), c.ok ? 'yes' : 'NO']),
      ...p.steps.map((s) => [
        'TF.js', `training step ${s.size}: losses of steps 1–${s.lossCheck.engine.length}, relative`,
        fmt(s.lossCheck.maxRelDelta), fmt(Math.max(...s.lossCheck.engine.map(Math.abs))), fmt(s.lossCheck.tolerance), s.lossCheck.ok ? 'yes' : 'NO',
      ]),
    ],
  };
  const matmul: Table = {
    title: 'Peer matmul',
    headers: ['shape', 'form', 'rows×in×out', 'peer', 'ms', 'GFLOP/s', 'of peak', 'engine variant', 'engine/peer time'],
    rows: p.matmul.map((m) => [
      m.group, m.form, `${m.rows}×${m.inDim}×${m.outDim}`, PEER_NAME[m.peer], withSpread(m.ms), fmt(m.gflops.median), pct(m.fractionOfPeak),
      m.engineVariant, ratio(m.engineOverPeer),
    ]),
  };
  const steps: Table = {
    title: 'Peer training step',
    headers: ['size', 'peer', 'B×T', 'losses (engine / peer)', 'ms/step', 'tokens/s', 'engine/peer time'],
    rows: p.steps.map((s) => [
      s.size, 'TF.js full', `${s.B}×${s.T}`,
      s.lossCheck.engine.map((l, i) => `${l.toFixed(4)}/${(s.lossCheck.peer[i] ?? Number.NaN).toFixed(4)}`).join(' '),
      s.ms ? withSpread(s.ms) : 'refused: losses differ', s.tokensPerSecond === null ? '–' : fmt(s.tokensPerSecond), ratio(s.engineOverPeer),
    ]),
  };
  return [who, checks, matmul, steps];
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
