// One colour per method, used by every chart, card, legend and table: the page's only source of
// method colours. Mid-tone hues (relative luminance 0.15–0.25) so each keeps a 3:1 contrast (WCAG's
// figure for graphics) on the light theme's white and on the dark theme's #15171c alike, and distinct
// for the common colour-vision deficiencies (red, teal, ochre, violet, blue, green, in that order).
const PALETTE = ['#d1495b', '#00798c', '#b7791f', '#8b5cf6', '#3a7bd5', '#3d9970'];

export function methodColor(index: number): string {
  return PALETTE[index % PALETTE.length];
}

/** The base model (before any fine-tuning), where it appears beside the methods: a neutral mid-grey. */
export const BASE_COLOR = '#7b818c';
