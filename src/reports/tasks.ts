/**
 * The tasks a set's tables and plots show: the paper's five, in its order, then any other task the
 * set holds (a dataset's own task folders), each with its own column and bar group.
 */
import { TASKS, taskTitle } from '../datasets/tasks.js';
import type { ReproducedSet } from './types.js';

export interface ShownTask {
  /** the key in ReproducedEntry.tasks */
  readonly id: string;
  readonly title: string;
}

export function shownTasks(set: ReproducedSet): ShownTask[] {
  const known = new Set<string>(TASKS.map((t) => t.id));
  const others = [...new Set(set.entries.flatMap((e) => Object.keys(e.tasks)))].filter((t) => !known.has(t)).sort();
  return [...TASKS.map((t) => ({ id: t.id, title: t.title })), ...others.map((id) => ({ id, title: taskTitle(id) }))];
}
