// The line above a view's charts while the tour shows a step of its kind: the checkbox "Show the
// reference run" (the tour store's showReference, on by default) and what the dashed lines are, or,
// quietly, why no reference is drawn (no recorded file, other settings, other domains on screen).
import type { ReferenceView } from './useReference';
import './reference.css';

export function ReferenceBar({ view }: { view: ReferenceView }) {
  if (!view.offered || !view.run) return null;
  const { ref, note } = view;
  const state = ref ? 'shown' : note ? 'missing' : view.show ? 'loading' : 'hidden';
  return (
    <div className="ll-reference-bar" data-testid="reference-bar" data-reference={state}>
      <label>
        <input type="checkbox" checked={view.show} onChange={(e) => view.setShow(e.target.checked)} /> Show the reference run
      </label>{' '}
      <span className="ll-hint">
        {ref && <>Dashed lines: “{view.run.title}” as recorded by the project ({ref.label}), the mean over seeds{ref.curves.seeds.length > 1 ? ' with the lowest-to-highest seed as a shaded band' : ''}; a run of yours draws in solid lines on top.</>}
        {!ref && note}
        {state === 'loading' && 'Loading the recorded run…'}
        {state === 'hidden' && `The recorded “${view.run.title}” is hidden.`}
      </span>
    </div>
  );
}
