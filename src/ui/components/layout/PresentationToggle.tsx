// The top bar's "Presentation" switch: larger type and one chart per row, for teaching from a
// projector (store/presentation.ts keeps it in localStorage and marks <html> for theme.css).
import { usePresentation } from '../../store/presentation';

export function PresentationToggle() {
  const { on, setOn } = usePresentation();
  return (
    <button
      type="button" className="ll-present-toggle" aria-pressed={on} onClick={() => setOn(!on)}
      title="Larger type and one chart per row, for a projector"
    >
      Presentation
    </button>
  );
}
