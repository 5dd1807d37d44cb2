// The tour's class kit menu (issue 20, item 9): the whole tour as a worksheet with a teacher's key,
// and the "paper vs here" table for slides. The files are built by class-kit.ts, imported on the
// first click.
import { useState } from 'react';
import { useTour } from '../../store/tour';
import type { KitFile } from './class-kit';

const FILES: { kind: KitFile; label: string }[] = [
  { kind: 'worksheet-md', label: 'Worksheet (Markdown)' },
  { kind: 'worksheet-html', label: 'Worksheet (HTML, printable)' },
  { kind: 'paper-svg', label: 'Paper vs here (SVG)' },
  { kind: 'paper-png', label: 'Paper vs here (PNG)' },
];

export function ClassKit() {
  const [note, setNote] = useState('');
  const save = (kind: KitFile) => {
    setNote('');
    import('./class-kit')
      .then((m) => m.saveKitFile(kind, useTour.getState().results))
      .catch((e: unknown) => setNote(`Could not build the file: ${e instanceof Error ? e.message : String(e)}`));
  };
  return (
    <details className="ll-tour-kit" data-testid="class-kit">
      <summary>Class kit</summary>
      <p className="ll-hint">The tour as a worksheet (predictions to make, links, commands, and a teacher’s key from the shipped results), and a table of the paper’s findings beside this playground’s for slides.</p>
      <div className="ll-tour-kit-files">
        {FILES.map((f) => <button key={f.kind} type="button" onClick={() => save(f.kind)}>{f.label}</button>)}
      </div>
      {note && <p className="ll-hint" role="status">{note}</p>}
    </details>
  );
}
