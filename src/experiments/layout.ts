/**
 * The results folder's layout: the one place that spells its paths (BasicSR's `make_exp_dirs`: every
 * folder from one dict). Every other module — the store, the runner, the executors, the input
 * scoring, `rdbm report` and the report writer — asks these functions.
 *
 *   rdbm-results.json          schema version of the folder (store.ts)
 *   runs/<evaluate key>.json   one finished sweep point: config, per-image metrics, timings, backend, versions
 *   jobs/<key>.json            finished train and restore jobs (what they produced, how long they took)
 *   checkpoints/<train key>/   trained networks
 *   restored/<restore key>/    restored test images, mirroring <Task>/<SubDataset>/<name>.png
 *   restored/input-<key>/      the unrestored test inputs in the same layout (input.ts), scored like restorations
 *   datasets/<name>-<size>/    generated benchmarks (mini-uir)
 *   leases/<key>.json          the claim of a job a worker is running (lease.ts); removed when it ends
 *   failures/<key>.json        the last failure of a job (one-line error, who, when); removed when it finishes
 *   plans/<hash>.json          the jobs of each sweep started on the folder, for `rdbm results status`
 *   reproduced.json            the reduced sets behind the tables (reports)
 *   tables/<id>.{md,csv,tex}   tables
 *   plots/<id>.{vl.json,svg,png}  plots (Vega-Lite spec, SVG, PNG)
 *   deltas/<experiment>.csv    per-image differences from each set's default entry
 *   README.md                  the report
 *
 * Every function takes the folder first and joins below it; with `''` as the folder it gives the
 * path relative to the folder (the README's links).
 */
import { join } from 'node:path';
import type { RunStage } from './config.js';

/** The folder's schema marker (store.ts reads and writes it). */
export const RESULTS_MARKER = 'rdbm-results.json';

/** The layout in one line, recorded in the marker for whoever opens the folder by hand. */
export const LAYOUT_SUMMARY = 'runs/<key>.json, jobs/<key>.json, checkpoints/, restored/, datasets/, leases/, failures/, plans/, reproduced.json, tables/, plots/, deltas/, README.md';

/** Where a job's record is: `runs/<key>.json` for evaluations (the runs), `jobs/<key>.json` for train and restore. */
export function recordsDir(dir: string, kind: RunStage): string {
  return join(dir, kind === 'evaluate' ? 'runs' : 'jobs');
}

/** `<dir>/runs/<key>.json` or `<dir>/jobs/<key>.json`: a finished job's record. */
export function recordPath(dir: string, job: { readonly kind: RunStage; readonly key: string }): string {
  return join(recordsDir(dir, job.kind), `${job.key}.json`);
}

/** `<dir>/checkpoints/<train key>`: where a train job writes its checkpoints. */
export function checkpointDir(dir: string, trainKey: string): string {
  return join(dir, 'checkpoints', trainKey);
}

/** `<dir>/restored/<restore key>`: where a restore job writes the restored test images. */
export function restoredDir(dir: string, restoreKey: string): string {
  return join(dir, 'restored', restoreKey);
}

/** `<dir>/restored/input-<key>`: the unrestored test inputs laid out as a restoration (input.ts). */
export function inputRestoredDir(dir: string, restoreKey: string): string {
  return restoredDir(dir, `input-${restoreKey}`);
}

/** `<dir>/datasets`: where bundled benchmarks are generated. */
export function datasetsDir(dir: string): string {
  return join(dir, 'datasets');
}

/** The root a bundled benchmark is generated into, e.g. `<datasets>/mini-uir-48`. */
export function bundledDatasetRoot(datasets: string, name: string, size: number): string {
  return join(datasets, `${name}-${size}`);
}

/**
 * A restored image inside a restore folder: `<Task>/<SubDataset>/<name>.png` (the test pair's
 * condition file name with a .png extension), the mirror `rdbm metrics --layout` pairs.
 */
export function restoredImage(restored: string, pair: { readonly task: string; readonly subDataset: string; readonly name: string }): string {
  return join(restored, pair.task, pair.subDataset, restoredName(pair.name));
}

/** A condition file name as its restoration is named (`rain-001.jpg` → `rain-001.png`). */
export function restoredName(name: string): string {
  return name.replace(/\.[^.]+$/, '.png');
}

/** `<dir>/reproduced.json`: the reduced sets the tables and plots show. */
export function reproducedPath(dir: string): string {
  return join(dir, 'reproduced.json');
}

/** `<dir>/README.md`: the report. */
export function readmePath(dir: string): string {
  return join(dir, 'README.md');
}

export type TableFormat = 'md' | 'csv' | 'tex';
export type PlotFormat = 'vl.json' | 'svg' | 'png';

/** `<dir>/tables/<id>.<format>`. */
export function tablePath(dir: string, id: string, format: TableFormat): string {
  return join(dir, 'tables', `${id}.${format}`);
}

/** `<dir>/plots/<id>.<format>`. */
export function plotPath(dir: string, id: string, format: PlotFormat): string {
  return join(dir, 'plots', `${id}.${format}`);
}

/** `<dir>/deltas/<experiment>.csv`: per-image differences from the set's default entry. */
export function deltasPath(dir: string, experiment: string): string {
  return join(dir, 'deltas', `${experiment}.csv`);
}

/** `<dir>/leases/<key>.json`: the lease of a running job. */
export function leasePath(dir: string, key: string): string {
  return join(dir, 'leases', `${key}.json`);
}

/** `<dir>/failures/<key>.json`: the last failure of a job. */
export function failurePath(dir: string, key: string): string {
  return join(dir, 'failures', `${key}.json`);
}

/** `<dir>/plans`: one file per sweep started on the folder. */
export function plansDir(dir: string): string {
  return join(dir, 'plans');
}
