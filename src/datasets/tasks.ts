/**
 * The five tasks of the universal-restoration benchmark and their folders in the RDBM/DGSolver
 * layout (`<root>/<Task>/<SubDataset>/…`; DGSolver's `degradtion_cache`, "Enlighening" is their
 * spelling). The one definition of task keys ↔ task folders: reports, reproduced.json, mini-uir's
 * degradations and `rdbm report` import it.
 */
import { deepFreeze } from '../util/hash.js';

export const TASKS = deepFreeze([
  { id: 'deraining', title: 'Deraining', folder: 'Deraining' },
  { id: 'low-light', title: 'Low-light', folder: 'Enlighening' },
  { id: 'desnowing', title: 'Desnowing', folder: 'Desnowing' },
  { id: 'dehazing', title: 'Dehazing', folder: 'Dehazing' },
  { id: 'deblurring', title: 'Deblurring', folder: 'Deblur' },
] as const);

export type TaskId = (typeof TASKS)[number]['id'];
export type TaskFolder = (typeof TASKS)[number]['folder'];

/** Task key → its folder, e.g. `low-light` → `Enlighening`. */
export const TASK_FOLDERS: Readonly<Record<TaskId, TaskFolder>> = deepFreeze(Object.fromEntries(TASKS.map((t) => [t.id, t.folder])) as Record<TaskId, TaskFolder>);

/**
 * The task key of a layout folder: `Enlighening` → `low-light` for the five known folders (a key
 * maps to itself); any other folder keeps its name.
 */
export function taskKey(folder: string): string {
  return TASKS.find((t) => t.folder === folder || t.id === folder)?.id ?? folder;
}

/** The display title of a task folder or key (`Deblur` → `Deblurring`); other folders keep their name. */
export function taskTitle(folderOrKey: string): string {
  return TASKS.find((t) => t.folder === folderOrKey || t.id === folderOrKey)?.title ?? folderOrKey;
}
