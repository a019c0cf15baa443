import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Lease, acquireLease, breakLease, holdsLease, judgeLease, newLease, readLease, refreshLease, releaseLease } from '../../src/experiments/lease.js';
import { thisProcess } from '../../src/util/owner.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-lease-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const dir = join(root, `l${n++}`);
  mkdirSync(dir);
  return join(dir, 'abc.json');
};
const timing = { heartbeatSeconds: 1, staleSeconds: 60 };
const job = { kind: 'train' as const, key: 'abc' };
const T0 = Date.parse('2026-01-01T00:00:00Z');
/** a pid that was just used and is gone */
const deadPid = () => spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
const elsewhere = { host: 'other-host', pid: 4242 };

describe('judgeLease', () => {
  const lease: Lease = newLease(job, new Date(T0), 'slurm job 7_1', elsewhere);
  const held = { state: 'held' as const, lease };
  it('a holder in this pid space is judged by its pid alone: gone → stale, running → live however old the heartbeat', () => {
    expect(judgeLease(held, T0 + 1000, timing, false)).toEqual({ stale: true, reason: 'its holder other-host pid 4242 (slurm job 7_1) is gone' });
    expect(judgeLease(held, T0 + 3600_000, timing, true)).toEqual({ stale: false });
  });
  it('a holder elsewhere is judged by its heartbeat: stale after staleSeconds, not before', () => {
    expect(judgeLease(held, T0 + 60_000, timing, undefined)).toEqual({ stale: false });
    expect(judgeLease(held, T0 + 61_000, timing, undefined)).toEqual({ stale: true, reason: 'no heartbeat from other-host pid 4242 (slurm job 7_1) for 61 s (more than 60 s)' });
  });
  it('an unreadable lease is left alone until it has not been touched for staleSeconds', () => {
    expect(judgeLease({ state: 'unreadable', modifiedMs: T0 }, T0 + 59_000, timing, undefined)).toEqual({ stale: false });
    expect(judgeLease({ state: 'unreadable', modifiedMs: T0 }, T0 + 61_000, timing, undefined).stale).toBe(true);
  });
});

describe('lease files', () => {
  it('of two claims on a free job exactly one wins; the loser is told who holds it', () => {
    const path = fresh();
    const a = acquireLease(path, newLease(job, new Date()), timing);
    const b = acquireLease(path, newLease(job, new Date()), timing);
    expect(a.acquired).toBe(true);
    expect(b).toMatchObject({ acquired: false, holder: { state: 'held', lease: { token: a.acquired ? a.lease.token : '' } } });
    const read = readLease(path);
    expect(read.state === 'held' && read.lease.holder).toEqual(thisProcess());
    // no temporary files left beside it
    expect(readdirSync(join(path, '..'))).toEqual(['abc.json']);
  });

  it('refresh moves the heartbeat of our own lease only; release removes our own lease only', () => {
    const path = fresh();
    const mine = newLease(job, new Date(T0));
    expect(acquireLease(path, mine, { ...timing, staleSeconds: 1e9 }).acquired).toBe(true);
    expect(refreshLease(path, mine.token, new Date(T0 + 5000))).toBe(true);
    const read = readLease(path);
    expect(read.state === 'held' && read.lease.heartbeat).toBe(new Date(T0 + 5000).toISOString());
    expect(read.state === 'held' && read.lease.startedAt).toBe(new Date(T0).toISOString());
    expect(refreshLease(path, 'not-mine', new Date())).toBe(false);
    releaseLease(path, 'not-mine');
    expect(holdsLease(path, mine.token)).toBe(true);
    releaseLease(path, mine.token);
    expect(existsSync(path)).toBe(false);
    expect(refreshLease(path, mine.token, new Date())).toBe(false);
  });

  it('takes over the lease of a holder on this host whose pid is gone, at once', () => {
    const path = fresh();
    const dead = newLease(job, new Date(), undefined, { ...thisProcess(), pid: Number(deadPid()) });
    writeFileSync(path, JSON.stringify(dead));
    const got = acquireLease(path, newLease(job, new Date()), timing);
    expect(got).toMatchObject({ acquired: true, tookOver: `its holder ${thisProcess().host} pid ${dead.holder.pid} is gone` });
  });

  it('a reused pid (another process start time) does not keep a dead holder alive', () => {
    const path = fresh();
    const me = thisProcess();
    if (me.pidStart === undefined) return; // not Linux: no start times to compare
    writeFileSync(path, JSON.stringify(newLease(job, new Date(), undefined, { ...me, pidStart: me.pidStart - 1 })));
    expect(acquireLease(path, newLease(job, new Date()), timing).acquired).toBe(true);
  });

  it('waits for a holder elsewhere while its heartbeat is fresh, and takes over once it is older than staleSeconds', () => {
    const path = fresh();
    const other = newLease(job, new Date(T0), undefined, elsewhere);
    writeFileSync(path, JSON.stringify(other));
    expect(acquireLease(path, newLease(job, new Date()), timing, () => T0 + 30_000)).toMatchObject({ acquired: false });
    expect(readLease(path)).toEqual({ state: 'held', lease: other });
    const got = acquireLease(path, newLease(job, new Date()), timing, () => T0 + 61_000);
    expect(got).toMatchObject({ acquired: true, tookOver: 'no heartbeat from other-host pid 4242 for 61 s (more than 60 s)' });
  });

  it('a live holder in this process keeps its lease', () => {
    const path = fresh();
    expect(acquireLease(path, newLease(job, new Date(T0)), timing).acquired).toBe(true);
    // long past staleSeconds by the clock, but the holder (this process) is running
    expect(acquireLease(path, newLease(job, new Date()), timing, () => T0 + 1e9).acquired).toBe(false);
  });

  it('breaking puts back a lease that changed since it was judged stale (refreshed, or claimed anew)', () => {
    const path = fresh();
    const old = newLease(job, new Date(T0), undefined, elsewhere);
    writeFileSync(path, JSON.stringify(old));
    const seen = readLease(path);
    // the holder refreshes between our look and our break
    writeFileSync(path, JSON.stringify({ ...old, heartbeat: new Date(T0 + 1000).toISOString() }));
    expect(breakLease(path, seen)).toBe(false);
    expect(readLease(path)).toMatchObject({ state: 'held', lease: { token: old.token, heartbeat: new Date(T0 + 1000).toISOString() } });
    expect(readdirSync(join(path, '..'))).toEqual(['abc.json']);
    // unchanged: removed
    expect(breakLease(path, readLease(path))).toBe(true);
    expect(existsSync(path)).toBe(false);
  });

  it('an unreadable lease file is not broken while fresh, and is once it is old', () => {
    const path = fresh();
    writeFileSync(path, '');
    expect(acquireLease(path, newLease(job, new Date()), timing).acquired).toBe(false);
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(path, old, old);
    expect(acquireLease(path, newLease(job, new Date()), timing)).toMatchObject({ acquired: true });
    expect(JSON.parse(readFileSync(path, 'utf8')).key).toBe('abc');
  });
});
