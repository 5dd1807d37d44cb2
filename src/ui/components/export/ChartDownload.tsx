// "SVG" and "PNG" buttons for a chart: put <ChartDownload name="..."/> inside the chart's
// <figure>; it saves the figure's recharts SVG as it is drawn (with a white background and
// the page's font, so the file looks like the page) or rasterises it at 2x through a canvas.
import { useEffect, useState, type MouseEvent } from 'react';
import { download } from './files';

/** The figure's chart as a standalone SVG document (null when nothing is drawn yet). */
export function chartSvg(figure: Element | null): { text: string; width: number; height: number } | null {
  const svg = figure?.querySelector('svg.recharts-surface');
  if (!svg) return null;
  const { width, height } = svg.getBoundingClientRect();
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(Math.round(width)));
  copy.setAttribute('height', String(Math.round(height)));
  copy.setAttribute('viewBox', `0 0 ${Math.round(width)} ${Math.round(height)}`);
  copy.setAttribute('font-family', getComputedStyle(svg).fontFamily || 'sans-serif');
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', '#fff');
  copy.insertBefore(bg, copy.firstChild);
  // The legend is HTML beside the SVG in recharts; write it in as text so the file names the lines.
  const legend = [...(figure?.querySelectorAll('.recharts-legend-item-text') ?? [])].map((n) => n.textContent ?? '').filter(Boolean);
  if (legend.length) {
    const t = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    t.textContent = legend.join(', ');
    copy.insertBefore(t, copy.firstChild);
  }
  return { text: new XMLSerializer().serializeToString(copy), width, height };
}

export async function toPng(svg: { text: string; width: number; height: number }, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg.text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(svg.width * scale);
    canvas.height = Math.round(svg.height * scale);
    const g = canvas.getContext('2d')!;
    g.scale(scale, scale);
    g.drawImage(img, 0, 0, svg.width, svg.height);
    return await new Promise<Blob>((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error('the canvas gave no PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function ChartDownload({ name }: { name: string }) {
  const [problem, setProblem] = useState('');
  async function save(e: MouseEvent<HTMLButtonElement>, kind: 'svg' | 'png') {
    const svg = chartSvg(e.currentTarget.closest('figure'));
    if (!svg) return setProblem('Nothing drawn yet.');
    setProblem('');
    try {
      if (kind === 'svg') download(`${name}.svg`, 'image/svg+xml', svg.text);
      else download(`${name}.png`, 'image/png', await toPng(svg));
    } catch (err) {
      setProblem(`Could not save: ${err instanceof Error ? err.message : err}`);
    }
  }
  return (
    <span className="ll-chart-download">
      <button type="button" onClick={(e) => save(e, 'svg')} aria-label={`Save ${name} as SVG`}>SVG</button>
      <button type="button" onClick={(e) => save(e, 'png')} aria-label={`Save ${name} as PNG`}>PNG</button>
      {problem && <span role="status">{problem}</span>}
    </span>
  );
}

/** Every chart drawn on the page (any figure holding a recharts SVG), by its caption. */
function pageCharts(): Array<{ name: string; figure: Element }> {
  return [...document.querySelectorAll('figure')]
    .filter((f) => f.querySelector('svg.recharts-surface'))
    .map((f, i) => ({ name: f.getAttribute('aria-label') ?? f.querySelector('figcaption')?.textContent ?? `chart ${i + 1}`, figure: f }));
}

const fileName = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';

/** Saves any chart on the page (also those without their own buttons) as SVG or PNG. */
export function ChartPicker() {
  const [charts, setCharts] = useState<string[]>([]);
  const [chosen, setChosen] = useState('');
  const [problem, setProblem] = useState('');
  const refresh = () => {
    const names = pageCharts().map((c) => c.name);
    setCharts((old) => (old.join('\n') === names.join('\n') ? old : names));
  };
  // Charts come and go with runs and views; a cheap poll keeps the list current without coupling to them.
  useEffect(() => {
    refresh();
    const t = setInterval(refresh, 2000);
    return () => clearInterval(t);
  }, []);
  async function save(kind: 'svg' | 'png') {
    const c = pageCharts().find((x) => x.name === (chosen || charts[0]));
    const svg = chartSvg(c?.figure ?? null);
    if (!c || !svg) return setProblem('That chart is not drawn now.');
    setProblem('');
    if (kind === 'svg') download(`${fileName(c.name)}.svg`, 'image/svg+xml', svg.text);
    else download(`${fileName(c.name)}.png`, 'image/png', await toPng(svg));
  }
  return (
    <div className="ll-row">
      <label htmlFor="chart-pick">Chart</label>
      <span className="ll-buttons">
        <select id="chart-pick" value={chosen} onFocus={refresh} onPointerDown={refresh} onChange={(e) => setChosen(e.target.value)}>
          {charts.length === 0 && <option value="">(charts on this page)</option>}
          {charts.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
        <button type="button" onClick={() => save('svg')} disabled={charts.length === 0}>SVG</button>
        <button type="button" onClick={() => save('png')} disabled={charts.length === 0}>PNG</button>
        {problem && <span role="alert">{problem}</span>}
      </span>
    </div>
  );
}
