// The tour's question before a step's run replaces settings the student set: what would change, one
// line per setting ("steps 60 → 200"), then start with the step's settings, load them without
// starting, or keep the student's own. It takes the focus when it opens, so a keyboard or screen
// reader user lands on the question rather than on a button that did nothing visible.
import { useEffect, useRef } from 'react';
import type { TourRun } from '../../../experiment/tour/steps';

interface Props {
  run: TourRun;
  changes: readonly string[];
  /** Why starting is not possible now ('' when it is): a run is training. */
  busy: string;
  onStart: () => void;
  onLoad: () => void;
  onCancel: () => void;
}

export function RunConfirm({ run, changes, busy, onStart, onLoad, onCancel }: Props) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), [run]);
  const where = run.kind === 'experiment' ? 'Experiment view' : 'Sweep view';
  return (
    <div className="ll-tour-confirm" role="group" aria-labelledby="ll-tour-confirm-title" data-testid="tour-confirm">
      <p id="ll-tour-confirm-title">
        <b>“{run.title}” would change {changes.length === 1 ? 'a setting' : `${changes.length} settings`} you set in the {where}:</b>
      </p>
      <ul data-testid="tour-changes">{changes.map((c) => <li key={c}>{c}</li>)}</ul>
      <div className="ll-tour-confirm-actions">
        <button type="button" className="ll-primary" ref={first} onClick={onStart} disabled={busy !== ''}>Change them and start</button>
        <button type="button" onClick={onLoad} disabled={busy !== ''}>Load settings only</button>
        <button type="button" onClick={onCancel}>Keep mine</button>
        {busy && <span className="ll-hint">{busy}</span>}
      </div>
    </div>
  );
}
