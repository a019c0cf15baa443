/**
 * `rdbm results status`: every job of the sweeps started on a results folder (their plans are recorded in
 * plans/) as done, running (by whom, since when), failed (its one-line error) or pending, with a progress
 * summary. `observeFolder` reads the folder (the only part touching files); `folderStatus` and
 * `statusText` are pure.
 */
import { existsSync } from 'node:fs';
import { RdbmError } from '../errors.js';
import { processAlive, thisProcess } from '../util/owner.js';
import { DEFAULT_LEASE_TIMING, type LeaseRead, type LeaseTiming, holderName, judgeLease, readLease } from './lease.js';
import { leasePath } from './layout.js';
import { type RecordStatus, openResults } from './store.js';
import { type JobFailure, type PlanFile, type PlannedJob, readFailure, readPlans } from './worklog.js';

export interface JobObservation {
  readonly job: PlannedJob;
  readonly record: RecordStatus;
  readonly lease: LeaseRead;
  /** what this process can tell of the lease's holder (processAlive) */
  readonly holderAlive?: boolean;
  readonly failure?: JobFailure;
}

export interface FolderObservation {
  readonly dir: string;
  readonly plans: readonly Pick<PlanFile, 'experiments' | 'scale'>[];
  readonly jobs: readonly JobObservation[];
}

export type JobState =
  | { readonly state: 'done'; readonly finishedAt: string; readonly seconds: number }
  | { readonly state: 'running'; readonly by: string; readonly since: string; readonly heartbeatAgeSeconds: number; readonly stale?: string }
  | { readonly state: 'failed'; readonly error: string; readonly by: string; readonly at: string }
  | { readonly state: 'pending'; readonly waitingFor?: string; readonly damaged?: string };

export type JobStatusLine = Pick<PlannedJob, 'kind' | 'key' | 'points'> & JobState;

export interface FolderStatus {
  readonly dir: string;
  readonly sweeps: readonly string[];
  readonly jobs: readonly JobStatusLine[];
  readonly summary: { readonly total: number; readonly done: number; readonly running: number; readonly failed: number; readonly pending: number };
}

/** Reads plans, records, leases and failures of a results folder. */
export function observeFolder(dir: string): FolderObservation {
  if (!existsSync(dir)) throw new RdbmError(`results folder not found: ${dir} (expected the --results folder of a sweep)`);
  const store = openResults(dir);
  const plans = readPlans(dir);
  const here = thisProcess();
  const seen = new Map<string, PlannedJob>();
  for (const plan of plans) for (const job of plan.jobs) if (!seen.has(job.key)) seen.set(job.key, job);
  const jobs = [...seen.values()].map((job): JobObservation => {
    const lease = readLease(leasePath(dir, job.key));
    const failure = readFailure(dir, job.key);
    const holderAlive = lease.state === 'held' ? processAlive(lease.lease.holder, here) : undefined;
    return { job, record: store.read(job), lease, ...(holderAlive !== undefined ? { holderAlive } : {}), ...(failure ? { failure } : {}) };
  });
  return { dir, plans: plans.map((p) => ({ experiments: p.experiments, scale: p.scale })), jobs };
}

/** Each job's state at `nowMs`. A live lease wins over an older failure (the job is being retried). */
export function folderStatus(observed: FolderObservation, nowMs: number, timing: LeaseTiming = DEFAULT_LEASE_TIMING): FolderStatus {
  const done = new Set(observed.jobs.filter((j) => j.record.state === 'done').map((j) => j.job.key));
  const byKey = new Map(observed.jobs.map((j) => [j.job.key, j.job]));
  const jobs = observed.jobs.map((o): JobStatusLine => {
    const id = { kind: o.job.kind, key: o.job.key, points: o.job.points };
    if (o.record.state === 'done') return { ...id, state: 'done', finishedAt: o.record.record.finishedAt, seconds: o.record.record.seconds };
    if (o.lease.state === 'held') {
      const verdict = judgeLease(o.lease, nowMs, timing, o.holderAlive);
      return {
        ...id,
        state: 'running',
        by: holderName(o.lease.lease),
        since: o.lease.lease.startedAt,
        heartbeatAgeSeconds: Math.max(0, (nowMs - Date.parse(o.lease.lease.heartbeat)) / 1000),
        ...(verdict.stale ? { stale: verdict.reason } : {}),
      };
    }
    if (o.failure) return { ...id, state: 'failed', error: o.failure.error, by: o.failure.by, at: o.failure.at };
    const needs = o.job.needs && !done.has(o.job.needs) ? byKey.get(o.job.needs) : undefined;
    return { ...id, state: 'pending', ...(needs ? { waitingFor: `${needs.kind} ${needs.key}` } : {}), ...(o.record.state === 'corrupt' ? { damaged: o.record.reason } : {}) };
  });
  const count = (state: JobState['state']) => jobs.filter((j) => j.state === state).length;
  return {
    dir: observed.dir,
    sweeps: [...new Set(observed.plans.map((p) => `${p.experiments.join(', ')} at scale ${p.scale}`))],
    jobs,
    summary: { total: jobs.length, done: count('done'), running: count('running'), failed: count('failed'), pending: count('pending') },
  };
}

function ago(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : seconds < 5400 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
}

/** The status as text: one line per job, then the progress summary. */
export function statusText(status: FolderStatus): string {
  if (status.jobs.length === 0) return `${status.dir}: no sweep has been started on this folder (no plans/ recorded)\n`;
  const s = status.summary;
  const rows = status.jobs.map((j) => {
    const point = `${j.points[0]}${j.points.length > 1 ? ` +${j.points.length - 1}` : ''}`;
    const detail =
      j.state === 'done' ? `finished ${j.finishedAt} (${ago(j.seconds)})`
      : j.state === 'running' ? `by ${j.by} since ${j.since}, heartbeat ${ago(j.heartbeatAgeSeconds)} ago${j.stale ? `; stale (${j.stale}): the next worker takes it over` : ''}`
      : j.state === 'failed' ? `${j.error} (${j.by}, ${j.at})`
      : [j.waitingFor ? `waiting for ${j.waitingFor.slice(0, j.waitingFor.indexOf(' ') + 9)}` : 'ready', j.damaged ? `damaged record: ${j.damaged}` : ''].filter(Boolean).join('; ');
    return [j.state, j.kind, j.key.slice(0, 8), point, detail];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length)));
  const percent = Math.floor((100 * s.done) / s.total);
  return [
    `${status.dir}: ${s.total} jobs of ${status.sweeps.join('; ')}`,
    ...rows.map((r) => `  ${r.map((v, i) => (i < 4 ? v.padEnd(widths[i]) : v)).join('  ')}`),
    `progress: ${s.done} of ${s.total} done (${percent}%), ${s.running} running, ${s.failed} failed, ${s.pending} pending`,
    '',
  ].join('\n');
}
