/** Several workers on one results folder (runner.ts with lease.ts): each job runs once, stale claims are taken over. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planExperiments, runExperiment } from '../../src/experiments/api.js';
import { countJobs } from '../../src/experiments/plan.js';
import { newLease } from '../../src/experiments/lease.js';
import { leasePath } from '../../src/experiments/layout.js';
import { thisProcess } from '../../src/util/owner.js';
import { type FakeLog, capture, fakeExecutors } from './fakes.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-workers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = () => join(root, `r${counter++}`);
const jobCalls = (log: FakeLog) => log.calls.filter((c) => c.kind !== 'data');
const fast = { heartbeatSeconds: 0.05, staleSeconds: 0.4, pollSeconds: 0.02 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const leftovers = (dir: string) => ['leases', 'failures'].flatMap((d) => (existsSync(join(dir, d)) ? readdirSync(join(dir, d)) : []));

describe('workers sharing a results folder', () => {
  it('two identical sweeps started at once run each job exactly once; both return every run', async () => {
    const dir = fresh();
    const plan = planExperiments('nfe', { scale: 'smoke' });
    const a: FakeLog = { calls: [] };
    const b: FakeLog = { calls: [] };
    const delay = (kind: string) => (kind === 'train' ? 300 : 40);
    const [ra, rb] = await Promise.all([
      runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(a, { delayMs: delay }), leases: fast, worker: 'a' }),
      runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(b, { delayMs: delay }), leases: fast, worker: 'b' }),
    ]);
    const all = [...jobCalls(a), ...jobCalls(b)];
    // every job once, none twice
    expect(all.map((c) => c.key).sort()).toEqual(plan.jobs.map((j) => j.key).sort());
    expect(countJobs(all as never)).toEqual({ train: 1, restore: 5, evaluate: 5 });
    // both did some of the work (the one without the training waited for it, then shared the restorations)
    expect(jobCalls(a).length).toBeGreaterThan(0);
    expect(jobCalls(b).length).toBeGreaterThan(0);
    for (const [mine, theirs] of [[ra, rb], [rb, ra]]) {
      expect(mine.byOthers).toEqual(theirs.ran);
      expect(mine.runs.map((r) => r.key).sort()).toEqual(plan.points.map((p) => p.keys.evaluate).sort());
    }
    expect(ra.runs.map((r) => r.metrics.overall.meanOfTasks.psnr).sort()).toEqual(rb.runs.map((r) => r.metrics.overall.meanOfTasks.psnr).sort());
    expect(leftovers(dir)).toEqual([]);
    expect(readdirSync(join(dir, 'plans'))).toHaveLength(1);
  });

  it('waits for a job another host holds while its heartbeat is fresh, and takes it over once it has none for staleSeconds', async () => {
    const dir = fresh();
    const plan = planExperiments('lambda', { scale: 'smoke' });
    const held = plan.jobs.find((j) => j.kind === 'train')!;
    const path = leasePath(dir, held.key);
    mkdirSync(join(dir, 'leases'), { recursive: true });
    const other = newLease(held, new Date(), 'slurm job 9_0', { host: 'node-17', pid: 999 });
    writeFileSync(path, JSON.stringify(other));
    // the other host keeps its heartbeat for a while, then dies
    let beating = true;
    const beat = (async () => {
      while (beating) {
        writeFileSync(path, JSON.stringify({ ...other, heartbeat: new Date().toISOString() }));
        await sleep(50);
      }
    })();
    const log: FakeLog = { calls: [] };
    const c = capture();
    const run = runExperiment('lambda', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(log), io: c.io, leases: fast });
    await sleep(600);
    // meanwhile it ran the two other training groups, not the held one nor what needs it
    const blocked = new Set(plan.jobs.filter((j) => j.group === held.group).map((j) => j.key));
    expect(jobCalls(log).filter((x) => blocked.has(x.key))).toEqual([]);
    expect(jobCalls(log).filter((x) => x.kind === 'train')).toHaveLength(2);
    expect(c.err()).toContain(`waiting for 1 job another worker runs: train ${held.key.slice(0, 8)}`);
    expect(c.err()).toContain('by node-17 pid 999 (slurm job 9_0)');
    beating = false;
    await beat;
    const report = await run;
    expect(report.tookOver).toHaveLength(1);
    expect(report.tookOver[0]).toMatch(new RegExp(`^train ${held.key}: no heartbeat from node-17 pid 999 \\(slurm job 9_0\\) for \\d s \\(more than 0.4 s\\)$`));
    expect(c.err()).toMatch(/rdbm: taking over train .* no heartbeat from node-17/);
    expect(countJobs(jobCalls(log) as never)).toEqual({ train: 3, restore: 3, evaluate: 3 });
    expect(leftovers(dir)).toEqual([]);
  });

  it('takes over at once a job whose holder on this host is gone (a worker killed mid-job)', async () => {
    const dir = fresh();
    const plan = planExperiments('nfe', { scale: 'smoke' });
    const train = plan.jobs.find((j) => j.kind === 'train')!;
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    mkdirSync(join(dir, 'leases'), { recursive: true });
    writeFileSync(leasePath(dir, train.key), JSON.stringify(newLease(train, new Date(), undefined, { ...thisProcess(), pid: dead })));
    const log: FakeLog = { calls: [] };
    // default timing: a heartbeat would take 2 minutes to go stale; the dead pid is enough
    const started = performance.now();
    const report = await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(log) });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(report.tookOver).toEqual([`train ${train.key}: its holder ${thisProcess().host} pid ${dead} is gone`]);
    expect(report.ran).toEqual({ train: 1, restore: 5, evaluate: 5 });
    expect(leftovers(dir)).toEqual([]);
  });

  it('a worker whose lease was taken over stops the job and writes nothing for it; the job is finished once', async () => {
    const dir = fresh();
    const plan = planExperiments('nfe', { scale: 'smoke' });
    const train = plan.jobs.find((j) => j.kind === 'train')!;
    const path = leasePath(dir, train.key);
    const log: FakeLog = { calls: [] };
    const c = capture();
    const run = runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(log, { delayMs: (k) => (k === 'train' ? 800 : 0) }), io: c.io, leases: fast });
    while (!existsSync(path)) await sleep(10);
    // another host takes the job over (as if this worker had missed its heartbeats), then dies without finishing
    const thief = newLease(train, new Date(), undefined, { host: 'node-3', pid: 1 });
    writeFileSync(path, JSON.stringify(thief));
    const report = await run;
    expect(c.err()).toContain(`rdbm: train ${train.key.slice(0, 8)} (nfe:nfe=2 +4) was taken over by another worker (this one missed its heartbeats); leaving it to that worker`);
    // the aborted attempt left no record; the job ran to completion once, after the thief's lease went stale
    expect(report.tookOver).toEqual([expect.stringMatching(/^train [0-9a-f]{16}: no heartbeat from node-3 pid 1 /)]);
    expect(jobCalls(log).filter((x) => x.kind === 'train')).toHaveLength(1);
    expect(report.ran).toEqual({ train: 1, restore: 5, evaluate: 5 });
    expect(leftovers(dir)).toEqual([]);
  });

  it('a failing job leaves its one-line error in failures/ and no lease; the next run that finishes it clears the failure', async () => {
    const dir = fresh();
    const plan = planExperiments('nfe', { scale: 'smoke' });
    await expect(runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors({ calls: [] }, { failAt: 2 }), worker: 'slurm job 5_1' })).rejects.toThrow(/killed at job 2/);
    const restore = plan.jobs.find((j) => j.kind === 'restore')!;
    expect(readdirSync(join(dir, 'leases'))).toEqual([]);
    const failure = JSON.parse(readFileSync(join(dir, 'failures', `${restore.key}.json`), 'utf8'));
    expect(failure).toMatchObject({ kind: 'restore', key: restore.key, error: `killed at job 2 (restore ${restore.key})`, by: `${thisProcess().host} pid ${process.pid} (slurm job 5_1)` });
    await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors({ calls: [] }) });
    expect(leftovers(dir)).toEqual([]);
  });
});
