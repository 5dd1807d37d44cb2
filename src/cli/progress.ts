// A one-line progress bar for the CLIs (rewritten in place on a TTY, one line per update
// otherwise so logs stay readable).

export function progressLine(done: number, total: number, startedMs: number, extra: string): string {
  const width = 24;
  const frac = total > 0 ? done / total : 1;
  const filled = Math.round(frac * width);
  const elapsed = (performance.now() - startedMs) / 1000;
  const eta = done > 0 ? (elapsed / done) * (total - done) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${formatSeconds(elapsed)} elapsed, ${formatSeconds(eta)} left ${extra}`;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${s.toFixed(1)}s`;
}

export function printProgress(line: string, final = false): void {
  if (process.stdout.isTTY) process.stdout.write(`\r${line}${final ? '\n' : ''}`);
  else console.log(line);
}
