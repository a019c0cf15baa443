/**
 * A table as plain data, independent of its output format (csv.ts, markdown.ts, latex.ts render it).
 * Cell values: a number, a string, `null` = unknown (published figure missing) and `undefined` =
 * not available here (not in the paper, or not run).
 */
import { checkTableConvention } from '../metrics/conventions.js';

export type CellValue = number | string | null | undefined;

export const COLUMN_KINDS = ['text', 'number', 'delta'] as const;
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export interface Column {
  readonly key: string;
  readonly header: string;
  /** `delta` prints a sign (+0.12); default `text` */
  readonly kind: ColumnKind;
  /** decimals for number and delta columns */
  readonly digits?: number;
  /** where the figure comes from: shown in CSV headers and used by renderers to group */
  readonly source?: 'paper' | 'ours' | 'delta';
}

export interface Table {
  readonly id: string;
  readonly title: string;
  /** metric convention id the reproduced figures use */
  readonly convention: string;
  /** budget of the reproduced runs */
  readonly scale: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Readonly<Record<string, CellValue>>[];
  /** footnotes: provenance, flags, what unknown means */
  readonly notes: readonly string[];
}

export const UNKNOWN = 'unknown';
export const NOT_AVAILABLE = '–';

/** The human-readable text of a cell (Markdown and LaTeX). */
export function formatCell(column: Column, value: CellValue): string {
  if (value === null) return UNKNOWN;
  if (value === undefined) return NOT_AVAILABLE;
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return value > 0 ? '∞' : value < 0 ? '−∞' : 'NaN';
  if (column.kind === 'text') return String(value);
  const text = value.toFixed(column.digits ?? 2);
  if (column.kind === 'delta') {
    if (Number(text) === 0) return (0).toFixed(column.digits ?? 2);
    return value > 0 ? `+${text}` : text.replace('-', '−');
  }
  return text;
}

/** "metric convention: rdbm; scale: default", the line every table and plot carries (a preview convention is refused). */
export function conventionContext(convention: string, scale: string): string {
  return `metric convention: ${checkTableConvention(convention, 'table convention')}; scale: ${scale}`;
}

/** The context line of a table. */
export function tableContext(table: Table): string {
  return conventionContext(table.convention, table.scale);
}

/** ours − paper when both are numbers; null when the paper's figure is unknown; undefined when not run. */
export function delta(ours: number | null | undefined, paper: number | null | undefined): number | null | undefined {
  if (ours === undefined || ours === null) return undefined;
  if (paper === undefined) return undefined;
  if (paper === null) return null;
  return ours - paper;
}
