/**
 * The test images a sweep restores and scores: the test split of the dataset in the RDBM/DGSolver
 * layout, limited to `testLimit` images per task picked evenly through the sorted list (so a small
 * limit still covers every source photograph / sub-dataset).
 */
import { scanLayout } from './layout.js';
import type { PairEntry } from './layout.js';

export function pickEvenly<T>(items: readonly T[], limit: number): T[] {
  if (limit <= 0 || limit >= items.length) return [...items];
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)]);
}

/** The test pairs of a dataset root, `limit` per task (0 = all), in task / sub-dataset / name order. */
export function selectTestPairs(root: string, limit: number): PairEntry[] {
  const entries = scanLayout(root, { split: 'test' });
  const byTask = new Map<string, PairEntry[]>();
  for (const e of entries) byTask.set(e.task, [...(byTask.get(e.task) ?? []), e]);
  const key = (e: PairEntry) => `${e.subDataset}\u0000${e.name}`;
  return [...byTask.keys()].flatMap((task) => pickEvenly([...byTask.get(task)!].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)), limit));
}
