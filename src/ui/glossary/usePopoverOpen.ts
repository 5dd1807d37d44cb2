// Whether a native popover (the glossary panel, a term's definition) is open, as React state: set just
// before it shows (flushSync, so it never shows empty) and cleared as it hides, from the element's
// beforetoggle events. Its content renders only while open.
import { useEffect, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

export function usePopoverOpen(ref: RefObject<HTMLElement | null>): boolean {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const toggle = (e: Event) => {
      if ((e as ToggleEvent).newState === 'open') flushSync(() => setOpen(true));
      else setOpen(false);
    };
    el.addEventListener('beforetoggle', toggle);
    return () => el.removeEventListener('beforetoggle', toggle);
  }, [ref]);
  return open;
}
