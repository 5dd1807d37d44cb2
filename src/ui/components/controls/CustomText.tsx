// "Your own text…" as the target: paste text or drop / choose a .txt, .md or source file. The
// text is checked (size, UTF-8, binary, file type: data/custom-text.ts) against the experiment's
// batch and length, its held-out share is shown from the actual split, and a valid text is
// stored in the browser and named in the config by SHA-256. Every sentence about the text is
// computed from it (sizes, held-out bytes, whether a link can carry it).
import { useEffect, useId, useState, type DragEvent } from 'react';
import type { ExperimentConfig } from '../../../experiment/config';
import { CUSTOM_LINK_MAX_CHARS, customLinkChars } from '../../../experiment/links/custom-text';
import { CUSTOM_TEXT_MAX_BYTES, minCustomTextBytes, splitCustomText, validateCustomText } from '../../../experiment/data/custom-text';
import { heldText, loadText, rememberText, useCustomTexts, type HeldText } from './CustomTextState';
import type { Update } from './update';
import './CustomText.css';

const ACCEPT = [
  '.txt', '.md', '.markdown', '.rst', '.tex', '.csv', '.tsv', '.json', '.yaml', '.yml', '.toml', '.xml', '.html', '.css',
  '.js', '.mjs', '.jsx', '.ts', '.tsx', '.py', '.rb', '.go', '.rs', '.c', '.h', '.cpp', '.hpp', '.java', '.kt', '.swift',
  '.sh', '.sql', '.lua', '.hs', 'text/*',
].join(',');
/** Files larger than this are not read at all (the limit is far lower; this only avoids loading a huge file). */
const READ_LIMIT = 64 * CUSTOM_TEXT_MAX_BYTES;

const fmt = (n: number) => n.toLocaleString('en-US');

/** "1,234 bytes (1.2 KiB)" */
function size(n: number): string {
  return n < 1024 ? `${fmt(n)} bytes` : `${fmt(n)} bytes (${(n / 1024).toFixed(1)} KiB)`;
}

function Summary({ text }: { text: HeldText }) {
  const split = splitCustomText(text.bytes);
  const n = text.bytes.length;
  const pct = ((100 * split.heldout.length) / n).toFixed(1);
  const chunks = split.chunks.length;
  const chars = customLinkChars(text.bytes);
  return (
    <>
      <p className="ll-hint" aria-live="polite" data-testid="custom-text-summary">
        <b>{text.name}</b>: {size(n)}; {fmt(split.heldout.length)} bytes ({pct}%) held out for evaluation
        {chunks > 1 ? ` in ${chunks} pieces spread through the text` : ' from the middle of the text'}, {fmt(split.train.length)} bytes to train on.
      </p>
      <p className="ll-hint" data-testid="custom-text-link">
        {chars <= CUSTOM_LINK_MAX_CHARS
          ? `Copy link carries this text (${fmt(chars)} of ${fmt(CUSTOM_LINK_MAX_CHARS)} characters in the link).`
          : `A link cannot carry this text (it would take ${fmt(chars)} characters; a link holds at most ${fmt(CUSTOM_LINK_MAX_CHARS)}): a copied link names it by name and SHA-256 only, and whoever opens it must paste the same text.`}
      </p>
    </>
  );
}

async function fileBytes(file: File): Promise<Uint8Array | string> {
  if (file.size > READ_LIMIT) return `"${file.name}" has ${fmt(file.size)} bytes; the limit is ${fmt(CUSTOM_TEXT_MAX_BYTES)} (2 MiB). Use a part of it.`;
  return new Uint8Array(await file.arrayBuffer());
}

export function CustomText({ config, update }: { config: ExperimentConfig; update: Update }) {
  const current = config.target.domain === 'custom' ? config.target : null;
  const held = useCustomTexts((s) => (current ? s.texts[current.sha256] : undefined));
  const missing = useCustomTexts((s) => (current ? s.missing[current.sha256] === true : false));
  const storageNote = useCustomTexts((s) => s.storageNote);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [over, setOver] = useState(false);
  const areaId = useId();
  const fileId = useId();

  // A reopened run or a reloaded page names its text by hash: read it from the browser's store.
  useEffect(() => {
    if (current && !heldText(current.sha256)) void loadText(current.sha256);
  }, [current]);

  async function apply(input: Uint8Array | string, name: string): Promise<void> {
    const r = validateCustomText(input, name, { batchSize: config.batchSize, seqLen: config.seqLen });
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    const t = r.text;
    setError('');
    const changes = [
      t.bomRemoved ? 'removed a byte-order mark' : '',
      t.lineEndingsNormalised ? `turned ${fmt(t.lineEndingsNormalised)} Windows/old-Mac line endings into \\n` : '',
    ].filter(Boolean);
    const other = current && missing && current.sha256 !== t.sha256
      ? `This is not the text the experiment named ("${current.name}", a different SHA-256): runs will train on this one. `
      : '';
    setNote(`${other}${changes.length ? `Checked: ${changes.join(' and ')}.` : ''}`);
    await rememberText({ name: t.name, sha256: t.sha256, bytes: t.bytes });
    const ok = update((c) => ({ ...c, target: { domain: 'custom', name: t.name, sha256: t.sha256, bytes: t.bytes.length } }));
    if (!ok) setError('The experiment does not accept this text with the current settings.');
  }

  async function takeFile(file: File | undefined): Promise<void> {
    if (!file) return;
    const b = await fileBytes(file);
    if (typeof b === 'string') setError(b);
    else await apply(b, file.name);
  }

  function onDrop(e: DragEvent<HTMLDivElement>): void {
    e.preventDefault();
    setOver(false);
    void takeFile(e.dataTransfer.files[0]);
  }

  return (
    <div
      className={`ll-custom-text${over ? ' ll-drop-over' : ''}`}
      data-testid="custom-text"
      onDragOver={(e) => { e.preventDefault(); setOver(true); }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      {current && missing && !held && (
        <p role="alert" className="ll-alert" data-testid="custom-text-missing">
          This experiment trains on your own text “{current.name}” ({size(current.bytes)}, SHA-256 {current.sha256.slice(0, 12)}…), which
          this browser does not have. A link carries a text only up to {fmt(CUSTOM_LINK_MAX_CHARS)} characters, so whoever opens
          a link to a longer text must paste the same text: paste it or drop the same file below.
        </p>
      )}
      {held && <Summary text={held} />}
      {!current && <p className="ll-hint">Until a text is accepted here, the experiment keeps its current target.</p>}
      <label htmlFor={areaId}>Paste your text (or drop a .txt, .md or source file here)</label>
      <textarea id={areaId} rows={5} value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="Paste text here…" spellCheck={false} />
      <div className="ll-custom-actions">
        <button type="button" onClick={() => void apply(draft, 'pasted text')} disabled={draft === ''}>Use pasted text</button>
        <label htmlFor={fileId} className="ll-file-label">or a file:</label>
        <input id={fileId} type="file" accept={ACCEPT} onChange={(e) => void takeFile(e.target.files?.[0])} />
      </div>
      <p className="ll-hint">
        At least {fmt(minCustomTextBytes(config))} bytes at this batch size and sequence length, at most {fmt(CUSTOM_TEXT_MAX_BYTES)} (2 MiB); UTF-8 text only.
      </p>
      {error && <p role="alert" className="ll-alert" data-testid="custom-text-error">{error}</p>}
      {note && <p className="ll-hint">{note}</p>}
      {storageNote && <p className="ll-hint">{storageNote}</p>}
    </div>
  );
}
