/**
 * The RDBM / DGSolver dataset layout:
 *
 *   <root>/<Task>/<SubDataset>/<split>/label/<file>       clean ground truth
 *   <root>/<Task>/<SubDataset>/<split>/condition/<file>   degraded input (μ in the paper)
 *
 * with Task one of Deraining, Enlighening (sic), Desnowing, Dehazing, Deblur in the official
 * code (any folder name is accepted here). Label and condition share a file name, except for the
 * RESIDE sub-datasets (ITS_v2, SOTS; RESIDE for the train split) where the condition
 * `0001_0.8_0.2.jpg` pairs with the label `0001.jpg`: the prefix before the first underscore plus
 * the condition's extension (DGSolver code/datasets_setting.py, `x.split('_',1)[0] + x[-4:]`).
 * When that exact label is absent but exactly one label has the prefix as its stem (SOTS ships
 * hazy .jpg with clear .png), that label is used; this is the rule of DiffUIR's eval/SOTS.m.
 */
import { join, extname } from 'node:path';
import { RdbmError } from '../errors.js';
import { byCodePoint, isDirectory, listDirs, listImages, problemLine, stemOf } from './files.js';

/** One ground-truth / degraded-input pair of the layout. Paths are joined onto `root`. */
export interface PairEntry {
  /** task folder, e.g. `Dehazing` */
  readonly task: string;
  /** sub-dataset folder, e.g. `SOTS` */
  readonly subDataset: string;
  /** the condition's file name (DGSolver names restored outputs after it) */
  readonly name: string;
  /** path of the ground-truth (label) image */
  readonly label: string;
  /** path of the degraded (condition) image */
  readonly condition: string;
}

export type DatasetSplit = 'train' | 'test';

export interface LayoutOptions {
  /** which split folder to read; default `test` */
  readonly split?: DatasetSplit;
  /**
   * Unpaired files throw one RdbmError listing them (default). With `strict: false` they are
   * skipped and reported through `warn`.
   */
  readonly strict?: boolean;
  readonly warn?: (message: string) => void;
}

/** How a sub-dataset pairs condition files with labels. */
export type PairingRuleId = 'same-name' | 'reside-prefix';

/** Sub-datasets that use the RESIDE prefix rule, per split (DGSolver: RESIDE only in train). */
const RESIDE_SUBSETS: Readonly<Record<DatasetSplit, readonly string[]>> = Object.freeze({
  test: ['ITS_v2', 'SOTS'],
  train: ['ITS_v2', 'SOTS', 'RESIDE'],
});

/** The pairing rule the official code applies to `subDataset` in `split`. */
export function pairingRuleFor(subDataset: string, split: DatasetSplit = 'test'): PairingRuleId {
  return RESIDE_SUBSETS[split].includes(subDataset) ? 'reside-prefix' : 'same-name';
}

/** RESIDE rule: `0001_0.8_0.2.jpg` → `0001.jpg` (prefix before the first underscore + the condition's extension). */
export function resideLabelName(conditionName: string): string {
  const cut = conditionName.indexOf('_');
  if (cut < 0) return conditionName;
  return conditionName.slice(0, cut) + extname(conditionName);
}

interface SubsetPairs {
  pairs: { name: string; label: string; condition: string }[];
  problems: string[];
}

/** Pairs the files of one `<split>` folder (label/ and condition/) under `rule`; `warn` hears of skipped entries. */
export function pairSubset(splitDir: string, rule: PairingRuleId, warn?: (message: string) => void): SubsetPairs {
  const labelDir = join(splitDir, 'label');
  const conditionDir = join(splitDir, 'condition');
  const problems: string[] = [];
  for (const dir of [labelDir, conditionDir]) if (!isDirectory(dir)) problems.push(`${dir} (missing folder)`);
  if (problems.length) return { pairs: [], problems };
  const labels = listImages(labelDir, warn);
  const conditions = listImages(conditionDir, warn);
  const labelSet = new Set(labels);
  const pairs: SubsetPairs['pairs'] = [];
  if (rule === 'same-name') {
    const conditionSet = new Set(conditions);
    for (const c of conditions) {
      if (labelSet.has(c)) pairs.push({ name: c, label: join(labelDir, c), condition: join(conditionDir, c) });
      else problems.push(`${join(conditionDir, c)} (no label ${c})`);
    }
    for (const l of labels) if (!conditionSet.has(l)) problems.push(`${join(labelDir, l)} (no condition ${l})`);
    return { pairs, problems };
  }
  const byStem = new Map<string, string[]>();
  for (const l of labels) {
    const s = stemOf(l);
    byStem.set(s, [...(byStem.get(s) ?? []), l]);
  }
  for (const c of conditions) {
    const wanted = resideLabelName(c);
    let label: string | undefined = labelSet.has(wanted) ? wanted : undefined;
    if (!label) {
      const candidates = byStem.get(stemOf(wanted)) ?? [];
      if (candidates.length === 1) label = candidates[0];
    }
    if (label) pairs.push({ name: c, label: join(labelDir, label), condition: join(conditionDir, c) });
    else problems.push(`${join(conditionDir, c)} (no label ${wanted})`);
  }
  return { pairs, problems };
}

/**
 * Lists every label/condition pair under `root` in the RDBM/DGSolver layout, sorted by task,
 * sub-dataset and name. Task and sub-dataset folders without a `<split>` folder are ignored;
 * missing label/ or condition/ folders and unpaired files are errors (one line listing them).
 */
export function scanLayout(root: string, options: LayoutOptions = {}): PairEntry[] {
  const split: DatasetSplit = options.split ?? 'test';
  if (!isDirectory(root)) throw new RdbmError(`${root}: not a directory (expected <root>/<Task>/<SubDataset>/${split}/{label,condition})`);
  const entries: PairEntry[] = [];
  const problems: string[] = [];
  for (const task of listDirs(root)) {
    const taskDir = join(root, task);
    for (const subDataset of listDirs(taskDir)) {
      const splitDir = join(taskDir, subDataset, split);
      if (!isDirectory(splitDir)) continue;
      const result = pairSubset(splitDir, pairingRuleFor(subDataset, split), options.warn);
      problems.push(...result.problems);
      for (const p of result.pairs) entries.push({ task, subDataset, ...p });
    }
  }
  if (problems.length) {
    const line = problemLine(`unpaired or missing files under ${root}`, problems);
    if (options.strict ?? true) throw new RdbmError(line);
    options.warn?.(line);
  }
  if (entries.length === 0 && !problems.length) {
    throw new RdbmError(`${root}: no <Task>/<SubDataset>/${split}/{label,condition} folders found`);
  }
  return entries.sort(
    (a, b) => byCodePoint(a.task, b.task) || byCodePoint(a.subDataset, b.subDataset) || byCodePoint(a.name, b.name),
  );
}
