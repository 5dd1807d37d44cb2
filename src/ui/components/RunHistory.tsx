// Saved runs (IndexedDB, written by the Worker as runs train): reopen one into the charts,
// overlay others on it to compare (dashed), resume an interrupted one from its last
// checkpoint, or delete it (or all of them, after a confirm step in the page, to free space:
// each run shows what it takes). After a reload the newest run is reopened automatically (unless the
// page was opened by a link to other settings and that run had finished), so
// an in-progress run is back on screen with its curves. Storage problems are announced above.
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatBytes } from '../../experiment/storage/safe-history';
import { runActions } from '../store/client';
import { encodeShare } from '../../experiment/links/experiment';
import { OPENED_WITH_EXPERIMENT, useExperiment } from '../store/experiment';
import { describeBase, usePretrain } from '../store/pretrain';

const when = (t: number) => new Date(t).toLocaleString();

export function RunHistory() {
  const { runs, activeRunId, state, compare } = useExperiment(
    useShallow((s) => ({ runs: s.runs, activeRunId: s.activeRunId, state: s.state, compare: s.compare })),
  );
  const saved = usePretrain((s) => s.saved);
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
    // A link that sets up other settings than the newest run's opens those settings; a finished or stopped
    // run stays one click away in this list. A run interrupted mid-training (a reload) is always reopened.
    const newest = runs[0];
    const form = useExperiment.getState().form;
    const finished = newest.state === 'done' || newest.state === 'stopped';
    if (finished && OPENED_WITH_EXPERIMENT && encodeShare(newest.config, newest.preset).toString() !== encodeShare(form.config, form.preset).toString()) return;
    runActions.openRun(newest.id);
  }, [runs, activeRunId, state]);

  if (runs.length === 0) return null;
  const busy = state === 'running';
  return (
    <>
      <section aria-labelledby="history-title">
        <h3 id="history-title">Saved runs</h3>
        <table>
          <thead>
            <tr>
              <th scope="col">Started</th><th scope="col">Experiment</th><th scope="col">Methods</th><th scope="col">Progress</th>
              <th scope="col">Size</th><th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => {
              const interrupted = r.state !== 'done' && r.checkpointStep !== null;
              return (
                <tr key={r.id} data-run={r.id} aria-current={r.id === activeRunId ? 'true' : undefined}>
                  <td>{when(r.createdAt)}</td>
                  <td title={`base model ${describeBase(r.config.base, saved)}`}>{r.preset}, base {r.config.base}</td>
                  <td>{r.methodLabels.join(', ')}</td>
                  <td>
                    step {r.step} of {r.config.steps}
                    {r.state === 'done' ? ' (done)' : interrupted ? ` (interrupted; checkpoint at step ${r.checkpointStep})` : ''}
                  </td>
                  <td data-bytes={r.bytes}>{formatBytes(r.bytes)}</td>
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
        <DeleteAll ids={runs.map((r) => r.id)} bytes={runs.reduce((n, r) => n + r.bytes, 0)} busy={busy} />
      </section>
    </>
  );
}

/** The saved runs' total size and a "Delete all" that asks in the page first (window.confirm blocks tests and screen readers). */
function DeleteAll({ ids, bytes, busy }: { ids: string[]; bytes: number; busy: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const count = ids.length === 1 ? '1 saved run' : `${ids.length} saved runs`;
  return (
    <div className="ll-runbar" data-testid="saved-runs-total">
      <span>{count} {ids.length === 1 ? 'takes' : 'take'} about <b data-bytes={bytes}>{formatBytes(bytes)}</b> in this browser.</span>{' '}
      {!confirming ? (
        <>
          <button type="button" onClick={() => setConfirming(true)} disabled={busy}>Delete all saved runs</button>
          {busy && <span className="ll-hint"> (stop the run that trains first)</span>}
        </>
      ) : (
        <span role="group" aria-label="Confirm deleting all saved runs">
          Delete {count} ({formatBytes(bytes)})? This cannot be undone.{' '}
          <button
            type="button" disabled={busy}
            onClick={() => {
              setConfirming(false);
              for (const id of ids) runActions.deleteRun(id);
            }}
          >
            Yes, delete all
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>Cancel</button>
        </span>
      )}
    </div>
  );
}
