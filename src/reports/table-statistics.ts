/**
 * The columns and notes every comparison table shares for reproduced runs (statistics.ts): seeds
 * (and sd across seeds), Δ against the set's default entry with its interval, the reading (✱ above /
 * ✱ below / not told apart with its equivalence bound, one procedure for the interval, the mark, the
 * words and the p of reproduced.json), the training-health mark, and the unrestored-input row. Six
 * columns (seven with sd), so the headline stays within 12. Pure helpers for tables.ts.
 */
import { INPUT_KEY } from '../experiments/sets.js';
import { REPORT_CONFIDENCE } from './statistics.js';
import { HEALTH_MARK_NOTE, healthMark } from './table-health.js';
import { type CellValue, type Column, formatCell } from './table.js';
import type { MetricDelta, ReproducedEntry, ReproducedSet } from './types.js';

export const PSNR_DIGITS = 2;
export const SSIM_DIGITS = 3;

const CI = `${Math.round(REPORT_CONFIDENCE * 100)}% CI`;

/**
 * Δ against the set's default entry (paired, tasks as strata): Δ and its interval per metric, and the
 * reading. The p (the same distribution's, so ✱ ⇔ p < 0.05) is in reproduced.json, not a column.
 */
export function defaultDeltaColumns(): Column[] {
  const cols: Column[] = [];
  for (const [m, title, digits] of [['psnr', 'PSNR', PSNR_DIGITS], ['ssim', 'SSIM', SSIM_DIGITS + 1]] as const) {
    cols.push(
      { key: `${m}_vs_default`, header: `Δ ${title} vs default`, kind: 'delta', digits, source: 'ours' },
      { key: `${m}_vs_default_ci`, header: `Δ ${title} ${CI}`, kind: 'text', source: 'ours' },
    );
  }
  cols.push({ key: 'reading', header: `Reading (${CI})`, kind: 'text', source: 'ours' });
  return cols;
}

function signed(value: number, digits: number): string {
  return formatCell({ key: '', header: '', kind: 'delta', digits }, value);
}

/** `[−0.12, +0.30]` */
export function intervalText(low: number, high: number, digits: number): string {
  return `[${signed(low, digits)}, ${signed(high, digits)}]`;
}

/** Interval excludes 0 (the row is marked); by construction exactly when p < 0.05 (stats/percentile.ts). */
export function excludesZero(d: MetricDelta | null | undefined): boolean {
  return !!d && d.low !== null && d.high !== null && (d.low > 0 || d.high < 0);
}

/** Shown where a task has fewer than 2 test images, so no interval can be resampled. */
export const NO_INTERVAL = 'n/a';

/** An upper bound shown at `digits` decimals, rounded up so that "|Δ| < X" still holds as printed. */
function boundText(x: number, digits: number): string {
  const scale = 10 ** digits;
  return (Math.ceil(x * scale - 1e-9) / scale).toFixed(digits);
}

/**
 * The words for one Δ: `above` / `below` when its interval excludes 0 (the ✱ rows), else
 * `not told apart; |Δ| < X dB` with the equivalence bound (so "not told apart" never stands alone),
 * `n/a` without an interval.
 */
export function deltaReading(d: MetricDelta, metric: 'psnr' | 'ssim'): string {
  if (d.low === null || d.high === null) return NO_INTERVAL;
  if (d.low > 0) return 'above';
  if (d.high < 0) return 'below';
  const digits = metric === 'psnr' ? PSNR_DIGITS : SSIM_DIGITS + 1;
  // reproduced.json files written before the equivalence bound existed have none (undefined)
  return d.equivalence === null || d.equivalence === undefined ? 'not told apart' : `not told apart; |Δ| < ${boundText(d.equivalence, digits)}${metric === 'psnr' ? ' dB' : ''}`;
}

export function defaultDeltaCells(set: ReproducedSet | undefined, entry: ReproducedEntry | undefined): Record<string, CellValue> {
  if (!entry) return {};
  if (set?.default !== undefined && entry.key === set.default) return { reading: '(default)' };
  const d = entry.delta;
  if (!d) return {};
  const cells: Record<string, CellValue> = {};
  const words: string[] = [];
  for (const [m, digits] of [['psnr', PSNR_DIGITS], ['ssim', SSIM_DIGITS + 1]] as const) {
    const x = d[m];
    if (!x) continue;
    cells[`${m}_vs_default`] = x.mean;
    cells[`${m}_vs_default_ci`] = x.low === null || x.high === null ? NO_INTERVAL : intervalText(x.low, x.high, digits);
    words.push(`${excludesZero(x) ? '✱ ' : ''}${m.toUpperCase()} ${deltaReading(x, m)}`);
  }
  cells.reading = words.join('; ');
  return cells;
}

function seedColumns(set: ReproducedSet | undefined): Column[] {
  const cols: Column[] = [{ key: 'seeds', header: 'Seeds', kind: 'number', digits: 0, source: 'ours' }];
  // one column for both sds, so a table with seeds stays within 12 columns
  if (set?.entries.some((e) => e.sd)) cols.push({ key: 'sd', header: 'sd over seeds (PSNR / SSIM)', kind: 'text', source: 'ours' });
  return cols;
}

function seedCells(entry: ReproducedEntry | undefined): Record<string, CellValue> {
  if (!entry) return {};
  const sd = entry.sd;
  const number = (v: number | null | undefined, digits: number) => (v === null || v === undefined ? '–' : v.toFixed(digits));
  return { seeds: entry.seeds, ...(sd ? { sd: `${number(sd.psnr, PSNR_DIGITS)} / ${number(sd.ssim, SSIM_DIGITS + 1)}` } : {}) };
}

/** The set carries run statistics (seeds, Δ against its default): sets reduced from per-image scores do. */
export function hasStatistics(set: ReproducedSet | undefined): set is ReproducedSet {
  return !!set && set.entries.some((e) => e.seeds !== undefined || e.delta !== undefined);
}

/** Every comparison table's columns after the scores: seeds, then Δ against the default entry. */
export function oursColumns(set: ReproducedSet | undefined): Column[] {
  return hasStatistics(set) ? [...seedColumns(set), ...defaultDeltaColumns()] : [];
}

export function oursCells(set: ReproducedSet | undefined, entry: ReproducedEntry | undefined): Record<string, CellValue> {
  return { ...seedCells(entry), ...defaultDeltaCells(set, entry) };
}

/** The notes that explain the seeds and Δ-vs-default columns. */
export function statisticsNotes(set: ReproducedSet | undefined): string[] {
  if (!hasStatistics(set)) return [];
  const def = set.entries.find((e) => e.key === set.default);
  const seeds = [...new Set(set.entries.map((e) => e.seeds).filter((n): n is number => n !== undefined))];
  const oneSeed = set.entries.every((e) => e.seeds === undefined || e.seeds <= 1);
  const notes = [
    `Δ vs default = entry − ${def ? def.label : 'the default entry'} on the same test images: the mean over tasks of the per-task mean difference, each entry averaged over its training seeds. ${CI} = two-level paired bootstrap: test images resampled within each task (one draw for both entries), training seeds through a Student-calibrated seed term (Welch–Satterthwaite df). p (in reproduced.json) = the same distribution's two-sided p (the smallest level at which its interval excludes 0), so ✱ ⇔ p < 0.05. Reading: ✱ above / ✱ below = the interval excludes 0; not told apart; |Δ| < X = it holds 0, and |Δ| < X with 95% confidence (two one-sided tests at 0.05: the largest |end| of the 90% interval, rounded up); ${NO_INTERVAL} = a task has fewer than 2 test images, so no interval and no p.`,
    `Seeds = training seeds behind the row (figures are means over seeds${set.entries.some((e) => e.sd) ? '; sd across seeds of the five-task average' : ''}; reproduced.json keeps each seed's averages); seeds per row here: ${seeds.length ? seeds.join(', ') : 'none'}.${oneSeed ? ' With one seed per row an interval covers the choice of test images, not the training run.' : ''}`,
  ];
  if (set.entries.some((e) => e.key === INPUT_KEY)) notes.push('Input (unrestored) = the degraded test inputs scored against the ground truth exactly like the restorations (same convention, same test images).');
  return notes;
}

/** A row's label with the training-health mark of its entry (` ⚠ diverged`, ` ⚠ unstable`). */
export function markedLabel(label: string, entry: ReproducedEntry | undefined): string {
  return `${label}${healthMark(entry?.health)}`;
}

/** The note explaining the health mark, when a row of the set carries one. */
export function healthNotes(set: ReproducedSet | undefined): string[] {
  return set?.entries.some((e) => healthMark(e.health)) ? [HEALTH_MARK_NOTE] : [];
}

export function inputEntry(set: ReproducedSet | undefined): ReproducedEntry | undefined {
  return set?.entries.find((e) => e.key === INPUT_KEY);
}
