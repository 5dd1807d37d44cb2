// The top bar's share menu (a disclosure button: Enter/Space opens it, Escape closes it and
// returns focus): "Copy link" copies the page's address, which every view keeps in sync with what is on
// screen; "Copy embed code" copies an <iframe> snippet of the same address in embed mode, hiding
// the parts ticked below it (embed.ts).
import { useEffect, useRef, useState } from 'react';
import { EMBED_PARTS, embedCode, type EmbedPart } from '../../embed';

const PART_LABEL: Record<EmbedPart, string> = { controls: 'settings', text: 'explanations', tour: 'tour' };

async function copy(text: string, done: string): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return done;
  } catch {
    return 'The clipboard is not available here: select the text below and copy it.';
  }
}

export function ShareMenu() {
  const [message, setMessage] = useState('');
  const [hide, setHide] = useState<EmbedPart[]>(['text', 'tour']);
  const [snippet, setSnippet] = useState('');
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const toggle = (p: EmbedPart, on: boolean) => setHide((h) => EMBED_PARTS.filter((x) => (x === p ? on : h.includes(x))));

  async function copyLink() {
    setSnippet(window.location.href);
    setMessage(await copy(window.location.href, 'Link copied.'));
  }
  async function copyEmbed() {
    const code = embedCode(window.location.href, hide);
    setSnippet(code);
    setMessage(await copy(code, 'Embed code copied.'));
  }

  // A click outside closes the menu, as menus elsewhere do.
  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);

  return (
    <div
      className="ll-menu ll-share" ref={root}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || !open) return;
        setOpen(false);
        button.current?.focus();
      }}
    >
      <button
        type="button" ref={button} aria-expanded={open} aria-controls="ll-share-menu"
        onClick={() => { setOpen(!open); setMessage(''); }}
      >Share</button>
      <div className="ll-menu-body" id="ll-share-menu" hidden={!open}>
        <div className="ll-menu-row">
          <button type="button" onClick={copyLink}>Copy link</button>
          <button type="button" onClick={copyEmbed}>Copy embed code</button>
        </div>
        <fieldset className="ll-embed-hide">
          <legend>Embed without</legend>
          {EMBED_PARTS.map((p) => (
            <label key={p}>
              <input type="checkbox" checked={hide.includes(p)} onChange={(e) => toggle(p, e.target.checked)} /> {PART_LABEL[p]}
            </label>
          ))}
        </fieldset>
        <p className="ll-menu-msg" aria-live="polite">{message}</p>
        {snippet && (
          <label className="ll-snippet">
            <span>Copied text</span>
            <textarea readOnly value={snippet} rows={3} onFocus={(e) => e.currentTarget.select()} />
          </label>
        )}
      </div>
    </div>
  );
}
