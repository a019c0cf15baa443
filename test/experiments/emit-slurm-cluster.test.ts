/**
 * `rdbm sweep --emit slurm` against a real Slurm: the single-node cluster of scripts/slurm/start-local.sh
 * (.ci/run starts it; under CI=true a missing cluster fails this test instead of skipping it). A smoke sweep
 * (lambda: 3 training groups, 9 jobs) is emitted, submitted with `sbatch --wait`, and must leave nothing to run
 * and the scores of a single-process run; then one array task is cancelled mid-run (scancel) and the array
 * resubmitted: what had finished is not redone.
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/requirements.js';

const bin = new URL('../../bin/rdbm.js', import.meta.url).pathname;
const SWEEP = ['sweep', 'lambda', '--scale', 'smoke'];
const root = mkdtempSync(join(tmpdir(), 'rdbm-slurm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function sh(cmd: string, args: readonly string[], cwd = root): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 240_000 });
}
const rdbm = (args: readonly string[], cwd = root) => sh(process.execPath, [bin, ...args], cwd);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why the cluster cannot be used, or undefined. */
function clusterMissing(): string | undefined {
  const version = spawnSync('sbatch', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return `sbatch not usable (${version.error ? 'not found' : (version.stderr ?? '').trim().split('\n')[0]}; scripts/slurm/start-local.sh installs and starts a single-node Slurm)`;
  const ping = spawnSync('scontrol', ['ping'], { encoding: 'utf8', timeout: 10_000 });
  if (!/is UP/.test(ping.stdout ?? '')) return 'slurmctld does not answer (start it with scripts/slurm/start-local.sh)';
  const node = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' });
  if (!/idle|mixed|alloc/.test(node.stdout ?? '')) return `no Slurm node takes jobs (sinfo: ${(node.stdout ?? '').trim() || node.stderr})`;
  return undefined;
}

/** {evaluate key: [psnr, ssim]} of a results folder's finished runs. */
function scores(dir: string): Record<string, [number, number]> {
  const r = rdbm(['results', '--results', dir, '--json']);
  expect(r.status, r.stderr).toBe(0);
  const runs = JSON.parse(r.stdout).runs as { key: string; metrics: { overall: { meanOfTasks: { psnr: number; ssim: number } } } }[];
  return Object.fromEntries(runs.map((run) => [run.key, [run.metrics.overall.meanOfTasks.psnr, run.metrics.overall.meanOfTasks.ssim]]));
}

/** The emitted script, written into `dir` (its tasks run there and write their logs there). */
function emit(dir: string, results: string): string {
  mkdirSync(dir, { recursive: true });
  const r = rdbm([...SWEEP, '--results', results, '--emit', 'slurm'], dir);
  expect(r.status, r.stderr).toBe(0);
  const file = join(dir, 'sweep.sbatch');
  writeFileSync(file, r.stdout);
  return file;
}

function status(results: string): { summary: Record<string, number>; jobs: { key: string; state: string }[] } {
  const r = rdbm(['results', 'status', '--results', results, '--json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Waits until no job of `jobId` (array tasks included) is queued or running. */
async function drained(jobId: string, seconds: number): Promise<void> {
  for (let t = 0; t < seconds * 2; t++) {
    const q = sh('squeue', ['-h', '-j', jobId, '-o', '%i %T']);
    if (q.status === 0 && q.stdout.trim() === '') return;
    await sleep(500);
  }
  throw new Error(`Slurm job ${jobId} still queued after ${seconds} s`);
}

/** Every record file (jobs/, runs/) with its modification time and content. */
function records(results: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const sub of ['jobs', 'runs']) {
    const dir = join(results, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) out.set(`${sub}/${f}`, `${statSync(join(dir, f)).mtimeMs} ${readFileSync(join(dir, f), 'utf8')}`);
  }
  return out;
}

describe('rdbm sweep --emit slurm on a real Slurm', () => {
  let missing: string | undefined;
  let reference: Record<string, [number, number]> = {};
  beforeAll(() => {
    missing = clusterMissing();
    if (missing) return;
    // one process, one folder: the scores the array must reproduce
    const ref = rdbm([...SWEEP, '--results', join(root, 'reference')]);
    expect(ref.status, ref.stderr).toBe(0);
    reference = scores(join(root, 'reference'));
  }, 120_000);

  it('finishes the emitted array (sbatch --wait), leaving nothing to run and the scores of one process; the afterany report job runs', async (ctx) => {
    requireTool(ctx, missing, 'the real-Slurm test of --emit slurm');
    expect(Object.keys(reference)).toHaveLength(3);
    const work = join(root, 'array');
    const results = join(work, 'results');
    const script = emit(work, results);
    const submitted = sh('sbatch', ['--parsable', '--wait', script], work);
    expect(submitted.status, submitted.stderr).toBe(0);
    const jobId = submitted.stdout.trim().split(';')[0];
    // three tasks, one per training group, each its own log
    expect(readdirSync(work).filter((f) => f.startsWith(`rdbm-lambda-${jobId}_`)).sort()).toEqual([0, 1, 2].map((i) => `rdbm-lambda-${jobId}_${i}.out`));
    expect(scores(results)).toEqual(reference);
    expect(status(results).summary).toEqual({ total: 9, done: 9, running: 0, failed: 0, pending: 0 });
    const dry = rdbm([...SWEEP, '--results', results, '--dry-run', '--json']);
    expect(JSON.parse(dry.stdout).toRun).toEqual({ train: 0, restore: 0, evaluate: 0 });
    expect(readdirSync(join(results, 'leases'))).toEqual([]);
    // the report job (queued by task 0, afterany on the array) prints the status of the shared folder
    let report = '';
    for (let t = 0; t < 120 && !/progress: 9 of 9 done/.test(report); t++) {
      await sleep(500);
      const file = readdirSync(work).find((f) => f.startsWith('rdbm-lambda-report-'));
      report = file ? readFileSync(join(work, file), 'utf8') : '';
    }
    expect(report).toContain('progress: 9 of 9 done (100%), 0 running, 0 failed, 0 pending');
  }, 300_000);

  it('after one array task is cancelled mid-run (scancel), the resubmitted array finishes the sweep without redoing finished jobs', async (ctx) => {
    requireTool(ctx, missing, 'the real-Slurm test of --emit slurm');
    const work = join(root, 'cancel');
    const results = join(work, 'results');
    const script = emit(work, results);
    const first = sh('sbatch', ['--parsable', script], work);
    expect(first.status, first.stderr).toBe(0);
    const jobId = first.stdout.trim().split(';')[0];
    // cancel the first task seen holding a training job's lease
    let task: string | undefined;
    let key: string | undefined;
    for (let t = 0; t < 240 && !task; t++) {
      await sleep(250);
      const leases = existsSync(join(results, 'leases')) ? readdirSync(join(results, 'leases')).filter((f) => f.endsWith('.json') && !f.startsWith('.')) : [];
      for (const f of leases) {
        try {
          const lease = JSON.parse(readFileSync(join(results, 'leases', f), 'utf8'));
          const m = new RegExp(`^slurm job ${jobId}_(\\d+)$`).exec(lease.worker ?? '');
          if (lease.kind === 'train' && m) [task, key] = [m[1], lease.key];
        } catch {
          // a lease replaced under us: look again
        }
      }
    }
    expect(task, 'no array task was seen training').toBeDefined();
    expect(sh('scancel', [`${jobId}_${task}`]).status).toBe(0);
    await drained(jobId, 150);
    const log = readFileSync(join(work, `rdbm-lambda-${jobId}_${task}.out`), 'utf8');
    // the cancelled task was stopped by SIGTERM and gave its lease back
    expect(log).toContain('rdbm sweep: SIGTERM: stopping');
    const before = records(results);
    const interrupted = status(results);
    expect(interrupted.jobs.find((j) => j.key === key)!.state).not.toBe('done');
    expect(interrupted.summary.done).toBeLessThan(9);
    expect(interrupted.summary.running).toBe(0);

    const again = sh('sbatch', ['--parsable', '--wait', script], work);
    expect(again.status, again.stderr).toBe(0);
    const after = records(results);
    // every record written before the resubmission is untouched (same file, same time): nothing finished was redone
    for (const [file, stamp] of before) expect(after.get(file), file).toBe(stamp);
    expect(after.size).toBe(9);
    expect(status(results).summary).toEqual({ total: 9, done: 9, running: 0, failed: 0, pending: 0 });
    expect(scores(results)).toEqual(reference);
    // the interrupted training's history has each step once
    for (const dir of readdirSync(join(results, 'checkpoints'))) {
      const steps = readFileSync(join(results, 'checkpoints', dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
      expect(new Set(steps).size, dir).toBe(steps.length);
    }
    expect(readdirSync(join(results, 'leases'))).toEqual([]);
  }, 300_000);
});
