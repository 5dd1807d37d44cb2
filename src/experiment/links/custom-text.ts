// The custom target text in a shareable link. A link carries the text itself only when it is
// small (CUSTOM_LINK_MAX_CHARS after URL encoding: links pasted in chats and course pages break
// well before browsers' own limits); otherwise it carries the name and SHA-256, and the page that
// opens it asks the student to paste or drop the same text (matchCustomText). Decoding follows
// links/experiment.ts: it never throws, applies what is valid and lists what it could not use.
//
// Keys: tgtName (file name or "pasted text"), tgtSha (64 hex digits), tgtText (the normalised
// text, only when small).

import { validateCustomText, type CustomText } from '../data/custom-text';
import { sha256Hex } from '../data/sha256';

/** Most characters tgtText may take in the query string after URL encoding. */
export const CUSTOM_LINK_MAX_CHARS = 2048;
const NAME_MAX = 120;

export interface CustomTextRef {
  name: string;
  sha256: string;
  bytes: number;
}

export interface DecodedCustomLink {
  /** What the link names; null when it names no custom text or the reference is unusable. */
  ref: Pick<CustomTextRef, 'name' | 'sha256'> | null;
  /** The text, when the link carries it and it matches tgtSha. */
  text: CustomText | null;
  problems: string[];
}

/** Characters tgtText=<text> would add to a query string for this text. */
export function customLinkChars(bytes: Uint8Array): number {
  const text = new TextDecoder().decode(bytes);
  return new URLSearchParams({ tgtText: text }).toString().length - 'tgtText='.length;
}

/** Whether a link can carry this text itself. */
export function linkCarriesText(bytes: Uint8Array): boolean {
  return customLinkChars(bytes) <= CUSTOM_LINK_MAX_CHARS;
}

/** Writes the custom target's keys into `out`; returns whether the text itself went in. */
export function encodeCustomLink(text: Pick<CustomText, 'name' | 'bytes' | 'sha256'>, out: URLSearchParams): boolean {
  out.set('tgtName', text.name.slice(0, NAME_MAX));
  out.set('tgtSha', text.sha256);
  if (!linkCarriesText(text.bytes)) return false;
  out.set('tgtText', new TextDecoder().decode(text.bytes));
  return true;
}

// Names are shown on the page: no markup, control or bidi characters.
const UNSAFE_NAME = /[<>\p{Cc}\u202a-\u202e\u2066-\u2069]|javascript:/iu;

/** Reads the custom target's keys; never throws. */
export function decodeCustomLink(params: URLSearchParams): DecodedCustomLink {
  const problems: string[] = [];
  const sha = params.get('tgtSha');
  const rawName = params.get('tgtName');
  const rawText = params.get('tgtText');
  if (sha === null && rawName === null && rawText === null) return { ref: null, text: null, problems };
  let name = rawName ?? 'pasted text';
  if (name.length === 0 || name.length > NAME_MAX || UNSAFE_NAME.test(name)) {
    problems.push('tgtName: not a usable name; using "pasted text"');
    name = 'pasted text';
  }
  if (sha === null || !/^[0-9a-f]{64}$/.test(sha)) {
    problems.push('tgtSha: missing or not 64 hex digits; the custom text could not be used');
    return { ref: null, text: null, problems };
  }
  const ref = { name, sha256: sha };
  if (rawText === null) return { ref, text: null, problems };
  // Training's size limits are checked when the run is configured; batch 1 and length 1 here
  // only refuse texts too short for any run (under 20 bytes).
  const checked = validateCustomText(rawText, name, { batchSize: 1, seqLen: 1 });
  if (!checked.ok) {
    problems.push(`tgtText: ${checked.error.message}`);
    return { ref, text: null, problems };
  }
  if (checked.text.sha256 !== sha) {
    problems.push('tgtText: the text does not match tgtSha (changed or cut short); paste or drop the original text');
    return { ref, text: null, problems };
  }
  return { ref, text: checked.text, problems };
}

/** Whether a text the student pasted is the one a link or saved run names. */
export function matchCustomText(expectedSha: string, bytes: Uint8Array): boolean {
  return sha256Hex(bytes) === expectedSha;
}
