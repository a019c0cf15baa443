import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planExperiments, runExperiment } from '../../src/experiments/api.js';
import { newLease } from '../../src/experiments/lease.js';
import { folderStatus, observeFolder, statusText } from '../../src/experiments/status.js';
import { leasePath } from '../../src/experiments/layout.js';
import { thisProcess } from '../../src/util/owner.js';
import { fakeExecutors } from './fakes.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-status-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('results status', () => {
  it('shows each job done, running (by whom, since when), failed (its error) or pending (what it waits for), and the progress', async () => {
    const dir = join(root, 'r');
    const plan = planExperiments('nfe', { scale: 'smoke' });
    // train, restore, evaluate finish; the second restore fails
    await expect(runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors({ calls: [] }, { failAt: 4 }), worker: 'slurm job 3_0' })).rejects.toThrow(/killed at job 4/);
    const restores = plan.jobs.filter((j) => j.kind === 'restore');
    const evaluates = plan.jobs.filter((j) => j.kind === 'evaluate');
    // a worker on another host runs the third restore; a worker on this host died running the fourth
    const t0 = Date.parse('2026-03-01T10:00:00Z');
    writeFileSync(leasePath(dir, restores[2].key), JSON.stringify(newLease(restores[2], new Date(t0), 'slurm job 3_1', { host: 'node-2', pid: 77 })));
    writeFileSync(leasePath(dir, restores[3].key), JSON.stringify(newLease(restores[3], new Date(t0), undefined, { ...thisProcess(), pid: 2 ** 22 + 1 })));
    const status = folderStatus(observeFolder(dir), t0 + 30_000);
    expect(status.summary).toEqual({ total: 11, done: 3, running: 2, failed: 1, pending: 5 });
    expect(status.sweeps).toEqual(['nfe at scale smoke']);
    const byKey = new Map(status.jobs.map((j) => [j.key, j]));
    expect(byKey.get(restores[1].key)).toMatchObject({ state: 'failed', error: `killed at job 4 (restore ${restores[1].key})`, by: `${thisProcess().host} pid ${process.pid} (slurm job 3_0)` });
    expect(byKey.get(restores[2].key)).toEqual({ kind: 'restore', key: restores[2].key, points: restores[2].points, state: 'running', by: 'node-2 pid 77 (slurm job 3_1)', since: '2026-03-01T10:00:00.000Z', heartbeatAgeSeconds: 30 });
    expect(byKey.get(restores[3].key)).toMatchObject({ state: 'running', stale: `its holder ${thisProcess().host} pid ${2 ** 22 + 1} is gone` });
    expect(byKey.get(evaluates[1].key)).toMatchObject({ state: 'pending', waitingFor: `restore ${restores[1].key}` });
    expect(byKey.get(restores[4].key)).toEqual({ kind: 'restore', key: restores[4].key, points: restores[4].points, state: 'pending' });

    const text = statusText(status);
    expect(text.split('\n')[0]).toBe(`${dir}: 11 jobs of nfe at scale smoke`);
    expect(text).toContain(`  running  restore   ${restores[2].key.slice(0, 8)}  nfe:nfe=20    by node-2 pid 77 (slurm job 3_1) since 2026-03-01T10:00:00.000Z, heartbeat 30 s ago\n`);
    expect(text).toMatch(new RegExp(`  failed   restore   ${restores[1].key.slice(0, 8)}  nfe:nfe=10    killed at job 4 \\(restore ${restores[1].key}\\) \\(.* pid ${process.pid} \\(slurm job 3_0\\), 20\\d\\d-`));
    expect(text).toContain(`  pending  evaluate  ${evaluates[1].key.slice(0, 8)}  nfe:nfe=10    waiting for restore ${restores[1].key.slice(0, 8)}\n`);
    expect(text).toContain(`heartbeat 30 s ago; stale (its holder ${thisProcess().host} pid ${2 ** 22 + 1} is gone): the next worker takes it over\n`);
    expect(text.endsWith('progress: 3 of 11 done (27%), 2 running, 1 failed, 5 pending\n')).toBe(true);
  });

  it('says when no sweep was started on a folder, and refuses a folder that does not exist', () => {
    const empty = join(root, 'empty');
    writeFileSync(join(root, 'not-a-folder'), '');
    rmSync(empty, { recursive: true, force: true });
    expect(() => observeFolder(empty)).toThrow(`results folder not found: ${empty} (expected the --results folder of a sweep)`);
    const fresh = mkdtempSync(join(root, 'fresh-'));
    expect(statusText(folderStatus(observeFolder(fresh), Date.now()))).toBe(`${fresh}: no sweep has been started on this folder (no plans/ recorded)\n`);
  });
});
