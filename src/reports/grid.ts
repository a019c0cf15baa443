/**
 * Restoration grids from a collected set's grid source (src/experiments/sets.ts): one row per task
 * (its first test image, in the paper's task order), columns input, each entry's restoration
 * captioned with its PSNR, ground truth, and the error map of the first entry.
 */
import { existsSync } from 'node:fs';
import type { PairEntry } from '../datasets/index.js';
import { TASKS, taskTitle } from '../datasets/tasks.js';
import type { CollectedSet, GridColumn } from '../experiments/sets.js';
import { readImage } from '../image/index.js';
import { errorMap, pngDataUrl } from './images.js';
import type { PlannedPlot } from './plan.js';
import { type GridCell, type GridRow, restorationGridPlot } from './plots/grid.js';

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

/** The restoration grid of a collected set (`restorations-<experiment>`); undefined when it has no grid or no test pairs on disk. */
export async function restorationGrid(set: CollectedSet, options: { cellSize?: number } = {}): Promise<PlannedPlot | undefined> {
  const grid = set.grid;
  const pairs = grid?.pairs() ?? [];
  if (!grid || pairs.length === 0 || grid.columns.length === 0) return undefined;
  const experiment = set.scores.experiment;
  return {
    id: `restorations-${experiment}`,
    pngScale: 1,
    title: `Restorations (${experiment})`,
    spec: restorationGridPlot(await gridRows(pairs, grid.columns), { title: grid.title, subtitle: grid.subtitle, cellSize: Math.min(options.cellSize ?? 96, 128) }),
  };
}
