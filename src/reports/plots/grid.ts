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

export function restorationGridPlot(rows: readonly GridRow[], options: { title?: string; subtitle?: string; cellSize?: number } = {}): TopLevelSpec {
  const size = options.cellSize ?? 128;
  const columns = [...new Set(rows.flatMap((r) => r.cells.map((c) => c.column)))];
  const values = rows.flatMap((r) => r.cells.map((c) => ({ row: r.label, column: c.column, url: c.url, caption: c.caption ?? '' })));
  const x = { field: 'column', type: 'nominal', sort: columns, title: null, axis: { orient: 'top', labelAngle: 0, ticks: false, domain: false, labelLimit: 0 } };
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
