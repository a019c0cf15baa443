/**
 * Leases: how several workers (processes on one machine, Slurm array tasks, Kubernetes pods) share one
 * results folder without running a job twice. Before running a job a worker claims it by creating
 * `leases/<key>.json` atomically (writeFileExclusive: hard link of a complete file, so exactly one of
 * several workers wins and nobody reads it half written). The lease names its holder (host, pid, pid
 * namespace, process start), when the job started, and a heartbeat the holder refreshes every
 * `heartbeatSeconds` (by writing a new copy and renaming it over the lease). Another worker skips a held
 * job and comes back to it; it takes the job over only when the lease is stale:
 *   - its holder runs in the same pid space (same host name and pid namespace) and that process is gone, or
 *   - its holder runs elsewhere and the heartbeat is older than `staleSeconds`.
 * A stale lease is broken by renaming it to a unique name and checking that what was moved is still the
 * lease judged stale (else it is put back), so two workers breaking it at once never both win, and a
 * holder that refreshed in between keeps its lease. A holder that finds its lease gone or replaced at a
 * heartbeat stops the job and writes nothing (heartbeat.ts).
 *
 * What the shared filesystem must guarantee: rename(2) within a folder is atomic (a reader sees the old
 * or the new file, never a mix) and link(2) fails with EEXIST when the name exists (or, without hard
 * links, open(2) with O_CREAT | O_EXCL does); both hold on local filesystems, NFSv3/v4, Lustre, GPFS and
 * CephFS. The hosts' clocks must agree to well within `staleSeconds` (NTP), since a heartbeat written by
 * one host is aged by another's clock. A holder suspended for longer than `staleSeconds` (SIGSTOP, a hung
 * mount) can lose its job to another worker; it notices at its next heartbeat and stops.
 */
import { existsSync, linkSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic, writeFileExclusive } from '../util/fs.js';
import { type ProcessIdentity, processAlive, thisProcess } from '../util/owner.js';
import type { RunStage } from './config.js';

export const LEASE_SCHEMA = 1;

export interface LeaseTiming {
  /** seconds between heartbeats */
  readonly heartbeatSeconds: number;
  /** a lease held from another host (or pid namespace) whose heartbeat is older than this is taken over */
  readonly staleSeconds: number;
}

/** Heartbeat every 10 s; a holder elsewhere silent for 2 minutes is presumed dead. */
export const DEFAULT_LEASE_TIMING: LeaseTiming = Object.freeze({ heartbeatSeconds: 10, staleSeconds: 120 });

export interface Lease {
  readonly schema: number;
  readonly kind: RunStage;
  readonly key: string;
  /** unique per claim: a worker recognises its own lease by it */
  readonly token: string;
  readonly holder: ProcessIdentity;
  /** who the holder is for a reader, e.g. `slurm job 812_3` (optional) */
  readonly worker?: string;
  /** ISO time the job was claimed */
  readonly startedAt: string;
  /** ISO time of the last heartbeat */
  readonly heartbeat: string;
}

export type LeaseRead =
  | { readonly state: 'free' }
  | { readonly state: 'held'; readonly lease: Lease }
  /** not a lease we can parse (written by something else, or mid-create on a filesystem without hard links) */
  | { readonly state: 'unreadable'; readonly modifiedMs: number };

export type LeaseVerdict = { readonly stale: false } | { readonly stale: true; readonly reason: string };

/** A new lease on a job for this process. */
export function newLease(job: { kind: RunStage; key: string }, now: Date, worker?: string, holder: ProcessIdentity = thisProcess()): Lease {
  const at = now.toISOString();
  return { schema: LEASE_SCHEMA, kind: job.kind, key: job.key, token: randomBytes(12).toString('hex'), holder, ...(worker ? { worker } : {}), startedAt: at, heartbeat: at };
}

/** `host pid N` plus the worker label: how a lease's holder is named in messages. */
export function holderName(lease: Pick<Lease, 'holder' | 'worker'>): string {
  return `${lease.holder.host} pid ${lease.holder.pid}${lease.worker ? ` (${lease.worker})` : ''}`;
}

/**
 * Whether a lease is stale, seen at `nowMs`: `alive` is what this process can tell of the holder
 * (processAlive: false = gone, true = running, undefined = runs elsewhere, judge by the heartbeat).
 */
export function judgeLease(read: Exclude<LeaseRead, { state: 'free' }>, nowMs: number, timing: LeaseTiming, alive: boolean | undefined): LeaseVerdict {
  if (read.state === 'unreadable') {
    const age = (nowMs - read.modifiedMs) / 1000;
    return age > timing.staleSeconds ? { stale: true, reason: `unreadable lease untouched for ${Math.round(age)} s` } : { stale: false };
  }
  const lease = read.lease;
  if (alive === false) return { stale: true, reason: `its holder ${holderName(lease)} is gone` };
  if (alive === true) return { stale: false };
  const age = (nowMs - Date.parse(lease.heartbeat)) / 1000;
  if (!(age <= timing.staleSeconds)) return { stale: true, reason: `no heartbeat from ${holderName(lease)} for ${Math.round(age)} s (more than ${timing.staleSeconds} s)` };
  return { stale: false };
}

function isLease(value: unknown): value is Lease {
  const v = value as Lease;
  return v !== null && typeof v === 'object' && typeof v.token === 'string' && typeof v.key === 'string' && typeof v.heartbeat === 'string' && typeof v.holder?.host === 'string' && typeof v.holder?.pid === 'number';
}

export function readLease(path: string): LeaseRead {
  let text: string;
  let modifiedMs: number;
  try {
    modifiedMs = statSync(path).mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'free' };
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isLease(value) ? { state: 'held', lease: value } : { state: 'unreadable', modifiedMs };
  } catch {
    return { state: 'unreadable', modifiedMs };
  }
}

function sameRead(a: LeaseRead, b: LeaseRead): boolean {
  if (a.state === 'held' && b.state === 'held') return a.lease.token === b.lease.token && a.lease.heartbeat === b.lease.heartbeat;
  if (a.state === 'unreadable' && b.state === 'unreadable') return a.modifiedMs === b.modifiedMs;
  return false;
}

/**
 * Removes a lease judged stale as `seen`, unless it changed since: moved aside under a unique name first,
 * so of two workers breaking it only one moves it, and a lease refreshed or claimed anew in between is put back.
 */
export function breakLease(path: string, seen: LeaseRead): boolean {
  const aside = join(dirname(path), `.${basename(path)}.broken-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = readLease(aside);
  if (sameRead(moved, seen)) {
    rmSync(aside, { force: true });
    return true;
  }
  try {
    linkSync(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(aside, { force: true });
  }
  return false;
}

export type Acquired = { readonly acquired: true; readonly lease: Lease; readonly tookOver?: string } | { readonly acquired: false; readonly holder: LeaseRead };

/**
 * Claims a job's lease: creates it when free, takes it over when stale, else reports who holds it. Reads
 * first, so a worker polling a held job writes nothing.
 */
export function acquireLease(path: string, lease: Lease, timing: LeaseTiming, nowMs: () => number = Date.now): Acquired {
  let tookOver: string | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    const read = readLease(path);
    if (read.state !== 'free') {
      const verdict = judgeLease(read, nowMs(), timing, read.state === 'held' ? processAlive(read.lease.holder, lease.holder) : undefined);
      if (!verdict.stale) return { acquired: false, holder: read };
      if (!breakLease(path, read)) continue;
      tookOver = verdict.reason;
    }
    if (writeFileExclusive(path, `${JSON.stringify(lease, null, 2)}\n`)) return { acquired: true, lease, ...(tookOver ? { tookOver } : {}) };
  }
  return { acquired: false, holder: readLease(path) };
}

/** Whether the lease at `path` is still the one with `token`. */
export function holdsLease(path: string, token: string): boolean {
  const read = readLease(path);
  return read.state === 'held' && read.lease.token === token;
}

/** Refreshes the heartbeat of our lease; false when it is no longer ours (taken over, or removed). */
export function refreshLease(path: string, token: string, now: Date): boolean {
  const read = readLease(path);
  if (read.state !== 'held' || read.lease.token !== token) return false;
  writeFileAtomic(path, `${JSON.stringify({ ...read.lease, heartbeat: now.toISOString() }, null, 2)}\n`);
  return true;
}

/** Gives our lease up (after the job's record is written, or when the job failed); leaves another's alone. */
export function releaseLease(path: string, token: string): void {
  if (existsSync(path) && holdsLease(path, token)) rmSync(path, { force: true });
}
