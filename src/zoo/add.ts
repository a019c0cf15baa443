/**
 * Adding a finished training run to the zoo: the run's last checkpoint stripped to its sampling weights
 * (the `train/` state — online weights, Adam moments — is what resuming needs, not restoring), and the
 * zoo.json that says how it was made. Written into a temporary sibling and renamed, so an interrupted add
 * never leaves a half entry.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RdbmError } from '../errors.js';
import { type CheckpointManifest, readCheckpoint, writeCheckpointFiles } from '../models/checkpoint.js';
import { latestCheckpoint, readHistory } from '../models/train.js';
import { SHARD_BYTES, type WeightDtype, encodeWeights } from '../models/weight-files.js';
import { partialPath, removeStalePartials, writeJsonAtomic } from '../util/fs.js';
import { sha256 } from '../util/hash.js';
import { ZOO_CHECKPOINT, ZOO_FILE, ZOO_FORMAT, type ZooEntry, readZooEntry, zooLookupKey } from './entry.js';
import { type StorageChecks, storageProblem } from './storage.js';

/** What a new entry records beside the run (the rest of ZooEntry comes from the run's files). */
export type AddZooEntryInput = Pick<ZooEntry, 'name' | 'training' | 'dataset' | 'config' | 'trainKey' | 'commit' | 'backend' | 'versions'> & {
  readonly zooDir: string;
  /** the trainer's output folder (checkpoint-*, latest.json, history.jsonl) */
  readonly runDir: string;
  /** weights larger than this are stored in shards of this size (default SHARD_BYTES, 4 MiB) */
  readonly shardBytes?: number;
  /** float16 / float24 store the weights rounded, in 2 or 3 bytes a value (default float32, exactly as trained) */
  readonly dtype?: WeightDtype;
  /** what narrower storage does to the restorations (measured by the caller; the stored format's is required, all recorded) */
  readonly checks?: StorageChecks;
};

/** Where each sampling tensor sits in the joined weights (offsets count values). */
type SamplingLayout = { name: string; shape: readonly number[]; offset: number }[];

/** The sampling weights of a checkpoint (its `train/` state left out) as one array, in the order saved, and their layout. */
function samplingWeights(checkpoint: string): { manifest: CheckpointManifest; all: Float32Array; layout: SamplingLayout } {
  const { manifest, tensors } = readCheckpoint(checkpoint);
  const kept = manifest.tensors.filter((t) => !t.name.startsWith('train/'));
  const all = new Float32Array(kept.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0));
  const layout: SamplingLayout = [];
  let at = 0;
  for (const t of kept) {
    const data = tensors.get(t.name)!.data;
    all.set(data, at);
    layout.push({ name: t.name, shape: t.shape, offset: at });
    at += data.length;
  }
  return { manifest, all, layout };
}

/**
 * A copy of a float32 checkpoint's sampling weights in a narrower format in `outDir` (what an entry would store), to
 * measure its restorations against the original's before the entry is stored that way.
 */
export function writeNarrowCheckpoint(checkpoint: string, outDir: string, dtype: WeightDtype): void {
  const { manifest, all, layout } = samplingWeights(checkpoint);
  mkdirSync(outDir, { recursive: true });
  writeSamplingCheckpoint(outDir, manifest, layout, encodeWeights(all, dtype), dtype);
}

/** A checkpoint of sampling weights: the source manifest's fields with the new layout, bytes and storage format. */
function writeSamplingCheckpoint(dir: string, manifest: CheckpointManifest, layout: SamplingLayout, bytes: Uint8Array, dtype: WeightDtype, shardBytes?: number): void {
  const { sha256: _whole, shards: _split, dtype: _dtype, ...fields } = manifest;
  writeCheckpointFiles(dir, { ...fields, tensors: layout, ...(dtype === 'float32' ? {} : { dtype }) }, bytes, shardBytes);
}

/** Refuses storing `dtype` without a measurement that allows it (one line naming the entry). */
function refuseUnmeasured(name: string, dtype: WeightDtype, checks: StorageChecks | undefined): void {
  const problem = storageProblem({ dtype, ...(checks ? { checks } : {}) });
  if (problem) throw new RdbmError(`zoo entry ${name}: ${problem}`);
}

/** Writes data/zoo/<name>/ from a finished run; returns the entry (re-read and verified). */
export function addZooEntry(input: AddZooEntryInput): ZooEntry {
  const latest = latestCheckpoint(input.runDir);
  if (!latest) throw new RdbmError(`${input.runDir}: no finished training run (latest.json is missing)`);
  const history = readHistory(input.runDir);
  // a record of the run, not a log: two trainers writing one run folder (unguarded concurrent sweeps) repeat steps
  const repeated = history.findIndex((h, i) => i > 0 && h.step <= history[i - 1].step);
  if (repeated > 0) throw new RdbmError(`${input.runDir}: history.jsonl line ${repeated + 1} repeats or goes back to step ${history[repeated].step} (expected increasing steps; was the run written by two trainers at once? retrain it)`);
  const { manifest, all, layout } = samplingWeights(latest);
  const last = history[history.length - 1];
  if (!last || last.step !== manifest.step) {
    throw new RdbmError(`${input.runDir}: history.jsonl does not reach step ${manifest.step} (trained before the history was recorded? retrain it)`);
  }
  const trained = new Uint8Array(all.buffer);
  const hash = sha256(trained);
  if (hash !== last.sha256) throw new RdbmError(`${latest}: its sampling weights do not hash to the history's step ${last.step}`);
  const dtype = input.dtype ?? 'float32';
  refuseUnmeasured(input.name, dtype, input.checks);
  const bytes = encodeWeights(all, dtype);
  const entry: ZooEntry = {
    format: ZOO_FORMAT,
    version: 1,
    name: input.name,
    lookup: zooLookupKey(input.training, input.dataset),
    training: input.training,
    dataset: input.dataset,
    config: input.config,
    trainKey: input.trainKey,
    commit: input.commit,
    backend: input.backend,
    versions: input.versions,
    steps: manifest.step,
    seconds: last.seconds,
    history,
    weights: {
      ...(dtype === 'float32' ? { sha256: hash, bytes: bytes.byteLength, dtype } : { sha256: sha256(bytes), bytes: bytes.byteLength, dtype, trainedSha256: hash }),
      ...(input.checks ? { checks: input.checks } : {}),
    },
  };
  return writeEntry(join(input.zooDir, input.name), entry, manifest, layout, bytes, input.shardBytes);
}

/**
 * Stores a float32 entry in a narrower format in place, given the measurements that allow it: the same entry, its
 * weights rounded, `trainedSha256` naming the float32 weights its history records.
 */
export function narrowZooEntry(dir: string, dtype: WeightDtype, checks: StorageChecks, shardBytes?: number): ZooEntry {
  const entry = readZooEntry(dir);
  if (entry.weights.dtype !== 'float32') throw new RdbmError(`zoo entry ${dir}: already stored in ${entry.weights.dtype}`);
  refuseUnmeasured(entry.name, dtype, checks);
  const { manifest, all, layout } = samplingWeights(join(dir, ZOO_CHECKPOINT));
  const bytes = encodeWeights(all, dtype);
  const weights: ZooEntry['weights'] = dtype === 'float32' ? { ...entry.weights, checks } : { sha256: sha256(bytes), bytes: bytes.byteLength, dtype, trainedSha256: entry.weights.sha256, checks };
  return writeEntry(dir, { ...entry, weights }, manifest, layout, bytes, shardBytes);
}

/** Writes an entry's folder (checkpoint/ + zoo.json) into a partial sibling, checks it, and renames it into place. */
function writeEntry(target: string, entry: ZooEntry, manifest: CheckpointManifest, layout: SamplingLayout, bytes: Uint8Array, shardBytes?: number): ZooEntry {
  removeStalePartials(target);
  const partial = partialPath(target);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(partial, ZOO_CHECKPOINT), { recursive: true });
  writeSamplingCheckpoint(join(partial, ZOO_CHECKPOINT), manifest, layout, bytes, entry.weights.dtype, shardBytes ?? SHARD_BYTES);
  writeJsonAtomic(join(partial, ZOO_FILE), entry);
  readZooEntry(partial);
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
  return readZooEntry(target);
}
