/**
 * Bridge from the experiments runner (src/experiments) to the report: the bundled job's experiments,
 * running them, reducing finished runs (results/runs/<hash>.json) to ReproducedSets and building
 * restoration grids from the restored images the runner keeps (results/restored/<key>/…).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SWEEP, type ExperimentResults, type Executors, type ImageScore, PAPER_CONFIG, type PointResult, SCALES, experimentResults, runExperiment, scoreInputs, selectTestPairs } from '../experiments/index.js';
import { readImage } from '../image/index.js';
import { countMacs, countParams, modelPreset } from '../models/index.js';
import { errorMap, pngDataUrl } from './images.js';
import type { PlannedPlot } from './plan.js';
import { type GridCell, type GridRow, restorationGridPlot } from './plots/grid.js';
import { PUBLISHED_ABLATIONS, TASKS } from './published.js';
import type { ExperimentsRunner } from './reproduce.js';
import { INPUT_KEY, INPUT_LABEL, type ImageDeltaRow, type PointScores, type SetScores, imageDeltaRows, reduceSet } from './statistics.js';
import type { ReproducedSet } from './types.js';

/** Resolution the FLOPs column is counted at (the paper's figures match thop MACs at 256×256). */
export const FLOPS_RESOLUTION = 256;

/** Task folder (`Enlighening`) → the report's task id (`low-light`); unknown folders lower-cased. */
export function taskId(folder: string): string {
  return TASKS.find((t) => t.folder === folder || t.id === folder)?.id ?? folder.toLowerCase();
}

/** "10/255" for multiples of 1/255 (how the paper writes λ), else the number. */
export function lambdaLabel(lambda: number): string {
  const k = lambda * 255;
  return Math.abs(k - Math.round(k)) < 1e-9 && Math.round(k) > 0 ? `${Math.round(k)}/255` : String(lambda);
}

/** Key and label of a point on the experiment's axis (the axis value, spelled as the paper does). */
function keyAndLabel(experiment: string, point: PointResult): { key: string; label: string } {
  const c = point.config;
  switch (experiment) {
    case 'main':
    case 'size':
      return { key: `rdbm-${c.model}`, label: `RDBM-${c.model}` };
    case 'schedule':
    case 'schedule-seeds':
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
      // training seeds are runs of one entry, not entries
      const label = point.label.split(',').filter((part) => !part.startsWith('seed=')).join(',') || 'base';
      return { key: label, label };
    }
  }
}

function modelCost(model: string): { paramsM: number | null; flopsG: number | null } {
  try {
    const { config } = modelPreset(model);
    return { paramsM: countParams(config) / 1e6, flopsG: countMacs(config, FLOPS_RESOLUTION, FLOPS_RESOLUTION).total / 1e9 };
  } catch {
    return { paramsM: null, flopsG: null };
  }
}

/** A grid column title: the axis value, with the axis named where the value alone is a bare number. */
function columnLabel(experiment: string, point: PointResult): string {
  const { label } = keyAndLabel(experiment, point);
  return experiment === 'nfe' ? `NFE ${label}` : experiment === 'lambda' ? `λ = ${label}` : label;
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
    points.push({ ...keyAndLabel(name, point), seed: run.config.seed, images: rows(run.metrics.images), ...modelCost(run.config.model), nfe: run.config.nfe });
  }
  const def = defaultPoint(results);
  return {
    experiment: name,
    convention: [...conventions].join(', ') || results.points[0]?.config.metric || 'none',
    scale: results.scale,
    dataset: [...datasets].join(', ') || undefined,
    model: [...models].join(', ') || undefined,
    flopsNote: `FLOPs (ours) = multiply-accumulates of one network evaluation at ${FLOPS_RESOLUTION}×${FLOPS_RESOLUTION} (thop's count, which the paper's B/L figures match); a restoration costs NFE of them.`,
    ...(def ? { default: keyAndLabel(name, def).key } : {}),
    points,
  };
}

/** One experiment's finished points as a ReproducedSet: means, seeds, intervals and Δ against the default entry. */
export function reproducedSet(results: ExperimentResults, input?: readonly ImageScore[]): ReproducedSet {
  return reduceSet(setScores(results, input));
}

/**
 * A restoration grid for one experiment: one row per task (its first test image), columns input,
 * each configuration's output, ground truth and the error map of the first configuration.
 */
export async function restorationGrid(results: ExperimentResults, resultsDir: string, options: { cellSize?: number } = {}): Promise<PlannedPlot | undefined> {
  const done = results.points.filter((p) => p.run);
  if (done.length === 0) return undefined;
  const config = done[0].config;
  if (config.dataset !== 'mini-uir') return undefined;
  const dataRoot = join(resultsDir, 'datasets', `mini-uir-${config.datasetSize}`);
  if (!existsSync(dataRoot)) return undefined;
  const pairs = selectTestPairs(dataRoot, config.testLimit);
  const seen = new Set<string>();
  const rows: GridRow[] = [];
  for (const pair of pairs) {
    if (seen.has(pair.task)) continue;
    seen.add(pair.task);
    const truth = await readImage(pair.label);
    const cells: GridCell[] = [{ column: 'input', url: await pngDataUrl(await readImage(pair.condition)) }];
    let firstOutput: Awaited<ReturnType<typeof readImage>> | undefined;
    for (const point of done) {
      const restored = join(resultsDir, 'restored', point.keys.restore, pair.task, pair.subDataset, pair.name.replace(/\.[^.]+$/, '.png'));
      if (!existsSync(restored)) continue;
      const image = await readImage(restored);
      firstOutput ??= image;
      const score = point.run?.metrics.images.find((i) => i.task === pair.task && i.subDataset === pair.subDataset && i.name === pair.name);
      cells.push({ column: columnLabel(results.experiment.name, point), url: await pngDataUrl(image), ...(score?.psnr != null ? { caption: `${score.psnr.toFixed(2)} dB` } : {}) });
    }
    cells.push({ column: 'ground truth', url: await pngDataUrl(truth) });
    if (firstOutput && firstOutput.width === truth.width && firstOutput.height === truth.height) {
      cells.push({ column: `|error| ×4 (${columnLabel(results.experiment.name, done[0])})`, url: await pngDataUrl(errorMap(firstOutput, truth)) });
    }
    rows.push({ label: TASKS.find((t) => t.folder === pair.task)?.title ?? pair.task, cells });
  }
  const order = (label: string) => TASKS.findIndex((t) => t.title === label);
  rows.sort((a, b) => order(a.label) - order(b.label));
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
export async function runsRunner(options: { executors?: Executors; experiments?: readonly string[] } = {}): Promise<ExperimentsRunner> {
  const inputs = new Map<string, Promise<ImageScore[]>>();
  // the input scored once per test set and convention, under the default point's settings
  const scores = async (name: string, opts: { scale: string; resultsDir: string }): Promise<SetScores> => {
    const results = experimentResults(name, { scale: opts.scale, resultsDir: opts.resultsDir });
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
    async run(name, { scale, resultsDir, io }) {
      await runExperiment(name, { scale, resultsDir, io, ...(options.executors ? { executors: options.executors } : {}) });
    },
    async collect(names, { scale, resultsDir }) {
      const sets: ReproducedSet[] = [];
      for (const name of names) {
        const set = reduceSet(await scores(name, { scale, resultsDir }));
        if (set.entries.some((e) => e.key !== INPUT_KEY)) sets.push(set);
      }
      return sets;
    },
    async imageDeltas(names, { scale, resultsDir }) {
      const out: { experiment: string; rows: ImageDeltaRow[] }[] = [];
      for (const name of names) {
        const rows = imageDeltaRows(await scores(name, { scale, resultsDir }));
        if (rows.length) out.push({ experiment: name, rows });
      }
      return out;
    },
    async jobSeconds(names, { scale, resultsDir }) {
      const seen = new Set<string>();
      const total = { train: 0, restore: 0, evaluate: 0 };
      for (const name of names) {
        for (const point of experimentResults(name, { scale, resultsDir }).points) {
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
    async grids(names, { scale, resultsDir }) {
      const grids: PlannedPlot[] = [];
      for (const name of names.filter((n) => n === 'main' || n === 'size')) {
        const grid = await restorationGrid(experimentResults(name, { scale, resultsDir }), resultsDir);
        if (grid) grids.push(grid);
      }
      return grids;
    },
  };
}
