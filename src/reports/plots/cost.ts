/** PSNR against parameters and against FLOPs for the model sizes (T/S/B/L), ours beside the paper's. */
import type { TopLevelSpec } from 'vega-lite';
import { PUBLISHED_MAIN } from '../../experiments/paper.js';
import type { ReproducedSet } from '../types.js';
import { context, topLevel } from './common.js';

export interface CostPoint {
  readonly label: string;
  readonly series: string;
  readonly paramsM: number | null;
  readonly flopsG: number | null;
  readonly psnr: number;
}

export function costPoints(set: ReproducedSet, options: { published?: boolean } = {}): CostPoint[] {
  const points: CostPoint[] = [];
  for (const e of set.entries) {
    if (e.average.psnr !== null) points.push({ label: e.label, series: `ours: ${set.dataset ?? set.experiment}`, paramsM: e.paramsM ?? null, flopsG: e.flopsG ?? null, psnr: e.average.psnr });
  }
  if (options.published !== false) {
    for (const row of PUBLISHED_MAIN) {
      if (row.psnr !== null) points.push({ label: row.method, series: 'paper', paramsM: row.paramsM, flopsG: row.flopsG, psnr: row.psnr });
    }
  }
  return points;
}

function panel(field: 'paramsM' | 'flopsG', title: string) {
  const encoding = {
    x: { field, type: 'quantitative', scale: { type: 'log' }, title },
    y: { field: 'psnr', type: 'quantitative', scale: { zero: false }, title: 'average PSNR (dB)' },
    color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 360, orient: 'bottom', direction: 'vertical' } },
  };
  return {
    width: 260,
    height: 220,
    transform: [{ filter: `isValid(datum.${field})` }],
    layer: [
      { mark: { type: 'point', filled: true, size: 60, tooltip: true }, encoding },
      { mark: { type: 'text', dx: 6, align: 'left', fontSize: 10 }, encoding: { ...encoding, text: { field: 'label' } } },
    ],
  };
}

export function psnrVsCostPlot(set: ReproducedSet, options: { published?: boolean } = {}): TopLevelSpec {
  return topLevel('PSNR vs model cost', context(set.convention, set.scale), {
    data: { values: costPoints(set, options) },
    hconcat: [panel('paramsM', 'parameters (M, log)'), panel('flopsG', 'FLOPs (G, log)')],
  });
}
