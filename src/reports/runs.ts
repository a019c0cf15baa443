/**
 * Bridge from the experiments runner (src/experiments) to the report: the bundled job's experiments,
 * running them, reducing finished runs (results/runs/<hash>.json) to ReproducedSets and building
 * restoration grids from the restored images the runner keeps (results/restored/<key>/…).
 */
import { existsSync } from 'node:fs';
import type { PairEntry } from '../datasets/index.js';
import { TASKS, taskKey, taskTitle } from '../datasets/tasks.js';
import {
  DEFAULT_SWEEP,
  type ExperimentResults,
  type Executors,
  type ImageScore,
  PAPER_CONFIG,
  type PointResult,
  SCALES,
  awaitingZooNotes,
  experimentResults,
  planExperiments,
  pointTestPairs,
  restoredImagePath,
  runExperiment,
  scoreInputs,
  zooEntryOf,
} from '../experiments/index.js';
import { readImage } from '../image/index.js';
import { countMacs, countParams, modelPreset } from '../models/index.js';
import { trainingHealth } from '../stats/index.js';
import { errorMap, pngDataUrl } from './images.js';
import type { PlannedPlot } from './plan.js';
import { type GridCell, type GridRow, restorationGridPlot } from './plots/grid.js';
import { PUBLISHED_ABLATIONS } from './published.js';
import type { ExperimentsRunner, RunnerScope } from './reproduce.js';
import { INPUT_KEY, INPUT_LABEL, type ImageDeltaRow, type PointScores, type SetScores, imageDeltaRows, reduceSet } from './statistics.js';
import type { ReproducedSet } from './types.js';

/** Resolution the FLOPs column is counted at (the paper's figures match thop MACs at 256×256). */
export const FLOPS_RESOLUTION = 256;

/** Task folder (`Enlighening`) → the report's task key (`low-light`); other folders keep their name (src/datasets/tasks.ts). */
export const taskId = taskKey;

/** "10/255" for multiples of 1/255 (how the paper writes λ), else the number. */
export function lambdaLabel(lambda: number): string {
  const k = lambda * 255;
  return Math.abs(k - Math.round(k)) < 1e-9 && Math.round(k) > 0 ? `${Math.round(k)}/255` : String(lambda);
}

/**
 * Key and label of a point on its experiment's one axis, spelled as the paper does (`RDBM-B`,
 * `10/255`, `π = x₀ − μ`); decided by the axis field, never by the experiment's name. Points of
 * several axes keep their `field=value,…` label; a `seed` axis never names an entry (seeds are its runs).
 */
function keyAndLabel(point: PointResult): { key: string; label: string } {
  // training seeds are runs of one entry, not entries
  const fields = Object.keys(point.axes).filter((f) => f !== 'seed');
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
    case 'pi': {
      const row = PUBLISHED_ABLATIONS.pi.rows.find((r) => r.value === c.pi);
      return { key: c.pi, label: row ? `π = ${row.label}` : c.pi };
    }
    default: {
      const label = point.label.split(',').filter((part) => !part.startsWith('seed=')).join(',') || 'base';
      return { key: label, label };
    }
  }
}

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

/** The footnote under every table with a FLOPs column: what `flopsG` and `macsTotalG` count. */
export const FLOPS_NOTE =
  `FLOPs (ours) = thop's count for one network evaluation at ${FLOPS_RESOLUTION}×${FLOPS_RESOLUTION}: multiply-accumulates of the convolutions and linear layers, ` +
  `which the paper's B/L figures match; a restoration costs NFE of them. reproduced.json's macsTotalG adds the attention matrix products thop does not count.`;

/** A grid column title: the axis value, with the axis named where the value alone is a bare number. */
function columnLabel(point: PointResult): string {
  const { label } = keyAndLabel(point);
  const axis = Object.keys(point.axes);
  return axis.length === 1 && axis[0] === 'nfe' ? `NFE ${label}` : axis.length === 1 && axis[0] === 'lambda' ? `λ = ${label}` : label;
}

/**
 * The experiment's default point: the one whose swept values (training seed aside) are those the
 * experiment would use without its axes at this scale (cosine, λ = 10/255, NFE 10, π = x₀ − μ, the
 * scale's model …); the first point when none is.
 */
export function defaultPoint(results: ExperimentResults): PointResult | undefined {
  const base: Record<string, unknown> = { ...PAPER_CONFIG, ...SCALES[results.scale].overrides, ...(results.experiment.base ?? {}) };
  const fields = Object.keys(results.experiment.axes).filter((f) => f !== 'seed');
  const done = results.points.filter((p) => p.run);
  return done.find((p) => fields.every((f) => (p.config as unknown as Record<string, unknown>)[f] === base[f])) ?? done[0];
}

/**
 * One experiment's finished points as per-image scores (points without a finished run are left out),
 * with the unrestored input's scores (`input`, from scoreInputs) as the first entry when given.
 */
export function setScores(results: ExperimentResults, input?: readonly ImageScore[]): SetScores {
  const name = results.experiment.name;
  const points: PointScores[] = [];
  const conventions = new Set<string>();
  const datasets = new Set<string>();
  const models = new Set<string>();
  const rows = (images: readonly ImageScore[]) => images.map((im) => ({ task: taskId(im.task), subDataset: im.subDataset, name: im.name, psnr: im.psnr, ssim: im.ssim }));
  if (input) points.push({ key: INPUT_KEY, label: INPUT_LABEL, images: rows(input), paramsM: null, flopsG: null });
  for (const point of results.points) {
    const run = point.run;
    if (!run) continue;
    conventions.add(run.metrics.convention);
    models.add(run.config.model);
    datasets.add(run.config.dataset === 'mini-uir' ? `mini-uir (${run.config.datasetSize}×${run.config.datasetSize} crops)` : run.config.dataset);
    // a zoo checkpoint carries its training history: its health marks the row (stats/training-health.ts)
    const zoo = point.config.checkpoint ? zooEntryOf(point.config.checkpoint) : undefined;
    points.push({ ...keyAndLabel(point), seed: run.config.seed, images: rows(run.metrics.images), ...modelCost(run.config.model), nfe: run.config.nfe, ...(zoo ? { health: trainingHealth(zoo.history).verdict } : {}) });
  }
  const def = defaultPoint(results);
  return {
    experiment: name,
    convention: [...conventions].join(', ') || results.points[0]?.config.metric || 'none',
    scale: results.scale,
    dataset: [...datasets].join(', ') || undefined,
    model: [...models].join(', ') || undefined,
    flopsNote: FLOPS_NOTE,
    ...(def ? { default: keyAndLabel(def).key } : {}),
    points,
  };
}

/** One experiment's finished points as a ReproducedSet: means, seeds, intervals and Δ against the default entry. */
export function reproducedSet(results: ExperimentResults, input?: readonly ImageScore[]): ReproducedSet {
  return reduceSet(setScores(results, input));
}

/** A column of a restoration grid: its title, where its image of a test pair is, and that image's PSNR. */
export interface GridColumn {
  readonly label: string;
  image(pair: PairEntry): string | undefined;
  psnr(pair: PairEntry): number | null;
}

/**
 * The rows of a restoration grid: the first test pair of each task (in the paper's task order),
 * with the input, each column's restoration (captioned with its PSNR), the ground truth and the
 * error map of the first column.
 */
export async function gridRows(pairs: readonly PairEntry[], columns: readonly GridColumn[]): Promise<GridRow[]> {
  const seen = new Set<string>();
  const rows: GridRow[] = [];
  for (const pair of pairs) {
    if (seen.has(pair.task)) continue;
    seen.add(pair.task);
    const truth = await readImage(pair.label);
    const cells: GridCell[] = [{ column: 'input', url: await pngDataUrl(await readImage(pair.condition)) }];
    let first: { image: Awaited<ReturnType<typeof readImage>>; label: string } | undefined;
    for (const column of columns) {
      const restored = column.image(pair);
      if (!restored || !existsSync(restored)) continue;
      const image = await readImage(restored);
      first ??= { image, label: column.label };
      const psnr = column.psnr(pair);
      cells.push({ column: column.label, url: await pngDataUrl(image), ...(psnr !== null ? { caption: `${psnr.toFixed(2)} dB` } : {}) });
    }
    cells.push({ column: 'ground truth', url: await pngDataUrl(truth) });
    if (first && first.image.width === truth.width && first.image.height === truth.height) {
      cells.push({ column: `|error| ×4 (${first.label})`, url: await pngDataUrl(errorMap(first.image, truth)) });
    }
    rows.push({ label: taskTitle(pair.task), cells });
  }
  const order = (label: string) => {
    const i = TASKS.findIndex((t) => t.title === label);
    return i < 0 ? TASKS.length : i;
  };
  return rows.sort((a, b) => order(a.label) - order(b.label));
}

/**
 * A restoration grid for one experiment: one row per task (its first test image), columns input,
 * each configuration's output, ground truth and the error map of the first configuration.
 */
export async function restorationGrid(results: ExperimentResults, ...rest: [options?: { cellSize?: number }] | [resultsDir: string, options?: { cellSize?: number }]): Promise<PlannedPlot | undefined> {
  // the results carry their folder; a resultsDir argument (the older signature) is accepted and ignored
  const options = (typeof rest[0] === 'string' ? rest[1] : rest[0]) ?? {};
  const done = results.points.filter((p) => p.run);
  if (done.length === 0) return undefined;
  const config = done[0].config;
  const pairs = pointTestPairs(results, done[0]);
  if (pairs.length === 0) return undefined;
  const rows = await gridRows(pairs, done.map((point) => ({
    label: columnLabel(point),
    image: (pair) => restoredImagePath(results, point, pair),
    psnr: (pair) => point.run?.metrics.images.find((i) => i.task === pair.task && i.subDataset === pair.subDataset && i.name === pair.name)?.psnr ?? null,
  })));
  return {
    id: `restorations-${results.experiment.name}`,
    pngScale: 1,
    title: `Restorations (${results.experiment.name})`,
    spec: restorationGridPlot(rows, {
      title: `Restorations: ${results.experiment.title}`,
      subtitle: `first test image of each task; scale ${results.scale}; captions: PSNR under ${config.metric}`,
      cellSize: Math.min(options.cellSize ?? 96, 128),
    }),
  };
}

/**
 * The experiments runner reproduce uses: src/experiments' runner and run files. `executors`
 * replaces the real ones (TensorFlow.js training, restoration, metrics), e.g. with fakes in tests.
 */
export async function runsRunner(options: { executors?: Executors; experiments?: readonly string[]; zoo?: string } = {}): Promise<ExperimentsRunner> {
  // the checkpoint zoo the plans consult (default: the bundled one); none when retraining
  const zooOf = (retrain: boolean | undefined) => (retrain ? { zoo: false as const } : options.zoo ? { zoo: options.zoo } : {});
  const inputs = new Map<string, Promise<ImageScore[]>>();
  // the input scored once per test set and convention, under the default point's settings
  const scores = async (name: string, opts: RunnerScope): Promise<SetScores> => {
    const results = experimentResults(name, { scale: opts.scale, resultsDir: opts.resultsDir, ...(opts.dataset ? { dataset: opts.dataset } : {}), ...zooOf(opts.retrain) });
    const def = defaultPoint(results);
    let input: ImageScore[] | undefined;
    if (def) {
      const c = def.config;
      const id = JSON.stringify([opts.resultsDir, c.dataset, c.datasetSize, c.testLimit, c.metric]);
      if (!inputs.has(id)) inputs.set(id, scoreInputs(c, { resultsDir: opts.resultsDir, ...(options.executors ? { executors: options.executors } : {}) }));
      input = await inputs.get(id)!;
    }
    return setScores(results, input);
  };
  return {
    experiments: [...(options.experiments ?? DEFAULT_SWEEP)],
    async run(name, { scale, resultsDir, dataset, retrain, io }) {
      await runExperiment(name, { scale, resultsDir, io, ...(dataset ? { dataset } : {}), ...zooOf(retrain), ...(options.executors ? { executors: options.executors } : {}) });
    },
    async collect(names, scope) {
      const sets: ReproducedSet[] = [];
      for (const name of names) {
        const set = reduceSet(await scores(name, scope));
        if (set.entries.some((e) => e.key !== INPUT_KEY)) sets.push(set);
      }
      return sets;
    },
    async awaiting(names, { scale, dataset, retrain }) {
      const plan = planExperiments(names, { scale, ...(dataset ? { dataset } : {}), ...zooOf(retrain) });
      return awaitingZooNotes(plan.awaitingZoo ?? [], plan.scale);
    },
    async imageDeltas(names, scope) {
      const out: { experiment: string; rows: ImageDeltaRow[] }[] = [];
      for (const name of names) {
        const rows = imageDeltaRows(await scores(name, scope));
        if (rows.length) out.push({ experiment: name, rows });
      }
      return out;
    },
    async jobSeconds(names, { scale, resultsDir, dataset, retrain }) {
      const seen = new Set<string>();
      const total = { train: 0, restore: 0, evaluate: 0 };
      for (const name of names) {
        for (const point of experimentResults(name, { scale, resultsDir, ...(dataset ? { dataset } : {}), ...zooOf(retrain) }).points) {
          const run = point.run;
          if (!run) continue;
          for (const stage of ['train', 'restore', 'evaluate'] as const) {
            const key = run.jobs[stage];
            const seconds = run.timings[stage];
            if (key === undefined || seconds === null || seen.has(`${stage}:${key}`)) continue;
            seen.add(`${stage}:${key}`);
            total[stage] += seconds;
          }
        }
      }
      return total;
    },
    async zooCheckpoints(names, { scale, resultsDir, dataset, retrain }) {
      if (retrain) return [];
      const found = new Map<string, { name: string; commit: string; steps: number; seconds: number; backend: string }>();
      for (const name of names) {
        for (const point of experimentResults(name, { scale, resultsDir, ...(dataset ? { dataset } : {}), ...zooOf(false) }).points) {
          const entry = point.config.checkpoint ? zooEntryOf(point.config.checkpoint) : undefined;
          if (entry) found.set(entry.name, { name: entry.name, commit: entry.commit, steps: entry.steps, seconds: entry.seconds, backend: entry.backend });
        }
      }
      return [...found.values()];
    },
    async grids(names, { scale, resultsDir, dataset, retrain }) {
      const grids: PlannedPlot[] = [];
      // grids for the experiments that compare models (one axis: model)
      for (const name of names) {
        const results = experimentResults(name, { scale, resultsDir, ...(dataset ? { dataset } : {}), ...zooOf(retrain) });
        if (Object.keys(results.points[0]?.axes ?? {}).join() !== 'model') continue;
        const grid = await restorationGrid(results);
        if (grid) grids.push(grid);
      }
      return grids;
    },
  };
}
