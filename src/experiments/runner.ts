/**
 * The runner: executes a plan (or one shard of it) against a results folder. Each finished job is
 * recorded atomically before the next starts, so a killed sweep resumes where it stopped: finished
 * jobs are skipped, damaged records are reported and redone, and a job whose downstream results all
 * exist is not run at all.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Io } from '../util/io.js';
import { RdbmError } from '../errors.js';
import { createProgress } from '../util/progress.js';
import type { RunConfig, RunStage } from './config.js';
import type { Environment, Executors } from './executors.js';
import type { Job, Plan } from './plan.js';
import { type Shard, shardJobs } from './shard.js';
import { type RunMetrics, summarizeScores } from './scores.js';
import { checkpointDir, datasetsDir, restoredDir } from './layout.js';
import { type JobRecord, type RecordStatus, RESULTS_SCHEMA, type ResultsStore, openResults } from './store.js';

export interface RunRecord extends JobRecord {
  readonly kind: 'evaluate';
  readonly config: RunConfig;
  readonly points: readonly string[];
  readonly jobs: { readonly train?: string; readonly restore: string; readonly evaluate: string };
  readonly metrics: RunMetrics;
  /** seconds spent by the jobs behind this run (train is shared by every point of its group) */
  readonly timings: { readonly train: number | null; readonly restore: number; readonly evaluate: number };
  readonly backend: string;
  readonly versions: Readonly<Record<string, string>>;
}

export interface RunnerOptions {
  readonly resultsDir: string;
  readonly executors: Executors;
  readonly io?: Pick<Io, 'err' | 'errIsTTY'>;
  readonly shard?: Shard;
  readonly signal?: AbortSignal;
}

export interface JobStatus {
  readonly job: Job;
  readonly status: RecordStatus;
  /** will run: not done and needed by an unfinished evaluation */
  readonly toRun: boolean;
}

export interface SweepReport {
  readonly plan: Plan;
  readonly shard?: Shard;
  /** jobs of this shard */
  readonly jobs: readonly JobStatus[];
  /** jobs executed in this call, per kind */
  readonly ran: Record<RunStage, number>;
  /** jobs found finished, per kind */
  readonly cached: Record<RunStage, number>;
  /** damaged records that were (or will be) redone */
  readonly redone: readonly string[];
  /** run records of this shard's evaluations that are finished */
  readonly runs: readonly RunRecord[];
}

const quiet = { err: () => {}, errIsTTY: false };

/** The state of every job of a shard against a results folder, without running anything. */
export function inspectPlan(plan: Plan, store: ResultsStore, shard?: Shard): JobStatus[] {
  const jobs = shardJobs(plan, shard);
  const status = new Map(jobs.map((j) => [j.key, store.read(j)]));
  const needed = new Set<string>();
  const byKey = new Map(jobs.map((j) => [j.key, j]));
  // walk back from unfinished evaluations: a dependency runs only if it is unfinished and needed
  for (const j of jobs) {
    if (j.kind !== 'evaluate' || status.get(j.key)!.state === 'done') continue;
    let cur: Job | undefined = j;
    while (cur && status.get(cur.key)!.state !== 'done') {
      needed.add(cur.key);
      cur = cur.needs ? byKey.get(cur.needs) : undefined;
    }
  }
  return jobs.map((job) => ({ job, status: status.get(job.key)!, toRun: needed.has(job.key) }));
}

function now(): number {
  return performance.now() / 1000;
}

/** Executes the plan (or a shard); returns what ran, what was cached and the finished run records. */
export async function runPlan(plan: Plan, options: RunnerOptions): Promise<SweepReport> {
  const io = options.io ?? quiet;
  const store = openResults(options.resultsDir, { create: true });
  const statuses = inspectPlan(plan, store, options.shard);
  const redone: string[] = [];
  for (const s of statuses) {
    if (s.status.state === 'corrupt') {
      const path = store.relativize(store.recordPath(s.job));
      redone.push(path);
      io.err(`rdbm: ${path}: damaged record (${s.status.reason}); ${s.toRun ? 'redoing the job' : 'not needed any more'}\n`);
    }
  }
  const ran: Record<RunStage, number> = { train: 0, restore: 0, evaluate: 0 };
  const cached: Record<RunStage, number> = { train: 0, restore: 0, evaluate: 0 };
  for (const s of statuses) if (s.status.state === 'done') cached[s.job.kind]++;
  const todo = statuses.filter((s) => s.toRun);
  const records = new Map<string, JobRecord>();
  for (const s of statuses) if (s.status.state === 'done') records.set(s.job.key, s.status.record);

  let environment: Environment | undefined;
  const dataRoots = new Map<string, string>();
  const dataRoot = async (config: RunConfig): Promise<string> => {
    const id = `${config.dataset}\u0000${config.datasetSize}`;
    if (!dataRoots.has(id)) dataRoots.set(id, await options.executors.prepareData(config, datasetsDir(store.dir), { io, signal: options.signal }));
    return dataRoots.get(id)!;
  };

  const progress = todo.length ? createProgress(io, 'sweep', todo.length, 'jobs') : undefined;
  for (const { job } of todo) {
    if (options.signal?.aborted) throw new RdbmError('sweep aborted (finished jobs are saved; rerun to resume)');
    environment ??= await options.executors.environment();
    const ctx = { io, signal: options.signal };
    const started = now();
    const base = { schema: RESULTS_SCHEMA, kind: job.kind, key: job.key, spec: job.spec, points: job.points };
    let record: JobRecord;
    if (job.kind === 'train') {
      const outDir = checkpointDir(store.dir, job.key);
      mkdirSync(outDir, { recursive: true });
      const out = await options.executors.train({ ...ctx, job, dataRoot: await dataRoot(job.config), outDir });
      const checkpoint = store.relativize(out.checkpoint);
      record = { ...base, config: job.config, checkpoint, artifacts: [checkpoint], info: out.info ?? {}, seconds: now() - started, finishedAt: new Date().toISOString(), backend: environment.backend, versions: environment.versions };
    } else if (job.kind === 'restore') {
      const checkpoint = job.needs ? store.resolve(String(records.get(job.needs)?.checkpoint)) : job.config.checkpoint;
      if (!existsSync(checkpoint)) throw new RdbmError(`checkpoint not found: ${checkpoint} (needed by restore job ${job.key})`);
      const outDir = restoredDir(store.dir, job.key);
      mkdirSync(outDir, { recursive: true });
      const out = await options.executors.restore({ ...ctx, job, dataRoot: await dataRoot(job.config), checkpoint, outDir });
      record = { ...base, config: job.config, outputDir: store.relativize(outDir), images: out.images, artifacts: [store.relativize(outDir)], info: out.info ?? {}, seconds: now() - started, finishedAt: new Date().toISOString(), backend: environment.backend, versions: environment.versions };
    } else {
      const restore = records.get(job.needs!);
      if (!restore) throw new RdbmError(`internal: restore job ${job.needs} has no record`);
      const out = await options.executors.evaluate({ ...ctx, job, dataRoot: await dataRoot(job.config), restoredDir: store.resolve(String(restore.outputDir)) });
      const trainKey = restore.spec.after;
      let trainRecord = typeof trainKey === 'string' ? records.get(trainKey) : undefined;
      if (!trainRecord && typeof trainKey === 'string') {
        const s = store.read({ kind: 'train', key: trainKey });
        if (s.state === 'done') trainRecord = s.record;
      }
      const run: RunRecord = {
        ...base,
        kind: 'evaluate',
        config: job.config,
        points: job.points,
        jobs: { ...(typeof trainKey === 'string' ? { train: trainKey } : {}), restore: restore.key, evaluate: job.key },
        metrics: summarizeScores(job.config.metric, out.images),
        timings: { train: trainRecord ? trainRecord.seconds : null, restore: restore.seconds, evaluate: now() - started },
        info: out.info ?? {},
        artifacts: [],
        seconds: now() - started,
        finishedAt: new Date().toISOString(),
        backend: environment.backend,
        versions: environment.versions,
      };
      record = run;
    }
    store.write(record);
    records.set(job.key, record);
    ran[job.kind]++;
    progress?.tick(1, `${job.kind} ${job.key.slice(0, 8)} (${job.points[0]}${job.points.length > 1 ? ` +${job.points.length - 1}` : ''})`);
  }
  progress?.done();
  const runs = statuses.filter((s) => s.job.kind === 'evaluate' && records.has(s.job.key)).map((s) => records.get(s.job.key) as RunRecord);
  return { plan, ...(options.shard ? { shard: options.shard } : {}), jobs: statuses, ran, cached, redone, runs };
}
