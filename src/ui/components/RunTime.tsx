// Time before you press, and time left while it trains (issue 20, item 3). The experiment's and the
// Sweep view's status lines end with what Start would take on this device, from the speeds this
// browser measured before (store/pace.ts): "about 14 min on this device (measured …)", or "unknown
// until a first step runs". While the experiment trains: the time left from its own live pace;
// once it finished: the time it took (the sweep's progress bar has its own time left).
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExperimentConfig } from '../../experiment/config';
import { estimateText, experimentWork, sweepWork, type Work } from '../../experiment/estimate/pace';
import type { SweepConfig } from '../../experiment/sweep/config';
import { useExperiment } from '../store/experiment';
import { estimateWork, experimentSecondsLeft, installPace, usePace } from '../store/pace';
import { timeLeftText, tookText } from './status-text';
import './run-time.css';

installPace();

/** What Start would take for `work`, re-estimated when a record or the adapter changes. */
export function useEstimateText(work: Work): { text: string; seconds: number | null } {
  const records = usePace((p) => p.records);
  const adapter = useExperiment((x) => x.adapter);
  return useMemo(() => {
    const e = estimateWork(work, records);
    return { text: estimateText(e), seconds: e ? e.seconds : null };
    // `work` is rebuilt on every render; its numbers are what matter.
  }, [JSON.stringify(work), records, adapter]);
}

function Estimate({ work, lead }: { work: Work; lead: string }) {
  const e = useEstimateText(work);
  return (
    <span className="ll-estimate" data-testid="start-estimate" data-seconds={e.seconds === null ? '' : Math.round(e.seconds)}>
      {' '}{lead}{e.text}.
    </span>
  );
}

/** The experiment status line's tail: the estimate before Start, the time left while training, the time taken after. */
export function ExperimentTime({ form }: { form: ExperimentConfig }) {
  const s = useExperiment(useShallow((x) => ({
    state: x.state, step: x.step, config: x.config, id: x.activeRunId, evaluated: x.evals.length,
  })));
  const { live, records } = usePace(useShallow((p) => ({ live: p.live, records: p.records })));
  if ((s.state === 'running' || s.state === 'paused') && s.config) {
    const mine = live && live.id === s.id ? live : null;
    const left = s.state === 'running' ? timeLeftText(experimentSecondsLeft(s.config, s.step, s.evaluated, mine, records)) : '';
    return <span className="ll-estimate" data-testid="time-left">{left}</span>;
  }
  const took = s.state === 'done' && live && live.id === s.id ? ` Took ${tookText(live.activeMs)}.` : '';
  return (
    <>
      {took && <span data-testid="time-took">{took}</span>}
      <Estimate work={experimentWork(form)} lead={s.state === 'idle' ? 'Expected: ' : 'Start again: '} />
    </>
  );
}

/** The Sweep view's status line's tail before Start (while it trains, its progress bar shows the time left). */
export function SweepTime({ sweep, state }: { sweep: SweepConfig; state: string }) {
  if (state === 'running' || state === 'paused') return null;
  return <Estimate work={sweepWork(sweep)} lead={state === 'idle' ? 'Expected: ' : 'Start again: '} />;
}
