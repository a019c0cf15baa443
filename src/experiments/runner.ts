/**
 * The runner: executes a plan (or one shard of it) against a results folder. Each finished job is
 * recorded atomically before the next starts, so a killed sweep resumes where it stopped: finished
 * jobs are skipped, damaged records are reported and redone, and a job whose downstream results all
 * exist is not run at all. Workers sharing a folder claim jobs with leases (lease.ts), so each job runs once.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Io } from '../util/io.js';
import { RdbmError } from '../errors.js';
import { createProgress } from '../util/progress.js';
import type { RunConfig, RunStage } from './config.js';
import type { Environment, Executors } from './executors.js';
import type { Job, Plan } from './plan.js';
import { type Shard, shardJobs } from './shard.js';
import { type RunMetrics, summarizeScores } from './scores.js';
import { checkpointDir, datasetsDir, leasePath, restoredDir } from './layout.js';
import { type JobRecord, type RecordStatus, RESULTS_SCHEMA, type ResultsStore, openResults } from './store.js';
import { type Heartbeat, startHeartbeat } from './heartbeat.js';
import { DEFAULT_LEASE_TIMING, type LeaseTiming, acquireLease, holderName, holdsLease, newLease, releaseLease } from './lease.js';
import { clearFailure, recordFailure, recordPlan } from './worklog.js';

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
  /** lease timing (lease.ts) and how often a waiting worker looks again (default DEFAULT_POLL_SECONDS); tests shorten them */
  readonly leases?: Partial<LeaseTiming> & { readonly pollSeconds?: number };
  /** who this worker is, written into its leases for `rdbm results status` (e.g. `slurm job 812_3`) */
  readonly worker?: string;
}

/** A worker waiting for jobs another worker holds looks again every 2 s. */
export const DEFAULT_POLL_SECONDS = 2;

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
  /** jobs another worker on the same folder finished while this one ran, per kind */
  readonly byOthers: Record<RunStage, number>;
  /** stale leases this worker took over: `<kind> <key>: why` */
  readonly tookOver: readonly string[];
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
  // walk back from the unfinished jobs nothing depends on (the evaluations; the trainings of a --train-only plan):
  // a dependency runs only if it is unfinished and needed
  const dependedOn = new Set(jobs.flatMap((j) => (j.needs ? [j.needs] : [])));
  for (const j of jobs) {
    if (dependedOn.has(j.key) || status.get(j.key)!.state === 'done') continue;
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

interface JobContext {
  readonly options: RunnerOptions;
  readonly io: Pick<Io, 'err' | 'errIsTTY'>;
  readonly store: ResultsStore;
  readonly records: Map<string, JobRecord>;
  readonly dataRoot: (config: RunConfig) => Promise<string>;
  readonly environment: Environment;
  readonly signal: AbortSignal;
}

/** Runs one job through its executor and returns its record (not yet written). */
async function executeJob(job: Job, c: JobContext): Promise<JobRecord> {
  const { store, records, environment } = c;
  const ctx = { io: c.io, signal: c.signal };
  const started = now();
  const base = { schema: RESULTS_SCHEMA, kind: job.kind, key: job.key, spec: job.spec, points: job.points };
  const done = { seconds: 0, finishedAt: '', backend: environment.backend, versions: environment.versions };
  const finish = () => ({ ...done, seconds: now() - started, finishedAt: new Date().toISOString() });
  if (job.kind === 'train') {
    const outDir = checkpointDir(store.dir, job.key);
    mkdirSync(outDir, { recursive: true });
    const out = await c.options.executors.train({ ...ctx, job, dataRoot: await c.dataRoot(job.config), outDir });
    const checkpoint = store.relativize(out.checkpoint);
    return { ...base, config: job.config, checkpoint, artifacts: [checkpoint], info: out.info ?? {}, ...finish() };
  }
  if (job.kind === 'restore') {
    const checkpoint = job.needs ? store.resolve(String(records.get(job.needs)?.checkpoint)) : job.config.checkpoint;
    if (!existsSync(checkpoint)) throw new RdbmError(`checkpoint not found: ${checkpoint} (needed by restore job ${job.key})`);
    const outDir = restoredDir(store.dir, job.key);
    mkdirSync(outDir, { recursive: true });
    const out = await c.options.executors.restore({ ...ctx, job, dataRoot: await c.dataRoot(job.config), checkpoint, outDir });
    return { ...base, config: job.config, outputDir: store.relativize(outDir), images: out.images, artifacts: [store.relativize(outDir)], info: out.info ?? {}, ...finish() };
  }
  const restore = records.get(job.needs!);
  if (!restore) throw new RdbmError(`internal: restore job ${job.needs} has no record`);
  const out = await c.options.executors.evaluate({ ...ctx, job, dataRoot: await c.dataRoot(job.config), restoredDir: store.resolve(String(restore.outputDir)) });
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
    ...finish(),
  };
  return run;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Rejects when `signal` aborts; `pending`'s own later failure is then ignored (the process is about to exit). */
function abortion(signal: AbortSignal, pending: Promise<unknown>): Promise<never> {
  return new Promise((_, reject) => {
    const stop = () => {
      pending.catch(() => {});
      reject(new RdbmError('sweep aborted (finished jobs are saved; rerun to resume)'));
    };
    if (signal.aborted) stop();
    else {
      signal.addEventListener('abort', stop, { once: true });
      pending.then(() => signal.removeEventListener('abort', stop), () => signal.removeEventListener('abort', stop));
    }
  });
}

const describeJob = (job: Job) => `${job.kind} ${job.key.slice(0, 8)} (${job.points[0]}${job.points.length > 1 ? ` +${job.points.length - 1}` : ''})`;

/**
 * Executes the plan (or a shard); returns what ran, what was cached and the finished run records.
 *
 * Several workers may run on one results folder at once (identical sweeps, shards, array tasks): each job
 * is claimed with a lease (lease.ts) before it runs, so it runs once; a job held by another worker is
 * skipped and revisited every `pollSeconds`, and a job whose input another worker is running waits for it.
 * A worker returns once every job of its shard is finished, by itself or by others.
 */
export async function runPlan(plan: Plan, options: RunnerOptions): Promise<SweepReport> {
  const io = options.io ?? quiet;
  const timing = { ...DEFAULT_LEASE_TIMING, ...options.leases };
  const pollMs = (options.leases?.pollSeconds ?? DEFAULT_POLL_SECONDS) * 1000;
  const store = openResults(options.resultsDir, { create: true });
  recordPlan(store.dir, plan);
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
  const byOthers: Record<RunStage, number> = { train: 0, restore: 0, evaluate: 0 };
  const tookOver: string[] = [];
  for (const s of statuses) if (s.status.state === 'done') cached[s.job.kind]++;
  const pending = new Map(statuses.filter((s) => s.toRun).map((s) => [s.job.key, s.job]));
  const records = new Map<string, JobRecord>();
  for (const s of statuses) if (s.status.state === 'done') records.set(s.job.key, s.status.record);

  let environment: Environment | undefined;
  const dataRoots = new Map<string, string>();
  const dataRoot = async (config: RunConfig): Promise<string> => {
    const id = `${config.dataset}\u0000${config.datasetSize}`;
    if (!dataRoots.has(id)) dataRoots.set(id, await options.executors.prepareData(config, datasetsDir(store.dir), { io, signal: options.signal }));
    return dataRoots.get(id)!;
  };

  // the job this worker runs now, stopped when its lease turns out to be another worker's
  let running: { path: string; controller: AbortController; lost?: boolean } | undefined;
  let heartbeat: Heartbeat | undefined;
  const progress = pending.size ? createProgress(io, 'sweep', pending.size, 'jobs') : undefined;
  let waitingSaid = '';
  try {
    while (pending.size) {
      if (options.signal?.aborted) throw new RdbmError('sweep aborted (finished jobs are saved; rerun to resume)');
      let progressed = false;
      const held: string[] = [];
      for (const job of pending.values()) {
        const state = store.read(job);
        if (state.state === 'done') {
          // finished by another worker since we looked
          records.set(job.key, state.record);
          pending.delete(job.key);
          byOthers[job.kind]++;
          progress?.tick(1, `${describeJob(job)} finished by another worker`);
          progressed = true;
          continue;
        }
        // its input is not finished yet: this worker runs it first (it comes earlier), or another worker does
        if (job.needs && !records.has(job.needs)) continue;
        const path = leasePath(store.dir, job.key);
        const claim = acquireLease(path, newLease(job, new Date(), options.worker), timing);
        if (!claim.acquired) {
          if (claim.holder.state === 'held') held.push(`${describeJob(job)} by ${holderName(claim.holder.lease)}`);
          continue;
        }
        if (claim.tookOver) {
          tookOver.push(`${job.kind} ${job.key}: ${claim.tookOver}`);
          io.err(`rdbm: taking over ${describeJob(job)}: ${claim.tookOver}\n`);
        }
        // claimed: check once more that nobody finished it between our look and our claim
        const again = store.read(job);
        if (again.state === 'done') {
          releaseLease(path, claim.lease.token);
          records.set(job.key, again.record);
          pending.delete(job.key);
          byOthers[job.kind]++;
          progress?.tick(1, `${describeJob(job)} finished by another worker`);
          progressed = true;
          break;
        }
        environment ??= await options.executors.environment();
        heartbeat ??= startHeartbeat(timing.heartbeatSeconds, (lost) => {
          if (running?.path === lost) {
            running.lost = true;
            running.controller.abort(new RdbmError(`lease on ${lost} taken over by another worker`));
          }
        });
        const controller = new AbortController();
        running = { path, controller };
        heartbeat.hold(path, claim.lease.token);
        const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
        let record: JobRecord | undefined;
        try {
          const execution = executeJob(job, { options, io, store, records, dataRoot, environment, signal });
          // stopped from outside (SIGTERM from scancel or a pod's deletion): give the lease back now, not when the
          // executor gets round to looking at its signal (data generation does not); the caller then exits
          record = options.signal ? await Promise.race([execution, abortion(options.signal, execution)]) : await execution;
        } catch (error) {
          if (!running.lost) {
            await heartbeat.drop(path);
            if (!options.signal?.aborted) {
              recordFailure(store.dir, { kind: job.kind, key: job.key, error: String((error as Error)?.message ?? error).split('\n')[0], by: holderName(claim.lease), at: new Date().toISOString() });
            }
            releaseLease(path, claim.lease.token);
            throw error;
          }
        }
        await heartbeat.drop(path);
        // write only while the lease is ours: a worker that lost it leaves the job to the one that took it over
        if (running.lost || !holdsLease(path, claim.lease.token) || !record) {
          io.err(`rdbm: ${describeJob(job)} was taken over by another worker (this one missed its heartbeats); leaving it to that worker\n`);
          running = undefined;
          progressed = true;
          break;
        }
        store.write(record);
        clearFailure(store.dir, job.key);
        releaseLease(path, claim.lease.token);
        running = undefined;
        records.set(job.key, record);
        pending.delete(job.key);
        ran[job.kind]++;
        progress?.tick(1, describeJob(job));
        progressed = true;
        // start over from the first pending job, so jobs keep their order (a group's train before its restores)
        break;
      }
      if (!progressed && pending.size) {
        const said = held.length ? `rdbm: waiting for ${held.length} job${held.length > 1 ? 's' : ''} another worker runs: ${held.slice(0, 3).join('; ')}${held.length > 3 ? '; …' : ''}\n` : '';
        if (said && said !== waitingSaid) io.err(said);
        waitingSaid = said;
        await sleep(pollMs, options.signal);
      }
    }
  } finally {
    await heartbeat?.stop();
  }
  progress?.done();
  const runs = statuses.filter((s) => s.job.kind === 'evaluate' && records.has(s.job.key)).map((s) => records.get(s.job.key) as RunRecord);
  return { plan, ...(options.shard ? { shard: options.shard } : {}), jobs: statuses, ran, cached, byOthers, tookOver, redone, runs };
}
