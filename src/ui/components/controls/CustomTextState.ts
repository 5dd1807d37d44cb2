// The page's copies of students' own target texts: the bytes of each text the form may name (by
// SHA-256), kept in memory so Copy link can carry a small one and Start can send it with the run,
// and in the custom-text store (IndexedDB) so a reload, a saved run or a link that names only
// the hash finds it again. Opening a link reads its text here at load time: a carried text is
// stored; a named one is looked up, and the page says to paste it when this browser lacks it.
import { create } from 'zustand';
import { CustomTextStore } from '../../../experiment/storage/custom-texts';
import { decodeCustomLink } from '../../../experiment/links/custom-text';

export interface HeldText {
  name: string;
  sha256: string;
  bytes: Uint8Array;
}

interface CustomTextsState {
  texts: Record<string, HeldText>;
  /** Hashes looked up in the store and not found there (the page asks for the text). */
  missing: Record<string, true>;
  /** A storage problem worth telling (the text still trains in this tab). */
  storageNote: string;
}

export const useCustomTexts = create<CustomTextsState>(() => ({ texts: {}, missing: {}, storageNote: '' }));

let storePromise: Promise<CustomTextStore | null> | null = null;
function store(): Promise<CustomTextStore | null> {
  storePromise ??= CustomTextStore.open().catch(() => null);
  return storePromise;
}

/** The text with this hash, when the page holds it. */
export function heldText(sha256: string | undefined): HeldText | undefined {
  return sha256 ? useCustomTexts.getState().texts[sha256] : undefined;
}

/** Holds a validated text and stores it; resolves once it is stored (or storage failed, which is noted). */
export async function rememberText(t: HeldText): Promise<void> {
  useCustomTexts.setState((s) => {
    const { [t.sha256]: _gone, ...missing } = s.missing;
    return { texts: { ...s.texts, [t.sha256]: { name: t.name, sha256: t.sha256, bytes: t.bytes } }, missing };
  });
  try {
    const s = await store();
    if (!s) throw new Error('IndexedDB is not available');
    await s.put(t);
  } catch (e) {
    useCustomTexts.setState({ storageNote: `Your text could not be saved in this browser (${e instanceof Error ? e.message : String(e)}): it trains in this tab, but after a reload you will need to paste it again.` });
  }
}

/** Looks a named text up in the store (once per hash); resolves to whether the page holds it now. */
export async function loadText(sha256: string): Promise<boolean> {
  if (heldText(sha256)) return true;
  const rec = await (await store())?.get(sha256).catch(() => null);
  if (rec) {
    useCustomTexts.setState((s) => ({ texts: { ...s.texts, [sha256]: { name: rec.name, sha256, bytes: rec.bytes } } }));
    return true;
  }
  useCustomTexts.setState((s) => ({ missing: { ...s.missing, [sha256]: true } }));
  return false;
}

/** The opening link's own text: stored when it carries it, else looked up (decodeShare checks the rest). */
function adoptLinkText(): void {
  if (typeof window === 'undefined') return;
  const params = new URLSearchParams(window.location.search);
  if (params.get('tgt') !== 'custom') return;
  const link = decodeCustomLink(params);
  if (link.text) void rememberText(link.text);
  else if (link.ref) void loadText(link.ref.sha256);
}
adoptLinkText();
