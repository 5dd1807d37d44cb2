// Embed mode, for course pages that put the playground in an iframe: `embed=1` drops the page's
// margins and header chrome, and `hide=controls,text,tour` hides the chosen parts. The share menu
// builds the iframe snippet for what is on screen from the same parameters.
export const EMBED_PARTS = ['controls', 'text', 'tour'] as const;
export type EmbedPart = (typeof EMBED_PARTS)[number];

export interface EmbedOptions {
  embed: boolean;
  hide: EmbedPart[];
}

/** Reads `embed` and `hide` from a query string; unknown parts are ignored, `hide` alone does nothing. */
export function parseEmbed(search: string): EmbedOptions {
  const q = new URLSearchParams(search);
  const embed = q.get('embed') === '1' || q.get('embed') === 'true';
  if (!embed) return { embed: false, hide: [] };
  const asked = (q.get('hide') ?? '').split(',').map((s) => s.trim());
  return { embed, hide: EMBED_PARTS.filter((p) => asked.includes(p)) };
}

/** The page's address in embed mode, hiding `hide` (the experiment's own parameters are kept as they are). */
export function embedUrl(href: string, hide: readonly EmbedPart[]): string {
  const url = new URL(href);
  url.searchParams.delete('embed');
  url.searchParams.delete('hide');
  url.searchParams.set('embed', '1');
  if (hide.length) url.searchParams.set('hide', hide.join(','));
  return url.toString();
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** An iframe snippet for a course page: the charts need about 900×640 CSS pixels with the controls hidden. */
export function embedCode(href: string, hide: readonly EmbedPart[], size = { width: 960, height: 720 }): string {
  const src = escapeAttr(embedUrl(href, hide));
  return `<iframe src="${src}" width="${size.width}" height="${size.height}" title="LoRA Lab: LoRA vs full fine-tuning" style="border:0" loading="lazy" allow="clipboard-write"></iframe>`;
}

/**
 * A view's own query plus the page's parameters from `search` (embed mode's, the tour step and a link's
 * predict-first), so rewriting the URL keeps the page embedded and a copied address still opens the same tour step.
 */
export function withEmbedParams(query: URLSearchParams, search: string): URLSearchParams {
  const from = new URLSearchParams(search);
  for (const k of ['embed', 'hide', 'tour', 'predict']) {
    const v = from.get(k);
    if (v !== null && !query.has(k)) query.set(k, v);
  }
  return query;
}
