/**
 * The RDBM presets' sizes beside the paper's: parameters and FLOPs (thop's count at 256×256, the figure
 * the paper's B/L match) of each preset, and the published figures where the paper gives them.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PUBLISHED_MAIN } from '../../experiments/paper.js';
import { FLOPS_RESOLUTION, modelCost } from '../../experiments/sets.js';
import { modelPreset } from '../../models/presets.js';
import { topLevel } from './common.js';
import { labelLayers, scatterLabels } from './labels.js';

export interface ModelSizeRow {
  /** `RDBM-T` … */
  readonly model: string;
  readonly dim: number;
  readonly dimMults: readonly number[];
  readonly paramsM: number;
  /** thop's count (convolutions and linear layers) at 256×256, G */
  readonly flopsG: number;
  /** with the attention matrix products thop leaves out, G */
  readonly macsTotalG: number;
  readonly paperParamsM: number | null;
  readonly paperFlopsG: number | null;
}

/** The presets' counts and the paper's figures (null where it publishes none). */
export function modelSizes(names: readonly string[] = ['T', 'S', 'B', 'L']): ModelSizeRow[] {
  return names.map((name) => {
    const { config } = modelPreset(name);
    const cost = modelCost(name);
    const paper = PUBLISHED_MAIN.find((r) => r.id === `rdbm-${name}`);
    return { model: `RDBM-${name}`, dim: config.dim, dimMults: config.dimMults, paramsM: cost.paramsM!, flopsG: cost.flopsG!, macsTotalG: cost.macsTotalG!, paperParamsM: paper?.paramsM ?? null, paperFlopsG: paper?.flopsG ?? null };
  });
}

const WIDTH = 340;
const HEIGHT = 240;
const FONT_SIZE = 10;

/** FLOPs against parameters (log–log), ours and the paper's where it gives both; every point labelled clear of the others. */
export function modelSizesPlot(rows: readonly ModelSizeRow[]): TopLevelSpec {
  const points = rows.flatMap((r) => [
    { label: `${r.model}`, source: 'ours (presets)', params: r.paramsM, flops: r.flopsG },
    ...(r.paperParamsM !== null && r.paperFlopsG !== null ? [{ label: `${r.model} (paper)`, source: 'paper', params: r.paperParamsM, flops: r.paperFlopsG }] : []),
  ]);
  const { xDomain, yDomain, labels } = scatterLabels(points.map((p) => ({ x: p.params, y: p.flops, label: p.label })), { width: WIDTH, height: HEIGHT, fontSize: FONT_SIZE, xLog: true, yLog: true });
  const x = { type: 'log', domain: xDomain, nice: false };
  const y = { type: 'log', domain: yDomain, nice: false };
  const color = { field: 'source', type: 'nominal', title: null, legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0 } };
  return topLevel('Parameters and FLOPs of the presets beside the paper', `FLOPs: thop's count (convolutions and linear layers) at ${FLOPS_RESOLUTION}×${FLOPS_RESOLUTION}; log scales; the paper gives none for T and S`, {
    data: { values: points.map((p, i) => ({ ...p, ...labels[i] })) },
    width: WIDTH,
    height: HEIGHT,
    layer: [
      { mark: { type: 'point', filled: true, size: 70, tooltip: true }, encoding: { x: { field: 'params', type: 'quantitative', scale: x, title: 'parameters (M)' }, y: { field: 'flops', type: 'quantitative', scale: y, title: `FLOPs (G) at ${FLOPS_RESOLUTION}×${FLOPS_RESOLUTION}` }, color, shape: { field: 'source', type: 'nominal', legend: null } } },
      ...labelLayers({ x, y }, { fontSize: FONT_SIZE, color }),
    ],
  });
}
