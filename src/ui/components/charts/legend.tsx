// The charts' legend and series highlight. <ChartBody> wraps a chart inside its figure: it holds a
// slot above the plot where <ChartLegend> renders recharts' legend (through its portal, so the
// legend's wrapped rows never take height from the plot area), and which series is highlighted.
// Each legend entry is a button: hovering or focusing it highlights the series that answer to its key
// (legend-order.ts) and fades the rest, so a line hidden under another can still be found; a click
// (Enter, Space) keeps the highlight until clicked again. The entries come in the methods' order.
import { createContext, useContext, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Legend, Scatter, type LegendPayload } from 'recharts';
import { keysOf, legendRank, seriesClass } from './legend-order';
import './legend.css';

interface Highlight {
  slot: HTMLElement | null;
  pinned: string | null;
  hover: (key: string | null) => void;
  pin: (key: string) => void;
}

const HighlightContext = createContext<Highlight | null>(null);

/** Marks the series that answer to `key` (all of them, or none, when nothing is highlighted). */
function markSeries(root: HTMLElement | null, key: string | null) {
  if (!root) return;
  for (const el of root.querySelectorAll('.ll-series')) el.classList.toggle('ll-hl', key !== null && el.classList.contains(`ll-k-${key}`));
}

export function ChartBody({ children }: { children: ReactNode }) {
  const [slot, setSlot] = useState<HTMLDivElement | null>(null);
  const [hovered, setHovered] = useState<string | null>(null);
  const [pinned, setPinned] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const key = hovered ?? pinned;
  // After every render: series drawn since (a new evaluation) take the highlight too.
  useLayoutEffect(() => markSeries(ref.current, key));
  const value: Highlight = { slot, pinned, hover: setHovered, pin: (k) => setPinned((p) => (p === k ? null : k)) };
  return (
    <HighlightContext.Provider value={value}>
      <div ref={ref} className="ll-chart-body" data-highlight={key ?? undefined}>
        <div ref={setSlot} className="ll-legend-slot" />
        {children}
      </div>
    </HighlightContext.Provider>
  );
}

/** The entry's mark: a line (dashed like its series) for lines and fronts, a dot for points, a ring for the reference's points. */
function LegendIcon({ entry }: { entry: LegendPayload }) {
  const props = entry.payload as { strokeDasharray?: string; className?: unknown } | undefined;
  const dash = props?.strokeDasharray;
  const color = entry.color ?? 'currentColor';
  const line = entry.type === 'line' || entry.type === 'plainline';
  const ring = keysOf(props?.className).includes('reference');
  return (
    <svg className="ll-legend-icon" width="26" height="14" viewBox="0 0 26 14" aria-hidden="true">
      {line && <line x1="1" y1="7" x2="25" y2="7" stroke={color} strokeWidth={dash ? 2.5 : 3.5} strokeDasharray={dash} />}
      {(!line || entry.type === 'line') && (ring
        ? <circle cx="13" cy="7" r="4.5" fill="none" stroke={color} strokeWidth={1.75} />
        : <circle cx="13" cy="7" r="5" fill={color} />)}
    </svg>
  );
}

/** The legend's entries (recharts passes them sorted by ChartLegend's rank). */
function LegendList({ payload }: { payload?: readonly LegendPayload[] }) {
  const ctx = useContext(HighlightContext);
  const entries = (payload ?? []).filter((e) => e.type !== 'none' && e.value);
  if (entries.length === 0) return null;
  return (
    <ul className="ll-legend" aria-label="Legend (hover or focus an entry to pick its lines out)">
      {entries.map((e) => {
        const key = keysOf((e.payload as { className?: unknown } | undefined)?.className)[0] ?? null;
        const on = key !== null && ctx !== null;
        return (
          <li key={`${key}-${e.value}`}>
            <button
              type="button" className="ll-legend-item" data-key={key ?? undefined} aria-pressed={on ? ctx.pinned === key : undefined} disabled={!on}
              title={on ? 'Highlights these lines; click to keep them highlighted' : undefined}
              onMouseEnter={() => on && ctx.hover(key)} onMouseLeave={() => on && ctx.hover(null)}
              onFocus={() => on && ctx.hover(key)} onBlur={() => on && ctx.hover(null)} onClick={() => on && ctx.pin(key)}
            >
              <LegendIcon entry={e} />
              <span className="recharts-legend-item-text">{e.value}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

/**
 * The chart's legend, above the plot (in ChartBody's slot), in the order of `order` (the methods' ids
 * as the run or the preset lists them) and then the reference, the fronts and the base model.
 */
export function ChartLegend({ order }: { order: readonly string[] }) {
  const ctx = useContext(HighlightContext);
  const rank = (item: LegendPayload) => legendRank(order, keysOf((item.payload as { className?: unknown } | undefined)?.className));
  // Without a ChartBody (or before its slot exists) the plain legend, inside the chart.
  if (!ctx?.slot) return ctx ? null : <Legend verticalAlign="top" itemSorter={rank} />;
  return <Legend portal={ctx.slot} content={LegendList} itemSorter={rank} />;
}

/** The base model's entry in a plane's legend (its dot is a ReferenceDot, which takes none). */
export const baseLegendEntry = (label = 'base model (step 0)') => (
  <Scatter key="base-legend" name={label} data={[]} fill="#111" legendType="circle" isAnimationActive={false} className={seriesClass(['base'])} />
);
