/**
 * A restoration grid: one row per sample, one column per image kind (input, outputs, ground truth,
 * error maps); images as data URLs (see images.ts), so the spec is self-contained.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PLOT_CONFIG, topLevel } from './common.js';

export interface GridCell {
  /** column title, e.g. `input`, `RDBM-T (NFE 10)`, `ground truth`, `|error|` */
  readonly column: string;
  /** data URL (or any URL) of the image */
  readonly url: string;
  /** optional caption under the image, e.g. `28.31 dB` */
  readonly caption?: string;
}

export interface GridRow {
  readonly label: string;
  readonly cells: readonly GridCell[];
}

/** average width of a 10-px axis label character, in px (DejaVu Sans, what the PNGs are drawn with) */
const LABEL_CHAR_PX = 6.2;

/** `text` broken at spaces into lines of at most `width` characters (a longer word keeps its own line). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

export function restorationGridPlot(rows: readonly GridRow[], options: { title?: string; subtitle?: string; cellSize?: number } = {}): TopLevelSpec {
  const size = options.cellSize ?? 128;
  // column titles wrap to the column's width (long point labels overlapped their neighbours on one line);
  // the field keeps the lines joined by \n, so titles stay distinct, and the axis splits them
  const width = Math.max(8, Math.floor((size + 20) / LABEL_CHAR_PX));
  const title = (column: string) => wrapWords(column, width).join('\n');
  const columns = [...new Set(rows.flatMap((r) => r.cells.map((c) => title(c.column))))];
  const values = rows.flatMap((r) => r.cells.map((c) => ({ row: r.label, column: title(c.column), url: c.url, caption: c.caption ?? '' })));
  // Vega stacks a label's lines downwards from its baseline, so the titles hang from a line set as many
  // lines above the images as the longest title has (top-aligned)
  const lines = Math.max(1, ...columns.map((c) => c.split('\n').length));
  const axis = { orient: 'top', labelAngle: 0, ticks: false, domain: false, labelLimit: 0, labelExpr: "split(datum.label, '\\n')", labelBaseline: 'top', labelLineHeight: 12, labelPadding: 12 * lines + 2 };
  const x = { field: 'column', type: 'nominal', sort: columns, title: null, axis };
  const y = { field: 'row', type: 'nominal', sort: rows.map((r) => r.label), title: null, axis: { ticks: false, domain: false } };
  return topLevel(options.title ?? 'Restorations', options.subtitle, {
    data: { values },
    width: { step: size + 24 },
    height: { step: size + 22 },
    config: { ...PLOT_CONFIG, view: { stroke: null } },
    layer: [
      { mark: { type: 'image', width: size, height: size }, encoding: { x, y, url: { field: 'url', type: 'nominal' } } },
      { mark: { type: 'text', dy: size / 2 + 9, fontSize: 10 }, encoding: { x, y, text: { field: 'caption' } } },
    ],
  });
}
