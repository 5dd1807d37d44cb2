// Sizes every chart shares, normal and in presentation mode (store/presentation.ts): tick and axis
// label type (14 px, 18 px on a projector), the plot area's height (at least 240 px), the space the
// axes take, and the padding between the plot's edges and the outermost data, wide enough that a
// marker or ring on the edge of the data (the base model's dot, a best-rate ring) is drawn whole.
// The SVG's height is the plot's plus the axes' and margins' (the legend sits above it, in HTML).
import { usePresentation } from '../../store/presentation';

export type PlotSize = 'normal' | 'tall';

export interface ChartStyle {
  present: boolean;
  /** recharts' tick prop */
  tick: { fontSize: number; fill: string };
  /** Axis label size (px). */
  font: number;
  /** Height of the plot area (px). */
  plot: number;
  /** Pixels between the plot's edges and the outermost data on both axes. */
  pad: number;
  margin: { top: number; right: number; bottom: number; left: number };
  xAxisHeight: number;
  /** The whole SVG's height. */
  height: number;
}

const PLOT: Record<PlotSize, [number, number]> = { normal: [250, 360], tall: [320, 440] };

export function chartStyle(present: boolean, size: PlotSize = 'normal'): ChartStyle {
  const fontSize = present ? 18 : 14;
  const plot = PLOT[size][present ? 1 : 0];
  const margin = { top: 6, right: 16, bottom: fontSize + 10, left: 8 };
  const xAxisHeight = fontSize + 16;
  return {
    present, tick: { fontSize, fill: 'currentColor' }, font: fontSize, plot, pad: present ? 14 : 12, margin, xAxisHeight,
    height: plot + margin.top + margin.bottom + xAxisHeight,
  };
}

/** The width a y axis needs for its longest tick label and its rotated label beside it. */
export function yAxisWidth(s: ChartStyle, labels: readonly string[]): number {
  const longest = Math.max(3, ...labels.map((l) => l.length));
  return Math.ceil(longest * s.font * 0.62) + s.font + 20;
}

/** The x axis' label, under its ticks. */
export const xLabel = (s: ChartStyle, value: string) => ({
  value, position: 'insideBottom' as const, offset: -(s.font + 4), className: 'recharts-label ll-axis-label', style: { fontSize: s.font },
});

/** The y axis' label, turned and centred beside its ticks. */
export const yLabel = (s: ChartStyle, value: string) => ({
  value, angle: -90, position: 'insideLeft' as const, textAnchor: 'middle' as const, className: 'recharts-label ll-axis-label', style: { fontSize: s.font },
});

/** Padding (px) inside both axes, so no marker at the data's edge is cut by the plot's clip. */
export const xPad = (s: ChartStyle) => ({ left: s.pad, right: s.pad });
export const yPad = (s: ChartStyle) => ({ top: s.pad, bottom: s.pad });

export function useChartStyle(size: PlotSize = 'normal'): ChartStyle {
  const present = usePresentation((p) => p.on);
  return chartStyle(present, size);
}
