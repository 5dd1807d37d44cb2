// One colour per method, used by every chart and table (colour-blind-safe palette).
const PALETTE = ['#d1495b', '#00798c', '#edae49', '#30638e', '#6a4c93', '#3d9970'];

export function methodColor(index: number): string {
  return PALETTE[index % PALETTE.length];
}
