// zustand store of the "Presentation" setting: larger type and one chart per row, for teaching
// from a projector. It is kept in localStorage (a blocked storage keeps it for this page only) and
// mirrored as `data-presentation` on <html>, which theme.css and the chart grids read; the charts
// read the store itself for their tick and label sizes (charts/chart-style.ts).
import { create } from 'zustand';

const KEY = 'lora-lab:presentation';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** The stored setting: on only for the exact value '1' (anything else, or no storage, is off). */
export function readPresentation(store: Pick<Storage, 'getItem'> | undefined = storage()): boolean {
  try {
    return store?.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

export function storePresentation(on: boolean, store: Pick<Storage, 'setItem' | 'removeItem'> | undefined = storage()): void {
  try {
    if (on) store?.setItem(KEY, '1');
    else store?.removeItem(KEY);
  } catch {
    // Storage blocked: the setting lasts for this page only.
  }
}

/** Marks the document so CSS can enlarge the type and lay the charts out one per row. */
export function applyPresentation(on: boolean, root: HTMLElement | undefined = globalThis.document?.documentElement): void {
  if (!root) return;
  if (on) root.dataset.presentation = '';
  else delete root.dataset.presentation;
}

interface PresentationState {
  on: boolean;
  setOn: (on: boolean) => void;
}

export const usePresentation = create<PresentationState>((set) => {
  const on = readPresentation();
  applyPresentation(on);
  return {
    on,
    setOn: (next) => {
      storePresentation(next);
      applyPresentation(next);
      set({ on: next });
    },
  };
});
