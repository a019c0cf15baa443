/**
 * PSNR against parameters and against FLOPs for the model sizes (T/S/B/L), ours beside the paper's.
 * Each point is named by a label placed clear of the other points and labels (labels.ts), so the
 * scales have fixed domains.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PUBLISHED_MAIN } from '../../experiments/paper.js';
import type { ReproducedSet } from '../types.js';
import { context, topLevel } from './common.js';
import { labelLayers, scatterLabels } from './labels.js';

export interface CostPoint {
  readonly label: string;
  readonly series: string;
  readonly paramsM: number | null;
  readonly flopsG: number | null;
  readonly psnr: number;
}

/** Ours (when a set is given) and, unless `published: false`, the paper's main table. */
export function costPoints(set: ReproducedSet | undefined, options: { published?: boolean } = {}): CostPoint[] {
  const points: CostPoint[] = [];
  for (const e of set?.entries ?? []) {
    if (e.average.psnr !== null) points.push({ label: e.label, series: `ours: ${set!.dataset ?? set!.experiment}`, paramsM: e.paramsM ?? null, flopsG: e.flopsG ?? null, psnr: e.average.psnr });
  }
  if (options.published !== false) {
    for (const row of PUBLISHED_MAIN) {
      if (row.psnr !== null) points.push({ label: row.method, series: 'paper', paramsM: row.paramsM, flopsG: row.flopsG, psnr: row.psnr });
    }
  }
  return points;
}

const WIDTH = 260;
const HEIGHT = 220;
const FONT_SIZE = 10;

/** The points with a value on this axis (x), each with its label's anchor (lx, ly in data coordinates) and alignment. */
export function labelledPoints(points: readonly CostPoint[], field: 'paramsM' | 'flopsG') {
  const shown = points.filter((p): p is CostPoint & Record<typeof field, number> => typeof p[field] === 'number' && p[field]! > 0);
  const { xDomain, yDomain, labels } = scatterLabels(shown.map((p) => ({ x: p[field], y: p.psnr, label: p.label })), { width: WIDTH, height: HEIGHT, fontSize: FONT_SIZE, xLog: true, yLog: false });
  return { xDomain, yDomain, values: shown.map((p, i) => ({ ...p, x: p[field], ...labels[i] })) };
}

function panel(points: readonly CostPoint[], field: 'paramsM' | 'flopsG', title: string) {
  const { xDomain, yDomain, values } = labelledPoints(points, field);
  const xScale = { type: 'log', domain: xDomain, nice: false };
  const yScale = { domain: yDomain, nice: false, zero: false };
  const color = { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 0, orient: 'bottom', direction: 'vertical' } };
  return {
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      { mark: { type: 'point', filled: true, size: 60, tooltip: true }, encoding: { x: { field: 'x', type: 'quantitative', scale: xScale, title }, y: { field: 'psnr', type: 'quantitative', scale: yScale, title: 'average PSNR (dB)' }, color } },
      ...labelLayers({ x: xScale, y: yScale }, { fontSize: FONT_SIZE, color }),
    ],
  };
}

/** PSNR vs parameters and vs FLOPs: ours (a reproduced set of model sizes) beside the paper's methods; the paper's alone without a set. */
export function psnrVsCostPlot(set?: ReproducedSet, options: { published?: boolean } = {}): TopLevelSpec {
  const points = costPoints(set, options);
  return topLevel('PSNR vs model cost', set ? context(set.convention, set.scale) : 'the paper\'s figures (no reproduced runs)', {
    hconcat: [panel(points, 'paramsM', 'parameters (M, log)'), panel(points, 'flopsG', 'FLOPs (G, log)')],
  });
}
