/**
 * CSV rendering (csv-stringify): one header row, full-precision numbers, `unknown` for unknown
 * published figures and an empty field for figures that do not exist. Every row carries the table
 * id, the metric convention and the scale so a CSV never loses its context.
 */
import { stringify } from 'csv-stringify/sync';
import { checkTableConvention } from '../metrics/conventions.js';
import type { ImageDeltaRow } from './statistics.js';
import { type Table, UNKNOWN } from './table.js';

export function tableToCsv(table: Table): string {
  checkTableConvention(table.convention, 'table convention');
  const header = ['table', 'convention', 'scale', ...table.columns.map((c) => c.key)];
  const rows = table.rows.map((row) => [
    table.id,
    table.convention,
    table.scale,
    ...table.columns.map((c) => {
      const v = row[c.key];
      if (v === null) return UNKNOWN;
      if (v === undefined) return '';
      return typeof v === 'number' ? (Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : 'nan') : v;
    }),
  ]);
  return stringify([header, ...rows]);
}

/** Per-image differences from the default entry (statistics.ts imageDeltaRows), full precision, empty = not finite. */
export function imageDeltasCsv(rows: readonly ImageDeltaRow[]): string {
  const columns = ['experiment', 'convention', 'key', 'label', 'against', 'task', 'subDataset', 'name', 'seed', 'psnrDefault', 'psnr', 'psnrDelta', 'ssimDefault', 'ssim', 'ssimDelta'] as const;
  return stringify([columns as readonly string[], ...rows.map((r) => columns.map((c) => (r[c] === null ? '' : String(r[c]))))] as string[][]);
}
