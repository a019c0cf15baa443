/**
 * The columns and notes every comparison table shares for reproduced runs (statistics.ts): seeds
 * (and sd across seeds), Δ against the set's default entry with its interval and p, the ✱ mark, and
 * the unrestored-input row. Pure helpers for tables.ts.
 */
import { INPUT_KEY, REPORT_CONFIDENCE } from './statistics.js';
import { type CellValue, type Column, formatCell } from './table.js';
import type { MetricDelta, ReproducedEntry, ReproducedSet } from './types.js';

export const PSNR_DIGITS = 2;
export const SSIM_DIGITS = 3;

const CI = `${Math.round(REPORT_CONFIDENCE * 100)}% CI`;

/** Δ against the set's default entry (paired, tasks as strata): Δ, interval and p per metric, and the mark. */
function defaultDeltaColumns(): Column[] {
  const cols: Column[] = [];
  for (const [m, title, digits] of [['psnr', 'PSNR', PSNR_DIGITS], ['ssim', 'SSIM', SSIM_DIGITS + 1]] as const) {
    cols.push(
      { key: `${m}_vs_default`, header: `Δ ${title} vs default`, kind: 'delta', digits, source: 'ours' },
      { key: `${m}_vs_default_ci`, header: `Δ ${title} ${CI}`, kind: 'text', source: 'ours' },
      { key: `${m}_vs_default_p`, header: `Δ ${title} p`, kind: 'number', digits: 4, source: 'ours' },
    );
  }
  cols.push({ key: 'excludes_zero', header: `${CI} excludes 0`, kind: 'text', source: 'ours' });
  return cols;
}

function signed(value: number, digits: number): string {
  return formatCell({ key: '', header: '', kind: 'delta', digits }, value);
}

/** `[−0.12, +0.30]` */
export function intervalText(low: number, high: number, digits: number): string {
  return `[${signed(low, digits)}, ${signed(high, digits)}]`;
}

/** Interval excludes 0 (the row is marked). */
export function excludesZero(d: MetricDelta | null | undefined): boolean {
  return !!d && d.low !== null && d.high !== null && (d.low > 0 || d.high < 0);
}

/** Shown where a task has fewer than 2 test images, so no interval can be resampled. */
export const NO_INTERVAL = 'n/a';

function defaultDeltaCells(set: ReproducedSet | undefined, entry: ReproducedEntry | undefined): Record<string, CellValue> {
  if (!entry) return {};
  if (set?.default !== undefined && entry.key === set.default) return { excludes_zero: '(default)' };
  const d = entry.delta;
  if (!d) return {};
  const cells: Record<string, CellValue> = {};
  for (const [m, digits] of [['psnr', PSNR_DIGITS], ['ssim', SSIM_DIGITS + 1]] as const) {
    const x = d[m];
    if (!x) continue;
    cells[`${m}_vs_default`] = x.mean;
    cells[`${m}_vs_default_ci`] = x.low === null || x.high === null ? NO_INTERVAL : intervalText(x.low, x.high, digits);
    cells[`${m}_vs_default_p`] = x.p;
  }
  const marked = (['psnr', 'ssim'] as const).filter((m) => excludesZero(d[m])).map((m) => m.toUpperCase());
  const estimable = (['psnr', 'ssim'] as const).some((m) => d[m] && d[m]!.low !== null);
  cells.excludes_zero = marked.length ? `✱ ${marked.join(', ')}` : estimable ? 'no' : NO_INTERVAL;
  return cells;
}

function seedColumns(set: ReproducedSet | undefined): Column[] {
  const cols: Column[] = [{ key: 'seeds', header: 'Seeds', kind: 'number', digits: 0, source: 'ours' }];
  if (set?.entries.some((e) => e.sd)) {
    cols.push(
      { key: 'psnr_sd', header: 'PSNR sd (seeds)', kind: 'number', digits: PSNR_DIGITS, source: 'ours' },
      { key: 'ssim_sd', header: 'SSIM sd (seeds)', kind: 'number', digits: SSIM_DIGITS + 1, source: 'ours' },
    );
  }
  return cols;
}

function seedCells(entry: ReproducedEntry | undefined): Record<string, CellValue> {
  if (!entry) return {};
  return { seeds: entry.seeds, psnr_sd: entry.sd?.psnr ?? undefined, ssim_sd: entry.sd?.ssim ?? undefined };
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
  const notes = [
    `Δ vs default = entry − ${def ? def.label : 'the default entry'} on the same test images (and training seeds): mean of the per-task mean differences; ${CI} = paired percentile bootstrap with pairs resampled within each task; p = two-sided paired sign-flip test, (count + 1)/(resamples + 1); ✱ = the interval excludes 0; ${NO_INTERVAL} = a task has fewer than 2 test images, so there is no interval (p still holds).`,
    `Seeds = training seeds behind the row (figures are means over seeds${set.entries.some((e) => e.sd) ? '; sd across seeds of the five-task average' : ''}); seeds per row here: ${seeds.length ? seeds.join(', ') : 'none'}. Intervals are over test images × seeds.`,
  ];
  if (set.entries.some((e) => e.key === INPUT_KEY)) notes.push('Input (unrestored) = the degraded test inputs scored against the ground truth exactly like the restorations (same convention, same test images).');
  return notes;
}

export function inputEntry(set: ReproducedSet | undefined): ReproducedEntry | undefined {
  return set?.entries.find((e) => e.key === INPUT_KEY);
}
