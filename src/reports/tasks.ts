/**
 * The tasks a set's tables and plots show: those of the paper's five it holds, in the paper's order,
 * then any other task it holds (a dataset's own task folders), each with its own column and bar
 * group. A set of two tasks shows two (not five, three of them empty).
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
  const held = new Set(set.entries.flatMap((e) => Object.keys(e.tasks)));
  const others = [...held].filter((t) => !known.has(t)).sort();
  return [...TASKS.filter((t) => held.has(t.id)).map((t) => ({ id: t.id, title: t.title })), ...others.map((id) => ({ id, title: taskTitle(id) }))];
}
