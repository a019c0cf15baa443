/**
 * Adding a finished training run to the zoo: the run's last checkpoint stripped to its sampling weights
 * (the `train/` state — online weights, Adam moments — is what resuming needs, not restoring), and the
 * zoo.json that says how it was made. Written into a temporary sibling and renamed, so an interrupted add
 * never leaves a half entry.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { RdbmError } from '../errors.js';
import { readCheckpoint, writeCheckpointFiles } from '../models/checkpoint.js';
import { latestCheckpoint, readHistory } from '../models/train.js';
import { SHARD_BYTES, type WeightDtype } from '../models/weight-files.js';
import { toFloat16 } from '../util/float16.js';
import { partialPath, removeStalePartials, writeJsonAtomic } from '../util/fs.js';
import { sha256 } from '../util/hash.js';
import { ZOO_CHECKPOINT, ZOO_FILE, ZOO_FORMAT, type ZooEntry, readZooEntry, zooLookupKey } from './entry.js';

/** What a new entry records beside the run (the rest of ZooEntry comes from the run's files). */
export type AddZooEntryInput = Pick<ZooEntry, 'name' | 'training' | 'dataset' | 'config' | 'trainKey' | 'commit' | 'backend' | 'versions'> & {
  readonly zooDir: string;
  /** the trainer's output folder (checkpoint-*, latest.json, history.jsonl) */
  readonly runDir: string;
  /** weights larger than this are stored in shards of this size (default SHARD_BYTES, 4 MiB) */
  readonly shardBytes?: number;
  /** float16 stores the weights rounded to half precision, in half the bytes (default float32, exactly as trained) */
  readonly dtype?: WeightDtype;
};

/** Writes data/zoo/<name>/ from a finished run; returns the entry (re-read and verified). */
export function addZooEntry(input: AddZooEntryInput): ZooEntry {
  const latest = latestCheckpoint(input.runDir);
  if (!latest) throw new RdbmError(`${input.runDir}: no finished training run (latest.json is missing)`);
  const history = readHistory(input.runDir);
  // a record of the run, not a log: two trainers writing one run folder (unguarded concurrent sweeps) repeat steps
  const repeated = history.findIndex((h, i) => i > 0 && h.step <= history[i - 1].step);
  if (repeated > 0) throw new RdbmError(`${input.runDir}: history.jsonl line ${repeated + 1} repeats or goes back to step ${history[repeated].step} (expected increasing steps; was the run written by two trainers at once? retrain it)`);
  const { manifest, tensors } = readCheckpoint(latest);
  const last = history[history.length - 1];
  if (!last || last.step !== manifest.step) {
    throw new RdbmError(`${input.runDir}: history.jsonl does not reach step ${manifest.step} (trained before the history was recorded? retrain it)`);
  }
  // the sampling weights in the order saved, exactly as trained
  const kept = manifest.tensors.filter((t) => !t.name.startsWith('train/'));
  const total = kept.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  const all = new Float32Array(total);
  const layout: { name: string; shape: readonly number[]; offset: number }[] = [];
  let at = 0;
  for (const t of kept) {
    const data = tensors.get(t.name)!.data;
    all.set(data, at);
    layout.push({ name: t.name, shape: t.shape, offset: at });
    at += data.length;
  }
  const trained = new Uint8Array(all.buffer);
  const hash = sha256(trained);
  if (hash !== last.sha256) throw new RdbmError(`${latest}: its sampling weights do not hash to the history's step ${last.step}`);
  const half = input.dtype === 'float16';
  const bytes = half ? new Uint8Array(toFloat16(all).buffer) : trained;
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
    weights: half ? { sha256: sha256(bytes), bytes: bytes.byteLength, dtype: 'float16', trainedSha256: hash } : { sha256: hash, bytes: bytes.byteLength, dtype: 'float32' },
  };
  const target = join(input.zooDir, input.name);
  removeStalePartials(target);
  const partial = partialPath(target);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(join(partial, ZOO_CHECKPOINT), { recursive: true });
  const { sha256: _whole, shards: _split, ...fields } = manifest;
  writeCheckpointFiles(join(partial, ZOO_CHECKPOINT), { ...fields, tensors: layout, ...(half ? { dtype: 'float16' as const } : {}) }, bytes, input.shardBytes ?? SHARD_BYTES);
  writeJsonAtomic(join(partial, ZOO_FILE), entry);
  readZooEntry(partial);
  if (existsSync(target)) rmSync(target, { recursive: true, force: true });
  renameSync(partial, target);
  return readZooEntry(target);
}
