/**
 * What the experiments hand the report: one set of per-image scores per experiment (pure). The same
 * shape comes from a built-in sweep (experimentSet: its finished points, keyed and labelled as the
 * paper spells them) and from a file of the user's own points (pointsSet: `rdbm report`), so the
 * report has one pipeline: sets → reduceSet (statistics) → tables and plots. Each set carries the
 * source of its restoration grid (which test images, where each entry's restoration of them is).
 */
import type { PairEntry } from '../datasets/index.js';
import { scanLayout } from '../datasets/layout.js';
import { taskKey } from '../datasets/tasks.js';
import { PI_LABELS, type PiVariant } from '../bridge/pi-variants.js';
import { countMacs, countParams } from '../models/spec.js';
import { modelPreset } from '../models/presets.js';
import { type ExperimentResults, type PointResult, pointTestPairs, restoredImagePath } from './api.js';
import { PAPER_CONFIG, lambdaLabel } from './paper.js';
import { type PointsResults, pointRestoredImage } from './points.js';
import { SCALES } from './scales.js';
import { type TrainingVerdict, trainingHealth } from '../stats/index.js';
import { zooEntryOf } from './zoo.js';
import type { ImageScore } from '../metrics/image-score.js';
import type { RunMetrics } from './scores.js';

/** Key and label of the unrestored input's entry every set carries (issue 12: scored like the restorations). */
export const INPUT_KEY = 'input';
export const INPUT_LABEL = 'Input (unrestored)';

/** What a set is, besides its entries (reproduced.json keeps these fields beside the reduced entries). */
export interface SetMeta {
  /** experiment id, e.g. `main`, `schedule`, `lambda`, `nfe`, `pi`, `size` */
  readonly experiment: string;
  /** the experiment's title (the report's section heading) */
  readonly title?: string;
  /** metric convention id (src/metrics/conventions.ts) */
  readonly convention: string;
  /** budget the runs used: `smoke`, `cpu`, `paper`, … (`own runs` for `rdbm report`) */
  readonly scale: string;
  /** dataset the runs were evaluated on, e.g. `mini-uir (48×48 crops)` */
  readonly dataset?: string;
  /** model preset(s) the runs trained, e.g. `T` (the paper's ablations use RDBM-L) */
  readonly model?: string;
  /** how the FLOPs column was counted, shown under the main table */
  readonly flopsNote?: string;
  /** key of the entry every Δ is taken against (the experiment's default configuration; none: no Δ) */
  readonly default?: string;
}

/** One run: an entry's scores at one training seed (several points with one key are its seeds). */
export interface PointScores {
  readonly key: string;
  readonly label: string;
  /** training seed; absent when the scores do not depend on one (the unrestored input) */
  readonly seed?: number;
  /** per test image; `task` is the report's task key (`deraining`, `low-light`, …) */
  readonly images: readonly ImageScore[];
  readonly paramsM?: number | null;
  readonly flopsG?: number | null;
  /** MACs with the attention matrix products thop skips (reproduced.json only) */
  readonly macsTotalG?: number | null;
  readonly nfe?: number;
  /** the training-health verdict of the run's checkpoint (stats/training-health.ts), where its history is known */
  readonly health?: TrainingVerdict;
}

export interface SetScores extends SetMeta {
  /** the entries' runs, in row order; the unrestored input with key INPUT_KEY */
  readonly points: readonly PointScores[];
}

/** A column of a restoration grid: its title, where its image of a test pair is, and that image's PSNR. */
export interface GridColumn {
  readonly label: string;
  image(pair: PairEntry): string | undefined;
  psnr(pair: PairEntry): number | null;
}

/** What a restoration grid shows: the test pairs (one row per task is taken) and one column per entry. */
export interface GridSource {
  readonly title: string;
  readonly subtitle: string;
  /** the test pairs, read from disk when the grid is drawn (collecting stays pure) */
  pairs(): readonly PairEntry[];
  readonly columns: readonly GridColumn[];
}

/** One experiment's collected results: its per-image scores, its grid, and the field its points vary. */
export interface CollectedSet {
  readonly scores: SetScores;
  readonly grid?: GridSource;
  /** the one swept field (`model`, `lambda`, …); absent for several axes or a file of points */
  readonly axis?: string;
}

/** Resolution the FLOPs column is counted at (the paper's figures match thop MACs at 256×256). */
export const FLOPS_RESOLUTION = 256;

/** The footnote under every table with a FLOPs column: what `flopsG` and `macsTotalG` count. */
export const FLOPS_NOTE =
  `FLOPs (ours) = thop's count for one network evaluation at ${FLOPS_RESOLUTION}×${FLOPS_RESOLUTION}: multiply-accumulates of the convolutions and linear layers, ` +
  `which the paper's B/L figures match; a restoration costs NFE of them. reproduced.json's macsTotalG adds the attention matrix products thop does not count.`;

/**
 * Parameters and cost of a preset. `flopsG` is thop's count (convolutions and linear layers, MACs),
 * the figure the paper's B/L FLOPs match; `macsTotalG` adds the attention matrix products thop skips.
 */
export function modelCost(model: string): { paramsM: number | null; flopsG: number | null; macsTotalG: number | null } {
  try {
    const { config } = modelPreset(model);
    const macs = countMacs(config, FLOPS_RESOLUTION, FLOPS_RESOLUTION);
    return { paramsM: countParams(config) / 1e6, flopsG: macs.convAndLinear / 1e9, macsTotalG: macs.total / 1e9 };
  } catch {
    return { paramsM: null, flopsG: null, macsTotalG: null };
  }
}

/** The fields a point's experiment sweeps (a training `seed` axis gives runs of one entry, not entries). */
const sweptFields = (point: Pick<PointResult, 'axes'>) => Object.keys(point.axes).filter((f) => f !== 'seed');

/**
 * Key and label of a point on its experiment's one axis, spelled as the paper does (`RDBM-B`,
 * `10/255`, `π = x₀ − μ`); decided by the axis field, never by the experiment's name. Points of
 * several axes keep their `field=value,…` label; a `seed` axis never names an entry (seeds are its runs).
 */
export function entryKeyAndLabel(point: PointResult): { key: string; label: string } {
  const fields = sweptFields(point);
  const c = point.config;
  switch (fields.length === 1 ? fields[0] : undefined) {
    case 'model':
      return { key: `rdbm-${c.model}`, label: `RDBM-${c.model}` };
    case 'schedule':
      return { key: c.schedule, label: c.schedule };
    case 'lambda':
      return { key: String(c.lambda), label: lambdaLabel(c.lambda) };
    case 'nfe':
      return { key: String(c.nfe), label: String(c.nfe) };
    case 'pi':
      return { key: c.pi, label: `π = ${PI_LABELS[c.pi as PiVariant]}` };
    default: {
      const label = point.label.split(',').filter((part) => !part.startsWith('seed=')).join(',') || 'base';
      return { key: label, label };
    }
  }
}

/** A grid column title: the axis value, with the axis named where the value alone is a bare number. */
function columnLabel(point: PointResult): string {
  const { label } = entryKeyAndLabel(point);
  const axis = Object.keys(point.axes);
  return axis.length === 1 && axis[0] === 'nfe' ? `NFE ${label}` : axis.length === 1 && axis[0] === 'lambda' ? `λ = ${label}` : label;
}

/**
 * The experiment's default point: the one whose swept values (training seed aside) are those the
 * experiment would use without its axes at this scale (cosine, λ = 10/255, NFE 10, π = x₀ − μ, the
 * scale's model …); the first finished point when none is.
 */
export function defaultPoint(results: ExperimentResults): PointResult | undefined {
  const base: Record<string, unknown> = { ...PAPER_CONFIG, ...SCALES[results.scale].overrides, ...(results.experiment.base ?? {}) };
  const fields = Object.keys(results.experiment.axes).filter((f) => f !== 'seed');
  const done = results.points.filter((p) => p.run);
  return done.find((p) => fields.every((f) => (p.config as unknown as Record<string, unknown>)[f] === base[f])) ?? done[0];
}

/** Per-image scores with the task folder as the report's task key (`Enlighening` → `low-light`; other folders keep their name). */
function keyedImages(images: readonly ImageScore[]): ImageScore[] {
  return images.map((im) => ({ task: taskKey(im.task), subDataset: im.subDataset, name: im.name, psnr: im.psnr, ssim: im.ssim }));
}

/** The PSNR of a test pair in a run's metrics (a grid caption). */
function pairPsnr(metrics: RunMetrics | undefined, pair: PairEntry): number | null {
  return metrics?.images.find((i) => i.task === pair.task && i.subDataset === pair.subDataset && i.name === pair.name)?.psnr ?? null;
}

/**
 * One experiment's finished points as per-image scores (points without a finished run are left out),
 * with the unrestored input's scores (`input`, from scoreInputs) as the first entry when given.
 */
export function experimentSet(results: ExperimentResults, input?: readonly ImageScore[]): CollectedSet {
  const points: PointScores[] = [];
  const conventions = new Set<string>();
  const datasets = new Set<string>();
  const models = new Set<string>();
  if (input) points.push({ key: INPUT_KEY, label: INPUT_LABEL, images: keyedImages(input), paramsM: null, flopsG: null });
  const done = results.points.filter((p) => p.run);
  for (const point of done) {
    const run = point.run!;
    conventions.add(run.metrics.convention);
    models.add(run.config.model);
    datasets.add(run.config.dataset === 'mini-uir' ? `mini-uir (${run.config.datasetSize}×${run.config.datasetSize} crops)` : run.config.dataset);
    // a zoo checkpoint carries its training history: its health marks the row (stats/training-health.ts)
    const zoo = point.config.checkpoint ? zooEntryOf(point.config.checkpoint) : undefined;
    points.push({ ...entryKeyAndLabel(point), seed: run.config.seed, images: keyedImages(run.metrics.images), ...modelCost(run.config.model), nfe: run.config.nfe, ...(zoo ? { health: trainingHealth(zoo.history).verdict } : {}) });
  }
  const def = defaultPoint(results);
  const fields = results.points[0] ? sweptFields(results.points[0]) : [];
  const scores: SetScores = {
    experiment: results.experiment.name,
    title: results.experiment.title,
    convention: [...conventions].join(', ') || results.points[0]?.config.metric || 'none',
    scale: results.scale,
    dataset: [...datasets].join(', ') || undefined,
    model: [...models].join(', ') || undefined,
    flopsNote: FLOPS_NOTE,
    ...(def ? { default: entryKeyAndLabel(def).key } : {}),
    points,
  };
  const grid: GridSource | undefined = done.length
    ? {
        title: `Restorations: ${results.experiment.title}`,
        subtitle: `first test image of each task; scale ${results.scale}; captions: PSNR under ${done[0].config.metric}`,
        pairs: () => pointTestPairs(results, done[0]),
        columns: done.map((point) => ({ label: columnLabel(point), image: (pair) => restoredImagePath(results, point, pair), psnr: (pair) => pairPsnr(point.run?.metrics, pair) })),
      }
    : undefined;
  return { scores, ...(grid ? { grid } : {}), ...(fields.length === 1 ? { axis: fields[0] } : {}) };
}

/**
 * A file of the user's own points as one set, the way `reproduce` sees an experiment: the input
 * first, then each point keyed by its label; the file's baseline is the set's default (without one,
 * no entry carries a Δ).
 */
export function pointsSet(results: PointsResults): CollectedSet {
  const e = results.experiment;
  const scores: SetScores = {
    experiment: e.name,
    title: e.title,
    convention: e.metric,
    scale: 'own runs',
    dataset: results.data,
    ...(e.baseline !== undefined ? { default: e.baseline } : {}),
    points: [
      { key: INPUT_KEY, label: INPUT_LABEL, images: keyedImages(results.input.images) },
      ...results.points.map((p) => ({ key: p.label, label: p.label, images: keyedImages(p.metrics.images), ...(p.config?.nfe !== undefined ? { nfe: p.config.nfe } : {}) })),
    ],
  };
  const grid: GridSource = {
    title: `Restorations: ${e.title}`,
    subtitle: `first test image of each task; captions: PSNR under ${e.metric}`,
    pairs: () => scanLayout(results.data, { split: 'test' }),
    columns: results.points.map((p) => ({ label: p.label, image: (pair) => pointRestoredImage(p, pair), psnr: (pair) => pairPsnr(p.metrics, pair) })),
  };
  return { scores, grid };
}
