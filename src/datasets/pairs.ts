/**
 * Ground-truth / prediction pairs for evaluation, from three sources besides the layout itself:
 * two folders with same-name files, a folder of restored outputs mirroring the layout, and an
 * explicit mapping file.
 */
import { join } from 'node:path';
import { RdbmError } from '../errors.js';
import { fileExists, isDirectory, listDirs, listImages, problemLine, stemOf } from './files.js';
import { resideLabelName, scanLayout, type LayoutOptions, type PairEntry } from './layout.js';

/** One image to score: `gt` is the reference, `pred` the image under test. */
export interface ImagePair {
  /** shown in results; unique within a run */
  readonly name: string;
  readonly gt: string;
  readonly pred: string;
  readonly task?: string;
  readonly subDataset?: string;
}

export interface PairOptions {
  /** unpaired files throw (default) or are skipped with a warning */
  readonly strict?: boolean;
  readonly warn?: (message: string) => void;
}

function settle(problems: string[], what: string, options: PairOptions): void {
  if (!problems.length) return;
  const line = problemLine(what, problems);
  if (options.strict ?? true) throw new RdbmError(line);
  options.warn?.(line);
}

/**
 * Pairs the images of two folders by file name. A file whose exact name is absent on the other
 * side pairs with the one file there that has the same stem (`0001.png` ↔ `0001.jpg`); everything
 * else is listed as unpaired.
 */
export function pairFolders(gtDir: string, predDir: string, options: PairOptions = {}): ImagePair[] {
  const gts = listImages(gtDir, options.warn);
  const preds = listImages(predDir, options.warn);
  const predSet = new Set(preds);
  const predByStem = new Map<string, string[]>();
  for (const p of preds) predByStem.set(stemOf(p), [...(predByStem.get(stemOf(p)) ?? []), p]);
  const used = new Set<string>();
  const pairs: ImagePair[] = [];
  const problems: string[] = [];
  for (const g of gts) {
    const match = predSet.has(g) ? g : (predByStem.get(stemOf(g)) ?? []).length === 1 ? predByStem.get(stemOf(g))![0] : undefined;
    if (match && !used.has(match)) {
      used.add(match);
      pairs.push({ name: g, gt: join(gtDir, g), pred: join(predDir, match) });
    } else problems.push(`${join(gtDir, g)} (no prediction)`);
  }
  for (const p of preds) if (!used.has(p)) problems.push(`${join(predDir, p)} (no ground truth)`);
  if (!gts.length && !preds.length) throw new RdbmError(`${gtDir} and ${predDir}: no images found`);
  settle(problems, `unpaired files in ${gtDir} and ${predDir}`, options);
  return pairs;
}

/**
 * Two folders of task folders (`<Task>/<name>` or `<Task>/<SubDataset>/<name>`, as restored outputs
 * are written): each folder of images is paired by file name with the same relative folder on the
 * other side, its pairs tagged with the task (and sub-dataset) so the means come per task. Folders
 * holding images themselves are paired flat (pairFolders).
 */
export function pairFolderTree(gtDir: string, predDir: string, options: PairOptions = {}): ImagePair[] {
  if (listImages(gtDir).length || !listDirs(gtDir).length) return pairFolders(gtDir, predDir, options);
  const pairs: ImagePair[] = [];
  for (const task of listDirs(gtDir)) {
    const subs = listImages(join(gtDir, task)).length ? [undefined] : listDirs(join(gtDir, task));
    for (const sub of subs) {
      const rel = sub === undefined ? task : join(task, sub);
      if (!isDirectory(join(predDir, rel))) throw new RdbmError(`${join(predDir, rel)}: not a directory (the predictions mirror ${gtDir} as <Task>[/<SubDataset>]/<name>)`);
      for (const p of pairFolders(join(gtDir, rel), join(predDir, rel), options)) {
        pairs.push({ ...p, name: join(rel, p.name), task, ...(sub !== undefined ? { subDataset: sub } : {}) });
      }
    }
  }
  return pairs;
}

/**
 * Pairs a folder of RESIDE-named predictions (`0001_0.8_0.2.jpg`) with a ground-truth folder
 * (`0001.png`): the label is the prefix before the first underscore with the prediction's
 * extension, or else the one ground-truth file with that stem (DiffUIR eval/SOTS.m). Ground
 * truths may serve several predictions; predictions without one are listed.
 */
export function pairFoldersReside(gtDir: string, predDir: string, options: PairOptions = {}): ImagePair[] {
  const gts = listImages(gtDir, options.warn);
  const gtSet = new Set(gts);
  const byStem = new Map<string, string[]>();
  for (const g of gts) byStem.set(stemOf(g), [...(byStem.get(stemOf(g)) ?? []), g]);
  const pairs: ImagePair[] = [];
  const problems: string[] = [];
  for (const p of listImages(predDir, options.warn)) {
    const wanted = resideLabelName(p);
    const candidates = byStem.get(stemOf(wanted)) ?? [];
    const g = gtSet.has(wanted) ? wanted : candidates.length === 1 ? candidates[0] : undefined;
    if (g) pairs.push({ name: p, gt: join(gtDir, g), pred: join(predDir, p) });
    else problems.push(`${join(predDir, p)} (no ground truth ${wanted})`);
  }
  if (!pairs.length && !problems.length) throw new RdbmError(`${predDir}: no images found`);
  settle(problems, `unpaired files in ${predDir}`, options);
  return pairs;
}

/** Layout entries scored as they are: the degraded input (condition) against its label. */
export function conditionPairs(entries: readonly PairEntry[]): ImagePair[] {
  return entries.map((e) => ({ name: `${e.task}/${e.subDataset}/${e.name}`, gt: e.label, pred: e.condition, task: e.task, subDataset: e.subDataset }));
}

/**
 * Restored outputs of a layout. DGSolver's test code writes them to
 * `<restored>/<Task>/<SubDataset>/<condition file name>`; a full mirror
 * `<restored>/<Task>/<SubDataset>/<split>/condition/<name>` is accepted too, and so is an output
 * with the condition's stem and another image extension (e.g. `.png` outputs for `.jpg` inputs).
 */
export function pairRestored(layoutRoot: string, restoredRoot: string, options: LayoutOptions & PairOptions = {}): ImagePair[] {
  if (!isDirectory(restoredRoot)) throw new RdbmError(`${restoredRoot}: not a directory (expected <restored>/<Task>/<SubDataset>/<file>)`);
  const split = options.split ?? 'test';
  const entries = scanLayout(layoutRoot, options);
  const listings = new Map<string, string[]>();
  const listing = (dir: string): string[] => {
    if (!listings.has(dir)) listings.set(dir, isDirectory(dir) ? listImages(dir, options.warn) : []);
    return listings.get(dir)!;
  };
  const pairs: ImagePair[] = [];
  const problems: string[] = [];
  for (const e of entries) {
    const dirs = [join(restoredRoot, e.task, e.subDataset), join(restoredRoot, e.task, e.subDataset, split, 'condition')];
    let found: string | undefined;
    for (const dir of dirs) {
      if (fileExists(join(dir, e.name))) {
        found = join(dir, e.name);
        break;
      }
      const sameStem = listing(dir).filter((f) => stemOf(f) === stemOf(e.name));
      if (sameStem.length === 1) {
        found = join(dir, sameStem[0]);
        break;
      }
    }
    if (found) pairs.push({ name: `${e.task}/${e.subDataset}/${e.name}`, gt: e.label, pred: found, task: e.task, subDataset: e.subDataset });
    else problems.push(`${join(dirs[0], e.name)} (missing restored output)`);
  }
  settle(problems, `missing restored outputs under ${restoredRoot}`, options);
  return pairs;
}
