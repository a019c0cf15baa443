/**
 * Checkpoints (or folders of restored images) side by side on the same test images: PSNR, SSIM,
 * parameters, FLOPs, time per image and the paired Δ against the baseline entry with its interval
 * and reading — the headline's layout (≤ 12 columns) for a set that is not one of the paper's.
 */
import { INPUT_KEY } from '../experiments/sets.js';
import { averageName } from './tables.js';
import { type CellValue, type Column, type Table } from './table.js';
import { PSNR_DIGITS, SSIM_DIGITS, defaultDeltaCells, defaultDeltaColumns, hasStatistics, healthNotes, inputEntry, markedLabel, statisticsNotes } from './table-statistics.js';
import type { ReproducedSet } from './types.js';

export interface CheckpointsTableOptions {
  readonly title?: string;
  /** seconds per restored image, by entry key (a column when given) */
  readonly seconds?: Readonly<Record<string, number>>;
}

export function checkpointsTable(set: ReproducedSet, options: CheckpointsTableOptions = {}): Table {
  const cost = set.entries.some((e) => e.key !== INPUT_KEY && (e.paramsM ?? null) !== null);
  const seconds = options.seconds && Object.keys(options.seconds).length > 0 ? options.seconds : undefined;
  const columns: Column[] = [
    { key: 'method', header: set.experiment === 'folders' ? 'Folder' : 'Checkpoint', kind: 'text' },
    { key: 'psnr', header: 'PSNR', kind: 'number', digits: PSNR_DIGITS, source: 'ours' },
    { key: 'ssim', header: 'SSIM', kind: 'number', digits: SSIM_DIGITS + 1, source: 'ours' },
    ...(cost ? [{ key: 'params', header: 'Params M', kind: 'number', digits: 3, source: 'ours' } as const, { key: 'flops', header: 'FLOPs G', kind: 'number', digits: 2, source: 'ours' } as const] : []),
    ...(seconds ? [{ key: 'seconds', header: 's / image', kind: 'number', digits: 2, source: 'ours' } as const] : []),
    ...(hasStatistics(set) && set.default !== undefined ? defaultDeltaColumns().map((c) => ({ ...c, header: c.header.replace('default', 'baseline') })) : []),
  ];
  const input = inputEntry(set);
  const ordered = input ? [input, ...set.entries.filter((e) => e !== input)] : set.entries;
  const rows = ordered.map((e): Record<string, CellValue> => ({
    method: markedLabel(e.key === set.default ? `${e.label} (baseline)` : e.label, e),
    psnr: e.average.psnr ?? undefined,
    ssim: e.average.ssim ?? undefined,
    params: e.paramsM ?? undefined,
    flops: e.flopsG ?? undefined,
    seconds: seconds?.[e.key],
    ...(e.key === set.default ? { reading: '(baseline)' } : defaultDeltaCells(set, e)),
  }));
  const notes = [
    `${set.dataset ? `${set.dataset}; ` : ''}PSNR and SSIM are the ${averageName(set)} (the mean of the task means).`,
    ...(cost ? ['FLOPs = one network evaluation at 256×256 (convolutions and linear layers, as thop counts them); a restoration costs NFE of them.'] : []),
    ...(seconds ? ['s / image = median wall time per restored image on this machine after a warm-up image; the machine may be shared, so read it as a ratio between checkpoints.'] : []),
    // no seed column here: each row is one checkpoint, so an interval covers the choice of test images only
    ...statisticsNotes(set).filter((n) => !n.startsWith('Seeds =')).map((n) => n.replace(/\bdefault\b/g, 'baseline')),
    ...healthNotes(set),
  ];
  return {
    id: `checkpoints-${set.experiment}`,
    title: options.title ?? `${set.title ?? set.experiment}: ${averageName(set)} PSNR / SSIM${set.default !== undefined ? ' and the difference from the baseline' : ''}`,
    convention: set.convention,
    scale: set.scale,
    columns,
    rows,
    notes,
  };
}
