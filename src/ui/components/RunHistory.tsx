// Saved runs (IndexedDB, written by the Worker as runs train): reopen one into the charts,
// overlay others on it to compare (dashed), resume an interrupted one from its last
// checkpoint, or delete it. After a reload the newest
// run is reopened automatically, so an in-progress run is back on screen with its curves.
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { runActions } from '../store/client';
import { useExperiment } from '../store/experiment';

const when = (t: number) => new Date(t).toLocaleString();

export function RunHistory() {
  const { runs, activeRunId, state, compare } = useExperiment(
    useShallow((s) => ({ runs: s.runs, activeRunId: s.activeRunId, state: s.state, compare: s.compare })),
  );
  const reopened = useRef(false);

  useEffect(() => {
    runActions.listRuns();
  }, []);

  useEffect(() => {
    if (state === 'done' || state === 'stopped' || state === 'paused') runActions.listRuns();
  }, [state]);

  // After a reload: show the newest run again (finished or interrupted).
  useEffect(() => {
    if (reopened.current) return;
    // A run already on screen (started before the saved list arrived) means there is nothing to reopen, ever:
    // otherwise a later Reset would bring the newest saved run back.
    if (activeRunId || state !== 'idle') {
      reopened.current = true;
      return;
    }
    if (runs.length === 0) return;
    reopened.current = true;
    runActions.openRun(runs[0].id);
  }, [runs, activeRunId, state]);

  if (runs.length === 0) return null;
  const busy = state === 'running';
  return (
    <section aria-labelledby="history-title">
      <h3 id="history-title">Saved runs</h3>
      <table>
        <thead>
          <tr><th scope="col">Started</th><th scope="col">Experiment</th><th scope="col">Methods</th><th scope="col">Progress</th><th scope="col" aria-label="Actions" /></tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const interrupted = r.state !== 'done' && r.checkpointStep !== null;
            return (
              <tr key={r.id} data-run={r.id} aria-current={r.id === activeRunId ? 'true' : undefined}>
                <td>{when(r.createdAt)}</td>
                <td>{r.preset}</td>
                <td>{r.methodLabels.join(', ')}</td>
                <td>
                  step {r.step} of {r.config.steps}
                  {r.state === 'done' ? ' (done)' : interrupted ? ` (interrupted; checkpoint at step ${r.checkpointStep})` : ''}
                </td>
                <td>
                  <button type="button" onClick={() => runActions.openRun(r.id)} disabled={busy}>Open</button>{' '}
                  <button
                    type="button" aria-pressed={compare.some((c) => c.id === r.id)} disabled={r.id === activeRunId}
                    onClick={() => runActions.toggleCompare(r.id)}
                  >
                    Compare
                  </button>{' '}
                  <button type="button" onClick={() => runActions.deleteRun(r.id)} disabled={busy && r.id === activeRunId}>Delete</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
