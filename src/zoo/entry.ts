/**
 * The checkpoint zoo: trained networks shipped with the package (data/zoo/<name>/), each a directory
 *   zoo.json              the entry: run config, lookup key, job key, commit, backend, steps, wall time,
 *                         the loss curve and the sha256 of the sampling weights at every recorded step
 *   checkpoint/           an ordinary checkpoint (manifest.json + weights.bin, or its 4 MiB shards for RDBM-S
 *                         and larger) holding only the sampling (EMA) weights, float32 exactly as trained, or
 *                         rounded to float16 / float24 where that restores within 1/255 of them (storage.ts)
 * An entry is found by its run config (zooLookupKey), so later code changes do not force a retrain; the
 * jobs downstream of it key on the stored weights' sha256. A modified or truncated file is refused, and so is
 * a checkpoint manifest whose training block, architecture, step or layout is not what zoo.json binds (binding.ts).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RdbmError } from '../errors.js';
import { unknownName } from '../util/registry.js';
import type { CheckpointManifest } from '../models/checkpoint.js';
import { tileWindows } from '../models/tiles.js';
import { type WeightDtype, readWeightFiles } from '../models/weight-files.js';
import { type StorageChecks, storageProblem } from './storage.js';
import { configHash } from '../util/hash.js';
import { manifestBindingProblem } from './binding.js';

export const ZOO_FORMAT = 'rdbm-lab/zoo-entry';
export const ZOO_FILE = 'zoo.json';
export const ZOO_CHECKPOINT = 'checkpoint';
const MANIFEST = 'manifest.json';

/** data/zoo inside the package (works from src/ and from dist/). */
export const BUNDLED_ZOO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'zoo');

/** One recorded step of the training run (history.jsonl of the trainer). */
export interface ZooHistoryLine {
  readonly step: number;
  /** mean training loss since the previous line */
  readonly loss: number;
  readonly seconds: number;
  /** sha256 of the sampling weights at this step */
  readonly sha256: string;
}

export interface ZooEntry {
  readonly format: typeof ZOO_FORMAT;
  readonly version: 1;
  readonly name: string;
  /** zooLookupKey(training, dataset): how a sweep point finds this entry */
  readonly lookup: string;
  /** the training fields of the run config (everything of stage `train` but the checkpoint and family) */
  readonly training: Readonly<Record<string, unknown>>;
  /** the identity of the training data (for mini-uir: generator version, options and photo hashes) */
  readonly dataset: Readonly<Record<string, unknown>>;
  /** the complete run config of the sweep point that trained it */
  readonly config: Readonly<Record<string, unknown>>;
  /** the sweep's train job key when it was trained */
  readonly trainKey: string;
  /** git commit of the toolkit that trained it ('unknown' outside a checkout) */
  readonly commit: string;
  readonly backend: string;
  readonly versions: Readonly<Record<string, string>>;
  readonly steps: number;
  /** training wall time in seconds */
  readonly seconds: number;
  readonly history: readonly ZooHistoryLine[];
  /**
   * the stored sampling weights (checkpoint/weights.bin, or its shards joined). float16 / float24 entries store the
   * trained float32 weights rounded (storage.ts); `trainedSha256` is the float32 weights' hash, the run's history
   * records at its last step; `checks` the measurements that chose the format
   */
  readonly weights: { readonly sha256: string; readonly bytes: number; readonly dtype: WeightDtype; readonly trainedSha256?: string; readonly checks?: StorageChecks };
}

/** The lookup key of a training config on a dataset: what must match for a zoo checkpoint to stand in for training. */
export function zooLookupKey(training: Readonly<Record<string, unknown>>, dataset: Readonly<Record<string, unknown>>): string {
  return configHash({ zoo: 1, training, dataset });
}

function fail(dir: string, what: string): never {
  throw new RdbmError(`zoo entry ${dir}: ${what}`);
}

/** Reads and checks one entry: its zoo.json, and that checkpoint/ holds exactly the weights it names. */
export function readZooEntry(dir: string): ZooEntry {
  const path = join(dir, ZOO_FILE);
  if (!existsSync(path)) fail(dir, `${ZOO_FILE} is missing`);
  let entry: ZooEntry;
  try {
    entry = JSON.parse(readFileSync(path, 'utf8')) as ZooEntry;
  } catch (error) {
    fail(dir, `${ZOO_FILE} is not valid JSON (${String((error as Error).message).split('\n')[0]})`);
  }
  if (entry?.format !== ZOO_FORMAT || entry.version !== 1) fail(dir, `${ZOO_FILE} has format ${JSON.stringify(entry?.format)} (expected ${ZOO_FORMAT} version 1)`);
  for (const field of ['name', 'lookup', 'trainKey', 'commit', 'backend'] as const) {
    if (typeof entry[field] !== 'string' || !entry[field]) fail(dir, `${ZOO_FILE} field ${field} is missing`);
  }
  if (!Array.isArray(entry.history) || entry.history.length === 0) fail(dir, `${ZOO_FILE} has no training history`);
  if (entry.lookup !== zooLookupKey(entry.training, entry.dataset)) fail(dir, `${ZOO_FILE} lookup key does not match its training config (edited by hand?)`);
  if (!entry.weights || typeof entry.weights !== 'object') fail(dir, `${ZOO_FILE} field weights is missing`);
  const stored = storageProblem(entry.weights);
  if (stored) fail(dir, `${ZOO_FILE} ${stored}`);
  const manifestPath = join(dir, ZOO_CHECKPOINT, MANIFEST);
  if (!existsSync(manifestPath)) fail(dir, `${ZOO_CHECKPOINT}/${MANIFEST} is missing`);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as CheckpointManifest;
  } catch {
    fail(dir, `${ZOO_CHECKPOINT}/${MANIFEST} is not valid JSON`);
  }
  if (manifest.sha256 !== entry.weights.sha256 || (manifest.dtype ?? 'float32') !== entry.weights.dtype) fail(dir, `${ZOO_CHECKPOINT}/${MANIFEST} names other weights than ${ZOO_FILE}`);
  const unbound = manifestBindingProblem(entry, manifest);
  if (unbound) fail(dir, `${unbound} (edited by hand? restore the entry from the repository)`);
  const read = readWeightFiles(join(dir, ZOO_CHECKPOINT), manifest);
  if ('problem' in read) fail(dir, `${ZOO_CHECKPOINT}/${read.problem}`);
  if (read.bytes.byteLength !== entry.weights.bytes) fail(dir, `the stored weights have ${read.bytes.byteLength} bytes (${ZOO_FILE} records ${entry.weights.bytes})`);
  const last = entry.history[entry.history.length - 1];
  if (last.step !== entry.steps || last.sha256 !== (entry.weights.dtype === 'float32' ? entry.weights.sha256 : entry.weights.trainedSha256)) fail(dir, `the stored weights are not the run's weights at step ${entry.steps}`);
  return entry;
}

/** The names of a zoo's entries (the directories holding a zoo.json), sorted; none read. */
export function zooEntryNames(zooDir: string = BUNDLED_ZOO_DIR): string[] {
  if (!existsSync(zooDir)) return [];
  return readdirSync(zooDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(zooDir, d.name, ZOO_FILE)))
    .map((d) => d.name)
    .sort();
}

/** The entries of a zoo folder, by name (each checked; a damaged one throws naming it). */
export function listZoo(zooDir: string = BUNDLED_ZOO_DIR): ZooEntry[] {
  return zooEntryNames(zooDir).map((name) => readZooEntry(join(zooDir, name)));
}

/** The directory of a named entry, or the registries' one line for an unknown name, listing the zoo's entries. */
export function zooEntryDir(zooDir: string, name: string): string {
  const dir = join(zooDir, name);
  if (!existsSync(join(dir, ZOO_FILE))) {
    const names = zooEntryNames(zooDir);
    throw unknownName(`zoo entry in ${zooDir}`, name, names.length ? names : ['none']);
  }
  return dir;
}

/** The checkpoint directory of an entry. */
export function zooCheckpoint(zooDir: string, name: string): string {
  return join(zooDir, name, ZOO_CHECKPOINT);
}

/**
 * A zoo entry wherever a checkpoint is asked for: its folder (`data/zoo/T`), its name (`T`, in the
 * bundled zoo or `zooDir`) or its checkpoint folder itself → the entry (verified) and its checkpoint.
 * Undefined for anything else (an ordinary checkpoint path, which the caller uses as given).
 */
export function zooEntryCheckpoint(value: string, zooDir: string = BUNDLED_ZOO_DIR): { entry: ZooEntry; dir: string; checkpoint: string } | undefined {
  const candidates = [value, dirname(value), ...(/^[\w.-]+$/.test(value) && !existsSync(value) ? [join(zooDir, value)] : [])];
  const dir = candidates.find((d) => existsSync(join(d, ZOO_FILE)) && (d === value || value === join(d, ZOO_CHECKPOINT) || d === join(zooDir, value)));
  if (!dir) return undefined;
  return { entry: readZooEntry(dir), dir, checkpoint: join(dir, ZOO_CHECKPOINT) };
}

/**
 * The windows an entry's results were restored in, from its recorded run config: tile `crop` or `grid` →
 * windows of its training crop (as the sweep's executor passes them); `auto` (or none recorded) →
 * undefined, the restore default. Restoring the same images whole differs (19.15 against 21.22 dB).
 */
export function zooEntryWindows(entry: Pick<ZooEntry, 'config'>): { size: number; overlap: number } | undefined {
  const mode = entry.config.tile === 'crop' || entry.config.tile === 'grid' ? entry.config.tile : 'auto';
  return tileWindows(mode, Number(entry.config.cropSize));
}

/**
 * The zoo's index by lookup key, read from the zoo.json files only (cheap; the weights are checked when an
 * entry is used, by resolveZoo). Two entries with one key are refused.
 */
export function zooIndex(zooDir: string = BUNDLED_ZOO_DIR): ReadonlyMap<string, string> {
  const index = new Map<string, string>();
  if (!existsSync(zooDir)) return index;
  for (const d of readdirSync(zooDir, { withFileTypes: true })) {
    const path = join(zooDir, d.name, ZOO_FILE);
    if (!d.isDirectory() || !existsSync(path)) continue;
    let lookup: unknown;
    try {
      lookup = (JSON.parse(readFileSync(path, 'utf8')) as { lookup?: unknown }).lookup;
    } catch {
      fail(join(zooDir, d.name), `${ZOO_FILE} is not valid JSON`);
    }
    if (typeof lookup !== 'string') fail(join(zooDir, d.name), `${ZOO_FILE} field lookup is missing`);
    const other = index.get(lookup);
    if (other) throw new RdbmError(`zoo ${zooDir}: entries ${other} and ${d.name} have the same run config`);
    index.set(lookup, d.name);
  }
  return index;
}

/** The entry name standing in for this training config, if the zoo has one; its files are verified. */
export function resolveZoo(training: Readonly<Record<string, unknown>>, dataset: Readonly<Record<string, unknown>>, zooDir: string = BUNDLED_ZOO_DIR): { name: string; checkpoint: string; entry: ZooEntry } | undefined {
  const name = zooIndex(zooDir).get(zooLookupKey(training, dataset));
  if (!name) return undefined;
  return { name, checkpoint: zooCheckpoint(zooDir, name), entry: verifiedEntry(join(zooDir, name)) };
}

const verified = new Map<string, ZooEntry>();

/**
 * readZooEntry, hashed once per process while the files stay as they were: planning resolves every point
 * (and reports re-plan per experiment), which would otherwise re-hash an L checkpoint's 30 MB each time.
 */
function verifiedEntry(dir: string): ZooEntry {
  const checkpoint = join(dir, ZOO_CHECKPOINT);
  const files = [join(dir, ZOO_FILE), ...(existsSync(checkpoint) ? readdirSync(checkpoint).sort().map((f) => join(checkpoint, f)) : [])];
  const stamp = files
    .map((p) => {
      const st = statSync(p);
      return `${p}:${st.size}:${st.mtimeMs}`;
    })
    .join('|');
  const key = `${dir}\u0000${stamp}`;
  const cached = verified.get(key);
  if (cached) return cached;
  const entry = readZooEntry(dir);
  verified.set(key, entry);
  return entry;
}

/**
 * A checkpoint folder inside a zoo entry (`<entry>/checkpoint`, given by path to a sweep or report) is used only
 * when its entry verifies: an edited manifest is refused as from the zoo commands.
 */
export function checkZooCheckpoint(checkpointDir: string): void {
  const dir = dirname(checkpointDir);
  if (basename(checkpointDir) === ZOO_CHECKPOINT && existsSync(join(dir, ZOO_FILE))) verifiedEntry(dir);
}
