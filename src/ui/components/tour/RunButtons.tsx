// A tour step's two run buttons (issue 20, item 3): the full run (the one the shipped reference
// recorded) and its classroom version (steps.ts's classroomRun: fewer steps, in a sweep fewer
// learning rates), each with what it trains and the time it should take on this device, estimated
// from the speeds this browser measured (store/pace.ts). Without a measurement it says so, and
// what the reference machine took. The classroom version has no shipped reference of its own: the
// card says the charts' reference stays the full run's.
import { durationText, experimentWork, sweepWork } from '../../../experiment/estimate/pace';
import { classroomRun, type TourRun } from '../../../experiment/tour/steps';
import { useTour } from '../../store/tour';
import { useEstimateText } from '../RunTime';

/** What a run button trains, in a few words. */
export function runSize(r: TourRun): string {
  if (r.kind === 'experiment') return `${r.config.methods.length} methods × ${r.config.steps} steps, base “${r.config.base}”`;
  const cells = r.sweep.families.reduce((n, f) => n + f.lrs.length, 0);
  return `${cells} runs × ${r.sweep.steps} steps, base “${r.sweep.base}”`;
}

function RunTime({ run, testId }: { run: TourRun; testId: string }) {
  const e = useEstimateText(run.kind === 'experiment' ? experimentWork(run.config) : sweepWork(run.sweep));
  const stored = useTour((s) => s.results?.runs[run.id]);
  // The reference machine's time per seed, when nothing was measured here (only for the run it recorded).
  const ref = e.seconds === null && stored?.seconds ? ` (the reference machine took ${durationText(stored.seconds / stored.seeds.length)} per seed)` : '';
  return <span data-testid={testId} data-seconds={e.seconds === null ? '' : Math.round(e.seconds)}>{e.text}{ref}</span>;
}

interface Props {
  run: TourRun;
  onRun: (r: TourRun) => void;
  busy: string;
}

export function RunButtons({ run, onRun, busy }: Props) {
  const short = classroomRun(run);
  return (
    <>
      <p className="ll-tour-run">
        <button type="button" className="ll-primary" onClick={() => onRun(run)} disabled={busy !== ''} data-testid="tour-run" aria-describedby="ll-tour-run-time">
          Run this {run.kind}: {run.title}
        </button>{' '}
        <span className="ll-hint" id="ll-tour-run-time">{runSize(run)}: <RunTime run={run} testId="tour-run-time" />{busy ? `. ${busy}` : ''}</span>
      </p>
      <p className="ll-tour-run ll-tour-classroom">
        <button type="button" onClick={() => onRun(short)} disabled={busy !== ''} data-testid="tour-run-classroom" aria-describedby="ll-tour-classroom-time">
          Classroom version ({short.kind === 'experiment' ? short.config.steps : short.sweep.steps} steps)
        </button>{' '}
        <span className="ll-hint" id="ll-tour-classroom-time">
          {runSize(short)}: <RunTime run={short} testId="tour-classroom-time" />.{' '}
          <span data-testid="tour-classroom-note">No shipped reference of its own: the reference drawn in the charts is the full {runSize(run).split(',')[0]} run’s.</span>
        </span>
      </p>
    </>
  );
}
