// Saved sweeps (IndexedDB, written by the Worker as sweeps train): open one into the charts
// (and its grid into the editor), resume an interrupted one from its last checkpoint, or
// delete it. After a reload the newest sweep is reopened, so an interrupted sweep is back on
// screen, paused, ready to resume.
import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { SweepSummary } from '../../../experiment/protocol';
import { sweepActions } from '../../store/client';
import { useSweep } from '../../store/sweep';

const when = (t: number) => new Date(t).toLocaleString();

export function SavedSweeps({ onOpen }: { onOpen: (s: SweepSummary) => void }) {
  const { saved, id, state } = useSweep(useShallow((s) => ({ saved: s.saved, id: s.id, state: s.state })));
  const reopened = useRef(false);

  useEffect(() => {
    sweepActions.list();
  }, []);

  useEffect(() => {
    if (state === 'done' || state === 'stopped' || state === 'paused' || state === 'running') sweepActions.list();
  }, [state]);

  // After a reload: show the newest sweep again (finished or interrupted), unless a sweep was
  // started or opened before the list arrived (then never: a later reset must not reopen one).
  useEffect(() => {
    if (reopened.current) return;
    if (id || state !== 'idle') reopened.current = true;
    else if (saved.length > 0) {
      reopened.current = true;
      sweepActions.open(saved[0].id);
    }
  }, [saved, id, state]);

  if (saved.length === 0) return null;
  const busy = state === 'running';
  return (
    <section aria-labelledby="saved-sweeps-title">
      <h3 id="saved-sweeps-title">Saved sweeps</h3>
      <div className="ll-table-wrap" tabIndex={0}><table className="ll-table">
        <thead>
          <tr><th scope="col">Started</th><th scope="col">Preset</th><th scope="col">Runs</th><th scope="col">Progress</th><th scope="col" aria-label="Actions" /></tr>
        </thead>
        <tbody>
          {saved.map((s) => {
            const interrupted = s.state !== 'done' && s.checkpointGroup !== null;
            const pct = s.total > 0 ? Math.round((100 * s.done) / s.total) : 0;
            return (
              <tr key={s.id} data-sweep={s.id} aria-current={s.id === id ? 'true' : undefined}>
                <td>{when(s.createdAt)}</td>
                <td>{s.preset}</td>
                <td>{s.cellCount}</td>
                <td>
                  {s.state === 'done' ? 'done' : `${pct}%`}
                  {s.state !== 'done' && (interrupted ? ` (interrupted; checkpoint in group ${s.checkpointGroup! + 1} of ${s.groups})` : s.id === id && busy ? ' (training)' : ' (no checkpoint)')}
                </td>
                <td>
                  <button type="button" onClick={() => { onOpen(s); sweepActions.open(s.id); }} disabled={busy}>Open</button>{' '}
                  {interrupted && <><button type="button" onClick={() => { onOpen(s); sweepActions.resumeSaved(s.id); }} disabled={busy}>Resume</button>{' '}</>}
                  <button type="button" onClick={() => sweepActions.delete(s.id)} disabled={busy && s.id === id}>Delete</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table></div>
    </section>
  );
}
