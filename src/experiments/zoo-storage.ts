/**
 * Measuring narrower storage of a zoo entry (src/zoo/storage.ts; issue 31: the zoo stays small only if rounded
 * weights restore within 1/255 of the trained float32 ones): the test split of the entry's run config is restored
 * exactly as its restore job does (same executor, windows, NFE, λ, schedule) from the float32 checkpoint and from its
 * rounding to each format still to measure, narrowest first, stopping at the first allowed; every uint8 value is
 * compared. Needs a started TensorFlow.js backend.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RdbmError } from '../errors.js';
import { readImage } from '../image/index.js';
import type { Io } from '../util/io.js';
import { ZOO_CHECKPOINT, type ZooEntry, readZooEntry, zooEntryDir } from '../zoo/entry.js';
import { narrowZooEntry, writeNarrowCheckpoint } from '../zoo/add.js';
import { type StorageCheck, type StorageChecks, chooseStorage, formatsToMeasure } from '../zoo/storage.js';
import type { WeightDtype } from '../models/weight-files.js';
import { type RunConfig, runConfig } from './config.js';
import { restoredImage } from './layout.js';
import type { Job } from './plan.js';
import { realExecutors } from './real.js';
import { selectTestPairs } from './testset.js';

const EMPTY_STORAGE_CHECK: StorageCheck = Object.freeze({ images: 0, values: 0, maxDiff: 0, valuesDiffering: 0, imagesDiffering: 0 });

/** Two equally long uint8 images compared value by value, folded into a running check. */
function foldStorageCheck(check: StorageCheck, a: ArrayLike<number>, b: ArrayLike<number>, image: string): StorageCheck {
  if (a.length !== b.length) throw new RdbmError(`${image}: the two restorations have ${a.length} and ${b.length} values (expected the same image size)`);
  let maxDiff = check.maxDiff;
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > 0) differing++;
    if (d > maxDiff) maxDiff = d;
  }
  return {
    images: check.images + 1,
    values: check.values + a.length,
    maxDiff,
    valuesDiffering: check.valuesDiffering + differing,
    imagesDiffering: check.imagesDiffering + (differing > 0 ? 1 : 0),
  };
}

export interface StorageInput {
  /** the run config whose restore job the entry serves (the entry's recorded config) */
  readonly config: RunConfig;
  /** the float32 checkpoint (a training run's, or a float32 zoo entry's) */
  readonly float32: string;
  /** measurements already made (kept; only the formats still needed are measured) */
  readonly known?: StorageChecks;
  /** where the bundled test data is (generated if missing) */
  readonly datasetsDir: string;
  readonly io: Pick<Io, 'err' | 'errIsTTY'>;
}

/** Measures the formats still needed (narrowest first, up to the first allowed); returns every check and the choice. */
export async function measureStorage(input: StorageInput): Promise<{ checks: StorageChecks; dtype: WeightDtype }> {
  const known = input.known ?? {};
  const todo = formatsToMeasure(known);
  if (todo.length === 0) return { checks: known, dtype: chooseStorage(known) };
  const executors = realExecutors();
  const ctx = { io: input.io };
  const dataRoot = await executors.prepareData(input.config, input.datasetsDir, ctx);
  const pairs = selectTestPairs(dataRoot, input.config.testLimit);
  const work = mkdtempSync(join(tmpdir(), 'rdbm-storage-'));
  try {
    // the restore executor reads only the job's config
    const job: Job = { kind: 'restore', key: 'storage-check', group: 'storage-check', spec: {}, config: input.config, points: [] };
    const reference = join(work, 'float32');
    await executors.restore({ ...ctx, job, dataRoot, checkpoint: input.float32, outDir: reference });
    let checks: StorageChecks = { ...known };
    for (const dtype of todo) {
      const checkpoint = join(work, `${dtype}-checkpoint`);
      const outDir = join(work, dtype);
      writeNarrowCheckpoint(input.float32, checkpoint, dtype);
      await executors.restore({ ...ctx, job, dataRoot, checkpoint, outDir });
      let check = EMPTY_STORAGE_CHECK;
      for (const pair of pairs) {
        const [a, b] = await Promise.all([reference, outDir].map((dir) => readImage(restoredImage(dir, pair))));
        check = foldStorageCheck(check, a.data, b.data, pair.name);
      }
      checks = { ...checks, [dtype]: check };
      if (chooseStorage(checks) !== 'float32') break;
    }
    return { checks, dtype: chooseStorage(checks) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export interface ShrinkReport {
  readonly name: string;
  readonly checks: StorageChecks;
  /** the format stored: the narrowest the checks allow, else float32 */
  readonly dtype: WeightDtype;
}

/** A float32 zoo entry, read and checked, that shrinkZooEntries may rewrite. */
export interface ShrinkableEntry {
  readonly name: string;
  readonly dir: string;
  readonly entry: ZooEntry;
}

/** The named entries of a zoo, each refused in one line unless it exists and is stored in float32 (before any work starts). */
export function shrinkableEntries(names: readonly string[], zooDir: string): ShrinkableEntry[] {
  return names.map((name) => {
    const dir = zooEntryDir(zooDir, name);
    const entry = readZooEntry(dir);
    if (entry.weights.dtype !== 'float32') throw new RdbmError(`zoo entry ${name}: already stored in ${entry.weights.dtype}`);
    return { name, dir, entry };
  });
}

/**
 * Stores float32 zoo entries in the narrowest format their restorations allow (each measured on its recorded run
 * config's test split, generated in a temporary folder); an entry no format allows stays float32 with its checks.
 */
export async function shrinkZooEntries(entries: readonly ShrinkableEntry[], options: { io: Pick<Io, 'err' | 'errIsTTY'> }): Promise<ShrinkReport[]> {
  const datasets = mkdtempSync(join(tmpdir(), 'rdbm-storage-data-'));
  try {
    const reports: ShrinkReport[] = [];
    for (const { name, dir, entry } of entries) {
      const config = runConfig({ ...entry.config } as Partial<RunConfig>, `zoo entry ${name} config`);
      const { checks, dtype } = await measureStorage({ config, float32: join(dir, ZOO_CHECKPOINT), ...(entry.weights.checks ? { known: entry.weights.checks } : {}), datasetsDir: datasets, io: options.io });
      narrowZooEntry(dir, dtype, checks);
      reports.push({ name, checks, dtype });
    }
    return reports;
  } finally {
    rmSync(datasets, { recursive: true, force: true });
  }
}
