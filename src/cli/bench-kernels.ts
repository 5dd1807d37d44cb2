// Output of `npm run bench`: the suite's tables printed as text, the report written as JSON,
// and the same tables as markdown (for BENCHMARKS.md). The measuring itself lives in
// src/experiment/bench/, shared with the benchmark page.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BenchReport } from '../experiment/bench/report';
import { markdownTable, reportHeader, reportTables, textTable } from '../experiment/bench/table';

export function printReport(r: BenchReport, log: (s: string) => void = console.log): void {
  log(reportHeader(r));
  for (const t of reportTables(r)) log(`\n${textTable(t)}`);
  for (const n of r.notes) log(`note: ${n}`);
}

export function markdownReport(r: BenchReport): string {
  return [reportHeader(r), ...reportTables(r).map((t) => `**${t.title}**\n\n${markdownTable(t)}`)].join('\n\n');
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
