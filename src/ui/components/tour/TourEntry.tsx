// The tour's place above the experiment and sweep views. A visitor who has never opened the tour
// gets its closed bar at once, from this small module; the tour itself (its steps, texts, the
// store and the measured numbers) is imported when they open it. A `?tour=` link, or a tour the
// student opened before (its position remembered in localStorage), loads it with the page.
import { Suspense, useState, type ComponentProps } from 'react';
import { lazyNamed } from '../layout/Lazy';
import './tour.css';

const TourPanel = lazyNamed(() => import('./TourPanel'), 'TourPanel');
type Props = ComponentProps<typeof TourPanel>;

/** store/tour.ts's localStorage key (a unit test keeps the two the same). */
export const TOUR_STORAGE_KEY = 'lora-lab:tour';

/** Whether the page should load the tour at once: a tour link, or a position remembered from an earlier visit. */
export function tourWanted(search: string, remembered: string | null): boolean {
  return new URLSearchParams(search).has('tour') || remembered !== null;
}

function remembered(): string | null {
  try {
    return window.localStorage.getItem(TOUR_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The closed tour's bar, before the tour's module is here. */
function Bar({ onOpen, opening }: { onOpen?: () => void; opening: boolean }) {
  return (
    <aside className="ll-tour ll-tour-bar" aria-label="Guided tour">
      <span>
        <b>Guided tour:</b> the paper’s eight findings, one step each, with the experiment that tests it.
      </span>
      <button type="button" onClick={onOpen} disabled={opening} data-testid="tour-open">
        {opening ? 'Opening the tour…' : 'Take the tour'}
      </button>
    </aside>
  );
}

export function TourEntry(props: Props) {
  const [load, setLoad] = useState(() => tourWanted(window.location.search, remembered()));
  const [opening, setOpening] = useState(false);
  if (!load) {
    const open = () => {
      setOpening(true);
      // The panel's module first: it notes the tour as the page had it (closed) before the step opens.
      void import('./TourPanel')
        .then(() => import('../../store/tour'))
        .then((t) => {
          t.gotoStep(0);
          setLoad(true);
        }, () => setOpening(false));
    };
    return <Bar onOpen={open} opening={opening} />;
  }
  return (
    <Suspense fallback={<Bar opening />}>
      <TourPanel {...props} />
    </Suspense>
  );
}
