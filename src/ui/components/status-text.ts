// The one-line status of a training (the experiment's run, a sweep, a pretraining). Pause and Stop
// take effect between steps, after the work in hand (on a CPU emulator the base model's first
// evaluation takes many seconds): from the click until the Worker says so, the line says
// "Pausing…" or "Stopping…" instead of an unchanged "running at step 0". While it trains, the line
// ends with the time left from its live pace (store/pace.ts); finished, with the time it took.
import { durationText } from '../../experiment/estimate/pace';
import type { Pending } from '../store/experiment';

/** "Pausing…" / "Stopping…", or '' when nothing is pending. */
export function pendingWord(p: Pending): string {
  return p === 'pausing' ? 'Pausing…' : p === 'stopping' ? 'Stopping…' : '';
}

/** The experiment's status line (before its error, if any). */
export function runStatusText(state: string, step: number, steps: number | null, pending: Pending): string {
  const of = steps === null ? '' : ` of ${steps}`;
  if (state === 'idle') return 'Ready: press Start to train every method.';
  if (pending && (state === 'running' || state === 'paused')) {
    return `${pendingWord(pending)} The Worker finishes the work in hand first (at step ${step}${of}).`;
  }
  if (state === 'running' && step === 0) return `running: evaluating the base model, then step 1${of}.`;
  return `${state} at step ${step}${of}.`;
}

/** " · about 9 min left" while a run trains (" · estimating time left…" before its pace is known). */
export function timeLeftText(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return ' · estimating time left…';
  return ` · ${durationText(seconds)} left`;
}

/** "12 min 5 s", "40 s": a measured duration. */
export function tookText(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
