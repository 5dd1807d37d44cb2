// The class kit's files (issue 20, item 9), loaded only when a teacher asks for one (ClassKit's
// dynamic import), so the worksheet and table code never weighs on a page that does not use it:
// the worksheet in Markdown or printable HTML, and the "paper vs here" table as SVG or PNG.
import { paperTableSvg } from '../../../experiment/tour/paper-table';
import type { TourResults } from '../../../experiment/tour/results';
import { worksheetHtml, worksheetMarkdown } from '../../../experiment/tour/worksheet';
import { toPng } from '../export/ChartDownload';
import { download } from '../export/files';

export type KitFile = 'worksheet-md' | 'worksheet-html' | 'paper-svg' | 'paper-png';

/** The page's own address without its query: where the worksheet's step links point. */
function pageUrl(): string {
  return `${window.location.origin}${window.location.pathname}`;
}

export async function saveKitFile(kind: KitFile, results: TourResults | null): Promise<void> {
  if (kind === 'worksheet-md') return download('lora-lab-worksheet.md', 'text/markdown', worksheetMarkdown(results, { pageUrl: pageUrl() }));
  if (kind === 'worksheet-html') return download('lora-lab-worksheet.html', 'text/html', worksheetHtml(results, { pageUrl: pageUrl() }));
  const text = paperTableSvg(results);
  if (kind === 'paper-svg') return download('lora-lab-paper-vs-here.svg', 'image/svg+xml', text);
  const [, w, h] = /width="(\d+)" height="(\d+)"/.exec(text) ?? [];
  download('lora-lab-paper-vs-here.png', 'image/png', await toPng({ text, width: Number(w), height: Number(h) }, 1));
}
