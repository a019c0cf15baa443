/** PSNR against the number of sampling steps, reproduced beside the paper's known points (RDBM-L). */
import type { TopLevelSpec } from 'vega-lite';
import { PUBLISHED_ABLATIONS } from '../published.js';
import type { ReproducedSet } from '../types.js';
import { context, topLevel } from './common.js';

export interface NfePoint {
  readonly nfe: number;
  readonly psnr: number;
  readonly series: string;
}

/** Points of a set whose entries carry `nfe` (or a numeric key), plus the published ones unless disabled. */
export function nfePoints(set: ReproducedSet, options: { published?: boolean } = {}): NfePoint[] {
  const points: NfePoint[] = [];
  for (const entry of set.entries) {
    const nfe = entry.nfe ?? Number(entry.key);
    if (Number.isFinite(nfe) && entry.average.psnr !== null) points.push({ nfe, psnr: entry.average.psnr, series: `ours: ${set.dataset ?? set.experiment}` });
  }
  if (options.published !== false) {
    for (const row of PUBLISHED_ABLATIONS.nfe.rows) {
      if (row.psnr !== null) points.push({ nfe: Number(row.value), psnr: row.psnr, series: 'paper (RDBM-L, five datasets)' });
    }
  }
  return points;
}

export function psnrVsNfePlot(set: ReproducedSet, options: { published?: boolean } = {}): TopLevelSpec {
  const values = nfePoints(set, options);
  return topLevel('PSNR vs sampling steps (NFE)', [context(set.convention, set.scale), 'paper: NFE 20/50/100 "slightly lower" than 10, values unknown'], {
    data: { values },
    width: 360,
    height: 220,
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x: { field: 'nfe', type: 'quantitative', scale: { type: 'log' }, title: 'NFE (log scale)', axis: { values: [...new Set(values.map((p) => p.nfe))].sort((a, b) => a - b) } },
      y: { field: 'psnr', type: 'quantitative', scale: { zero: false }, title: 'average PSNR (dB)' },
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 360, orient: 'bottom', direction: 'vertical' } },
    },
  });
}
