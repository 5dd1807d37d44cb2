// One colour per method, used by every chart and table (colour-blind-safe palette).
const PALETTE = ['#d1495b', '#00798c', '#d98c00', '#6a4c93', '#1f4e9c', '#3d9970'];

export function methodColor(index: number): string {
  return PALETTE[index % PALETTE.length];
}
