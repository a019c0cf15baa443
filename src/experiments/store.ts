/**
 * The results folder as a store of job records (its paths: layout.ts). A folder written by another
 * schema version is refused with a clear error; a damaged record is reported and its job redone,
 * the others kept.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { RdbmError } from '../errors.js';
import { writeFileExclusive, writeJsonAtomic } from '../util/fs.js';
import type { RunStage } from './config.js';
import type { Job } from './plan.js';
import { LAYOUT_SUMMARY, RESULTS_MARKER, recordPath, recordsDir } from './layout.js';

/** Bump when run/job files change incompatibly. */
export const RESULTS_SCHEMA = 1;

export interface JobRecord {
  readonly schema: number;
  readonly kind: RunStage;
  readonly key: string;
  readonly spec: Readonly<Record<string, unknown>>;
  /** files or folders this job produced, relative to the results folder; missing ones mean the job must be redone */
  readonly artifacts: readonly string[];
  readonly seconds: number;
  readonly finishedAt: string;
  readonly [extra: string]: unknown;
}

export type RecordStatus =
  | { readonly state: 'done'; readonly record: JobRecord }
  | { readonly state: 'missing' }
  | { readonly state: 'corrupt'; readonly reason: string };

export interface ResultsStore {
  readonly dir: string;
  /** absolute path of a job's record */
  recordPath(job: Pick<Job, 'kind' | 'key'>): string;
  /** absolute path from a record-relative one */
  resolve(rel: string): string;
  /** record-relative path from an absolute one */
  relativize(path: string): string;
  read(job: Pick<Job, 'kind' | 'key'>): RecordStatus;
  write(record: JobRecord): void;
}

function checkSchema(what: string, schema: unknown): void {
  if (schema !== RESULTS_SCHEMA) {
    throw new RdbmError(`${what} was written by results schema ${JSON.stringify(schema)}, this rdbm-lab reads schema ${RESULTS_SCHEMA} (use a new --results folder, or the rdbm-lab version that wrote it)`);
  }
}

/** Opens (and with `create`, initialises) a results folder; refuses one written by another schema. */
export function openResults(dir: string, options: { create?: boolean } = {}): ResultsStore {
  const marker = join(dir, RESULTS_MARKER);
  if (existsSync(marker)) {
    let content: { schema?: unknown };
    try {
      content = JSON.parse(readFileSync(marker, 'utf8'));
    } catch {
      throw new RdbmError(`${marker}: not valid JSON (expected {"schema": ${RESULTS_SCHEMA}, ...}); is ${dir} a results folder?`);
    }
    checkSchema(`results folder ${dir}`, content?.schema);
  } else if (existsSync(recordsDir(dir, 'evaluate')) || existsSync(recordsDir(dir, 'train'))) {
    throw new RdbmError(`results folder ${dir} has runs but no ${RESULTS_MARKER}: it was written by an incompatible rdbm-lab version (use a new --results folder)`);
  } else if (options.create) {
    // exclusive: workers starting together on a new folder write it once
    writeFileExclusive(marker, `${JSON.stringify({ schema: RESULTS_SCHEMA, tool: 'rdbm-lab', layout: LAYOUT_SUMMARY }, null, 2)}\n`);
  }
  const recordAt = (job: Pick<Job, 'kind' | 'key'>) => recordPath(dir, job);
  return {
    dir,
    recordPath: recordAt,
    resolve: (rel) => (isAbsolute(rel) ? rel : join(dir, rel)),
    relativize: (path) => relative(dir, path) || '.',
    read(job) {
      const path = recordAt(job);
      if (!existsSync(path)) return { state: 'missing' };
      let record: JobRecord;
      try {
        record = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error) {
        return { state: 'corrupt', reason: `not valid JSON (${String((error as Error).message).split('\n')[0]})` };
      }
      if (record === null || typeof record !== 'object') return { state: 'corrupt', reason: 'not a JSON object' };
      if (typeof record.schema === 'number') checkSchema(path, record.schema);
      else return { state: 'corrupt', reason: 'no schema field' };
      if (record.key !== job.key || record.kind !== job.kind) return { state: 'corrupt', reason: `holds ${record.kind} ${record.key}, expected ${job.kind} ${job.key}` };
      if (!Array.isArray(record.artifacts)) return { state: 'corrupt', reason: 'no artifacts list' };
      const gone = record.artifacts.find((a) => !existsSync(join(dir, a)));
      if (gone !== undefined) return { state: 'corrupt', reason: `its output ${gone} is missing` };
      if (job.kind === 'evaluate' && !Array.isArray((record as { metrics?: { images?: unknown } }).metrics?.images)) {
        return { state: 'corrupt', reason: 'no per-image metrics' };
      }
      return { state: 'done', record };
    },
    write(record) {
      writeJsonAtomic(recordAt(record), record);
    },
  };
}

/** Every run record in a folder (runs/*.json), with the unreadable ones reported separately. */
export function readRuns(dir: string): { runs: JobRecord[]; problems: string[] } {
  openResults(dir);
  const runsDir = recordsDir(dir, 'evaluate');
  const runs: JobRecord[] = [];
  const problems: string[] = [];
  if (!existsSync(runsDir)) return { runs, problems };
  for (const file of readdirSync(runsDir).filter((f) => f.endsWith('.json')).sort()) {
    const path = join(runsDir, file);
    try {
      const record = JSON.parse(readFileSync(path, 'utf8')) as JobRecord;
      if (record?.schema !== RESULTS_SCHEMA) checkSchema(path, record?.schema);
      if (record.kind !== 'evaluate' || !Array.isArray((record as { metrics?: { images?: unknown } }).metrics?.images)) throw new Error('not a run record');
      runs.push(record);
    } catch (error) {
      if (error instanceof RdbmError) throw error;
      problems.push(`${path}: corrupted (${String((error as Error).message).split('\n')[0]})`);
    }
  }
  return { runs, problems };
}
