/**
 * compareCheckpoints: restore the same test images with each checkpoint (zoo entries by name, our
 * checkpoint folders, PyTorch .pt/.pth), score them and the unrestored input under one metric
 * convention, and reduce them as the report does (comparison.ts). A zoo entry restores in its
 * recorded windows, as its results were made. Without a backend chosen (initBackend), it takes the one initBackend
 * picks. Every tensor made here is disposed before it returns.
 *
 *   const cmp = await compareCheckpoints({ checkpoints: ['w64-T', 'w64-B'], tasks: ['dehazing'], nfe: 3 });
 *   tslab.display.markdown(cmp.table()); displayPlot(cmp.plot());
 */
import { DEFAULT_SCALE, SCALES } from '../experiments/scales.js';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { ensureMiniUir } from '../data/index.js';
import { type ImagePair, type PairEntry, TASKS, selectTestPairs, taskKey } from '../datasets/index.js';
import { RdbmError } from '../errors.js';
import { PAPER_CONFIG } from '../experiments/paper.js';
import { FLOPS_RESOLUTION, INPUT_KEY, INPUT_LABEL, type PointScores } from '../experiments/sets.js';
import { restoredImage } from '../experiments/layout.js';
import { type ConventionId, type ImageScore, checkScoreOptions, evaluatePairs, getConvention, imageScore } from '../metrics/index.js';
import { countMacs, loadCheckpoint, restoreImages } from '../models/index.js';
import type { StatisticsOptions } from '../reports/index.js';
import { initBackend, selectedBackend } from '../tf/index.js';
import { unknownName } from '../util/registry.js';
import { number } from '../util/validate.js';
import { BUNDLED_ZOO_DIR, zooEntryCheckpoint, zooEntryWindows } from '../zoo/index.js';
import { type Comparison, comparison } from './comparison.js';
import { tensorScope } from './scope.js';

/** A checkpoint to compare: a zoo entry's name or folder, a checkpoint folder, or a .pt/.pth file. */
export interface CheckpointSpec {
  readonly path: string;
  /** the row's name (default: RDBM-<size> for a size's zoo entry, else the entry's or file's name) */
  readonly label?: string;
  /** restoration windows (default: a zoo entry's recorded windows, else the restore default) */
  readonly tile?: { readonly size: number; readonly overlap: number } | false;
}

export interface CompareCheckpointsOptions {
  /** default: the bundled zoo's RDBM sizes T, S, B, L (trained networks; never random weights) */
  readonly checkpoints?: readonly (string | CheckpointSpec)[];
  /** task keys, folders or titles (`low-light`, `Enlighening`, `Low-light`); default every task of the dataset */
  readonly tasks?: readonly string[];
  /** sampler steps (default: the paper's 10) */
  readonly nfe?: number;
  /** test images per task, picked evenly (default 0 = all) */
  readonly testPerTask?: number;
  /** dataset root in the RDBM/DGSolver layout (default: the bundled mini-uir at 64 px, generated once in the temp folder) */
  readonly data?: string;
  /** metric convention (default `rdbm`, the one the zoo's results use) */
  readonly metric?: ConventionId;
  /** the label every Δ is taken against (default: the first checkpoint) */
  readonly baseline?: string;
  /** where the restorations go, one folder per checkpoint `<n>-<label>` (default: a new temporary folder) */
  readonly outputDir?: string;
  readonly statistics?: StatisticsOptions;
}

/** The bundled zoo's size entries (seed 0 of the default job's scale), in the paper's order. */
export const ZOO_SIZES = (['T', 'S', 'B', 'L'] as const).map((m) => `${SCALES[DEFAULT_SCALE].zooPrefix ?? ''}${m}`);

/** A checkpoint as compareCheckpoints restores with it: its row label, the checkpoint path and its windows. */
export interface ResolvedCheckpoint {
  readonly label: string;
  readonly path: string;
  readonly tile?: { readonly size: number; readonly overlap: number } | false;
}

function resolveCheckpoint(spec: string | CheckpointSpec): ResolvedCheckpoint {
  const given = typeof spec === 'string' ? { path: spec } : spec;
  const zoo = zooEntryCheckpoint(given.path);
  if (!zoo && !existsSync(given.path)) throw new RdbmError(`checkpoint not found: ${given.path} (expected a zoo entry name such as ${ZOO_SIZES[0]}, a checkpoint folder with manifest.json, or a .pt/.pth file)`);
  // a size entry of a zoo scale (T, w64-T) reads as the model's name
  const sizeEntry = zoo && Object.values(SCALES).some((s) => zoo.entry.name === `${s.zooPrefix ?? ''}${zoo.entry.training.model}`);
  const name = zoo ? (sizeEntry ? `RDBM-${zoo.entry.training.model}` : zoo.entry.name) : basename(given.path) === 'checkpoint' ? basename(dirname(given.path)) : basename(given.path);
  const windows = given.tile !== undefined ? given.tile : zoo ? zooEntryWindows(zoo.entry) : undefined;
  return { label: given.label ?? name, path: zoo?.checkpoint ?? given.path, ...(windows !== undefined ? { tile: windows } : {}) };
}

/**
 * The checkpoints to compare, resolved (zoo names and folders to their checkpoints and recorded windows);
 * none given: the bundled zoo's sizes. Labels must be distinct (they name the rows).
 */
export function resolveCheckpoints(checkpoints?: readonly (string | CheckpointSpec)[]): ResolvedCheckpoint[] {
  const resolved = (checkpoints ?? ZOO_SIZES.filter((s) => existsSync(join(BUNDLED_ZOO_DIR, s)))).map(resolveCheckpoint);
  if (resolved.length === 0) throw new RdbmError('compareCheckpoints: no checkpoints (expected checkpoints: [...], or the bundled zoo)');
  const labels = resolved.map((c) => c.label);
  const twice = labels.find((l, i) => labels.indexOf(l) !== i || l === INPUT_KEY);
  if (twice) throw new RdbmError(`compareCheckpoints: the label "${twice}" is used twice or reserved (give each checkpoint its own label)`);
  return resolved;
}

/** The task keys asked for (any spelling of the five, or a dataset's own folder name). */
function taskFilter(tasks: readonly string[] | undefined, pairs: readonly PairEntry[]): (pair: PairEntry) => boolean {
  if (!tasks) return () => true;
  const present = [...new Set(pairs.map((p) => taskKey(p.task)))];
  const keys = tasks.map((t) => {
    const key = TASKS.find((k) => k.title.toLowerCase() === t.toLowerCase())?.id ?? taskKey(t);
    if (!present.includes(key)) throw unknownName('task', t, present);
    return key;
  });
  return (pair) => keys.includes(taskKey(pair.task));
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function score(pairs: readonly ImagePair[], metric: ConventionId, what: string): Promise<ImageScore[]> {
  const convention = getConvention(metric);
  const results = await evaluatePairs(pairs, convention.id, checkScoreOptions(convention, {}));
  const failed = results.filter((r) => r.error);
  if (failed.length) throw new RdbmError(`${what}: ${failed.length} of ${results.length} images could not be scored (${failed[0].pred}: ${failed[0].error})`);
  return results.map((r, i) => imageScore({ task: taskKey(pairs[i].task!), subDataset: pairs[i].subDataset!, name: basename(pairs[i].name) }, r));
}

interface Restored {
  readonly point: PointScores;
  readonly folder: string;
  readonly seconds: number;
}

/** Restores the pairs with one checkpoint into `folder` (after one warm-up image) and scores them. */
async function restoreAndScore(c: ResolvedCheckpoint, pairs: readonly PairEntry[], folder: string, nfe: number, metric: ConventionId): Promise<Restored> {
  const model = await loadCheckpoint(c.path);
  try {
    const tile = c.tile !== undefined ? { tile: c.tile } : {};
    const inputs = pairs.map((p) => ({ name: `${p.task}/${p.subDataset}/${p.name}`, path: p.condition }));
    // the first call compiles kernels, which is not the model's cost
    await restoreImages({ model, inputs: inputs.slice(0, 1), outputDir: `${folder}.warm-up`, nfe, ...tile });
    const restored = await restoreImages({ model, inputs, outputDir: folder, nfe, ...tile });
    const images = await score(pairs.map((p) => ({ name: p.name, gt: p.label, pred: restoredImage(folder, p), task: p.task, subDataset: p.subDataset })), metric, c.label);
    const macs = countMacs(model.config, FLOPS_RESOLUTION, FLOPS_RESOLUTION);
    return {
      point: { key: c.label, label: c.label, images, paramsM: model.paramCount / 1e6, flopsG: macs.convAndLinear / 1e9, macsTotalG: macs.total / 1e9, nfe },
      folder,
      seconds: median(restored.outputs.map((o) => o.seconds)),
    };
  } finally {
    model.dispose();
  }
}

/** The data root and its test pairs: the given dataset, or the bundled mini-uir at 64 px (generated once). */
async function testPairs(options: CompareCheckpointsOptions, perTask: number): Promise<{ data: string; dataset: string; pairs: PairEntry[] }> {
  const data = options.data ?? join(tmpdir(), 'rdbm-lab', 'datasets', 'mini-uir-64');
  const manifest = options.data ? undefined : await ensureMiniUir(data, { size: 64 });
  const layout = `(expected <root>/<Task>/<SubDataset>/test/{label,condition})`;
  if (!existsSync(data)) throw new RdbmError(`dataset folder not found: ${data} ${layout}`);
  const all = selectTestPairs(data, perTask);
  const pairs = all.filter(taskFilter(options.tasks, all));
  if (pairs.length === 0) throw new RdbmError(`${data}: no test pairs ${layout}`);
  // a given dataset by its folder's name: the tables show no machine path
  return { data, dataset: manifest ? `mini-uir (${manifest.size}×${manifest.size} crops)` : basename(resolve(data)), pairs };
}

export async function compareCheckpoints(options: CompareCheckpointsOptions = {}): Promise<Comparison> {
  const nfe = number('nfe', options.nfe ?? PAPER_CONFIG.nfe, { integer: true, min: 1 });
  const perTask = number('testPerTask', options.testPerTask ?? 0, { integer: true, min: 0 });
  const metric = options.metric ?? 'rdbm';
  getConvention(metric);
  const checkpoints = resolveCheckpoints(options.checkpoints);
  const labels = checkpoints.map((c) => c.label);
  const baseline = options.baseline ?? labels[0];
  if (!labels.includes(baseline)) throw unknownName('baseline', baseline, labels);
  const { dataset, pairs } = await testPairs(options, perTask);
  // the fastest backend available unless the caller chose one (TensorFlow.js would otherwise compute in plain JS)
  if (!selectedBackend()) await initBackend();
  const out = options.outputDir ?? mkdtempSync(join(tmpdir(), 'rdbm-compare-'));
  const input = await score(pairs.map((p) => ({ name: p.name, gt: p.label, pred: p.condition, task: p.task, subDataset: p.subDataset })), metric, 'the unrestored input');
  // one scope for the restorations: loading and restoring leave tensors behind (src/models), disposed here
  const restored = await tensorScope(async () => {
    const done: Restored[] = [];
    for (const [i, c] of checkpoints.entries()) done.push(await restoreAndScore(c, pairs, join(out, `${i + 1}-${c.label.replace(/[^\w.-]+/g, '_')}`), nfe, metric));
    return done;
  });
  const points: PointScores[] = [{ key: INPUT_KEY, label: INPUT_LABEL, images: input }, ...restored.map((r) => r.point)];
  const folders = Object.fromEntries(restored.map((r) => [r.point.key, r.folder]));
  const psnr = (key: string, pair: PairEntry) => restored.find((r) => r.point.key === key)?.point.images.find((im) => im.task === taskKey(pair.task) && im.subDataset === pair.subDataset && im.name === pair.name)?.psnr ?? null;
  return comparison({
    scores: { experiment: 'checkpoints', title: 'Checkpoints compared', convention: metric, scale: `NFE ${nfe}, ${perTask > 0 ? `${perTask} test images per task` : 'every test image'}`, dataset, default: baseline, points },
    grid: {
      title: `Restored by each checkpoint (NFE ${nfe})`,
      subtitle: `first test image of each task; captions: PSNR under ${metric}`,
      pairs: () => pairs,
      columns: labels.map((label) => ({ label, image: (pair: PairEntry) => restoredImage(folders[label], pair), psnr: (pair: PairEntry) => psnr(label, pair) })),
    },
  }, { seconds: Object.fromEntries(restored.map((r) => [r.point.key, r.seconds])), folders, ...(options.statistics ? { statistics: options.statistics } : {}) });
}
