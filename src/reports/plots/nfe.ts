/**
 * PSNR against the number of sampling steps, reproduced beside the paper's known points (RDBM-L),
 * with the 95% interval of each reproduced point as a band and the unrestored input as a rule.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PUBLISHED_ABLATIONS } from '../../experiments/paper.js';
import { INPUT_KEY } from '../../experiments/sets.js';
import type { ReproducedSet } from '../types.js';
import { context, topLevel } from './common.js';

export interface NfePoint {
  readonly nfe: number;
  readonly psnr: number;
  readonly series: string;
  /** 95% interval of the reproduced mean, when known */
  readonly low?: number;
  readonly high?: number;
}

/** Points of a set whose entries carry `nfe` (or a numeric key), plus the published ones unless disabled. */
export function nfePoints(set: ReproducedSet, options: { published?: boolean } = {}): NfePoint[] {
  const points: NfePoint[] = [];
  for (const entry of set.entries) {
    if (entry.key === INPUT_KEY) continue;
    const nfe = entry.nfe ?? Number(entry.key);
    const ci = entry.average.ci?.psnr;
    if (Number.isFinite(nfe) && entry.average.psnr !== null) points.push({ nfe, psnr: entry.average.psnr, series: `ours: ${set.dataset ?? set.experiment}`, ...(ci ? { low: ci.low, high: ci.high } : {}) });
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
  const input = set.entries.find((e) => e.key === INPUT_KEY)?.average.psnr ?? null;
  const subtitle = [context(set.convention, set.scale), 'paper: NFE 20/50/100 "slightly lower" than 10, values unknown'];
  if (values.some((v) => v.low !== undefined)) subtitle.push('band: 95% bootstrap interval over test images × seeds (tasks as strata)');
  if (input !== null) subtitle.push('dashed: the unrestored input, scored the same way');
  // not niced: a log scale rounds 2…20 out to 1…100 and leaves the right third empty
  const x = { field: 'nfe', type: 'quantitative', scale: { type: 'log', nice: false, padding: 12 }, title: 'NFE (log scale)', axis: { values: [...new Set(values.map((p) => p.nfe))].sort((a, b) => a - b) } };
  const color = { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 360, orient: 'bottom', direction: 'vertical' } };
  return topLevel('PSNR vs sampling steps (NFE)', subtitle, {
    width: 360,
    height: 220,
    layer: [
      {
        data: { values },
        transform: [{ filter: 'isValid(datum.low)' }],
        // only our series has intervals: a fixed fill in its colour (the first of the default palette) keeps
        // the band out of the legend, whose symbols its opacity would otherwise pale
        mark: { type: 'area', opacity: 0.2, color: '#4c78a8' },
        encoding: { x, y: { field: 'low', type: 'quantitative', title: 'average PSNR (dB)' }, y2: { field: 'high' } },
      },
      {
        data: { values },
        mark: { type: 'line', point: true, tooltip: true },
        encoding: { x, y: { field: 'psnr', type: 'quantitative', scale: { zero: false }, title: 'average PSNR (dB)' }, color },
      },
      ...(input !== null
        ? [{
            data: { values: [{ psnr: input, label: 'input (unrestored)' }] },
            layer: [
              { mark: { type: 'rule', strokeDash: [4, 3], color: '#666' }, encoding: { y: { field: 'psnr', type: 'quantitative' } } },
              { mark: { type: 'text', align: 'left', dx: 4, dy: -6, fontSize: 10, color: '#666', x: 0 }, encoding: { y: { field: 'psnr', type: 'quantitative' }, text: { field: 'label' } } },
            ],
          }]
        : []),
    ],
  });
}
