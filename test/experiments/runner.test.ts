import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planExperiments, runExperiment, experimentResults } from '../../src/experiments/api.js';
import { countJobs } from '../../src/experiments/plan.js';
import { type RunRecord, runPlan } from '../../src/experiments/runner.js';
import { shardJobs } from '../../src/experiments/shard.js';
import { RESULTS_SCHEMA } from '../../src/experiments/store.js';
import { type FakeLog, capture, fakeExecutors } from './fakes.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-runner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const fresh = () => join(root, `r${counter++}`);
const jobCalls = (log: FakeLog) => log.calls.filter((c) => c.kind !== 'data');
const kinds = (log: FakeLog) => countJobs(jobCalls(log).map((c) => ({ kind: c.kind as 'train' })) as never);

describe('runner', () => {
  it('stages: a --train-only plan runs the trainings and nothing after them; the full plan then reuses them', async () => {
    const dir = fresh();
    const log: FakeLog = { calls: [] };
    const first = await runExperiment('lambda', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(log), io: capture().io, stages: ['train'] });
    expect(kinds(log)).toEqual({ train: 3, restore: 0, evaluate: 0 });
    expect(first.ran).toEqual({ train: 3, restore: 0, evaluate: 0 });
    expect(existsSync(join(dir, 'runs'))).toBe(false);
    const rest: FakeLog = { calls: [] };
    const second = await runExperiment('lambda', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(rest), io: capture().io });
    expect(second.ran).toEqual({ train: 0, restore: 3, evaluate: 3 });
    expect(second.cached.train).toBe(3);
  });

  it('runs every job once, writes run files with per-image, per-task and overall metrics, and reruns nothing', async () => {
    const dir = fresh();
    const log: FakeLog = { calls: [] };
    const c = capture();
    const report = await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(log), io: c.io });
    expect(kinds(log)).toEqual({ train: 1, restore: 5, evaluate: 5 });
    expect(report.ran).toEqual({ train: 1, restore: 5, evaluate: 5 });
    expect(c.err()).toMatch(/sweep 11\/11 jobs/);
    expect(readdirSync(join(dir, 'runs'))).toHaveLength(5);
    const plan = planExperiments('nfe', { scale: 'smoke' });
    const run = JSON.parse(readFileSync(join(dir, 'runs', `${plan.points[0].keys.evaluate}.json`), 'utf8')) as RunRecord;
    expect(run.schema).toBe(RESULTS_SCHEMA);
    expect(run.config).toMatchObject({ model: 'tiny', nfe: 2, sampleSchedule: 'cosine', metric: 'rdbm' });
    expect(run.jobs).toEqual(plan.points[0].keys);
    expect(run.metrics.images).toHaveLength(10);
    // Deraining: (20.2 + 22)/2; Deblur's second image is infinite (null) so only the first counts
    expect(run.metrics.tasks.Deraining).toEqual({ psnr: 21.1, ssim: 0.55, images: 2 });
    expect(run.metrics.tasks.Deblur.psnr).toBeCloseTo(24.2, 12);
    expect(run.metrics.subDatasets['Dehazing/MiniHaze'].images).toBe(2);
    const taskMeans = Object.values(run.metrics.tasks).map((t) => t.psnr as number);
    expect(run.metrics.overall.meanOfTasks.psnr).toBeCloseTo(taskMeans.reduce((a, b) => a + b) / 5, 12);
    expect(run.metrics.overall.meanOverImages).toMatchObject({ images: 10 });
    expect(run.backend).toBe('fake');
    expect(run.versions).toEqual({ 'rdbm-lab': 'test' });
    expect(run.timings.train).toBeGreaterThanOrEqual(0);

    const again: FakeLog = { calls: [] };
    const second = await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(again) });
    expect(jobCalls(again)).toEqual([]);
    expect(second.cached).toEqual({ train: 1, restore: 5, evaluate: 5 });
    expect(second.runs).toHaveLength(5);
  });

  it('resumes after a kill without redoing finished jobs', async () => {
    const dir = fresh();
    const first: FakeLog = { calls: [] };
    // the 6th job call dies (train, restore, evaluate, restore, evaluate have finished)
    await expect(runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(first, { failAt: 6 }) })).rejects.toThrow(/killed at job 6/);
    expect(jobCalls(first).map((c) => c.kind)).toEqual(['train', 'restore', 'evaluate', 'restore', 'evaluate']);
    expect(readdirSync(join(dir, 'runs'))).toHaveLength(2);
    expect(readdirSync(join(dir, 'runs')).some((f) => f.endsWith('.tmp'))).toBe(false);
    const second: FakeLog = { calls: [] };
    await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(second) });
    expect(jobCalls(second).map((c) => c.kind)).toEqual(['restore', 'evaluate', 'restore', 'evaluate', 'restore', 'evaluate']);
    const done = new Set(jobCalls(first).map((c) => c.key));
    expect(jobCalls(second).some((c) => done.has(c.key))).toBe(false);
    expect(readdirSync(join(dir, 'runs'))).toHaveLength(5);
  });

  it('runs disjoint shards into one folder; together they cover the whole plan', async () => {
    const dir = fresh();
    const plan = planExperiments('reproduce', { scale: 'smoke' });
    const logs: FakeLog[] = [];
    for (let i = 0; i < 3; i++) {
      const log: FakeLog = { calls: [] };
      logs.push(log);
      const report = await runExperiment('reproduce', { scale: 'smoke', resultsDir: dir, shard: `${i}/3`, executors: fakeExecutors(log) });
      expect(new Set(jobCalls(log).map((c) => c.key))).toEqual(new Set(shardJobs(plan, { index: i, count: 3 }).map((j) => j.key)));
      expect(report.runs.length).toBe(report.jobs.filter((s) => s.job.kind === 'evaluate').length);
    }
    const all = logs.flatMap((l) => jobCalls(l).map((c) => c.key));
    expect(all).toHaveLength(plan.jobs.length);
    expect(new Set(all).size).toBe(plan.jobs.length);
    const after: FakeLog = { calls: [] };
    const full = await runExperiment('reproduce', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(after) });
    expect(jobCalls(after)).toEqual([]);
    expect(full.runs).toHaveLength(13);
  });

  it('reports a damaged run file, redoes only that job and keeps the others', async () => {
    const dir = fresh();
    await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors({ calls: [] }) });
    const plan = planExperiments('nfe', { scale: 'smoke' });
    const damaged = join(dir, 'runs', `${plan.points[2].keys.evaluate}.json`);
    writeFileSync(damaged, '{"schema": 1, "kind": "evalu');
    const kept = join(dir, 'runs', `${plan.points[0].keys.evaluate}.json`);
    const keptTime = statSync(kept).mtimeMs;
    const log: FakeLog = { calls: [] };
    const c = capture();
    const report = await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(log), io: c.io });
    expect(jobCalls(log)).toEqual([{ kind: 'evaluate', key: plan.points[2].keys.evaluate }]);
    expect(c.err()).toMatch(new RegExp(`rdbm: runs/${plan.points[2].keys.evaluate}.json: damaged record \\(not valid JSON .*\\); redoing the job`));
    expect(report.redone).toEqual([`runs/${plan.points[2].keys.evaluate}.json`]);
    expect(JSON.parse(readFileSync(damaged, 'utf8')).key).toBe(plan.points[2].keys.evaluate);
    expect(statSync(kept).mtimeMs).toBe(keptTime);
  });

  it('redoes a restoration whose images were deleted, but not the checkpoint it does not need', async () => {
    const dir = fresh();
    await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors({ calls: [] }) });
    const plan = planExperiments('nfe', { scale: 'smoke' });
    const p = plan.points[1];
    rmSync(join(dir, 'restored', p.keys.restore), { recursive: true });
    rmSync(join(dir, 'runs', `${p.keys.evaluate}.json`));
    const log: FakeLog = { calls: [] };
    await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(log) });
    expect(jobCalls(log).map((c) => c.kind)).toEqual(['restore', 'evaluate']);
    // a deleted checkpoint is retrained only when a restoration needs it
    rmSync(join(dir, 'checkpoints', p.keys.train!), { recursive: true });
    rmSync(join(dir, 'restored', p.keys.restore), { recursive: true });
    rmSync(join(dir, 'runs', `${p.keys.evaluate}.json`));
    const log2: FakeLog = { calls: [] };
    await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(log2) });
    expect(jobCalls(log2).map((c) => c.kind)).toEqual(['train', 'restore', 'evaluate']);
  });

  it('refuses a results folder written by an incompatible version', async () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'rdbm-results.json'), JSON.stringify({ schema: 2 }));
    await expect(runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors({ calls: [] }) })).rejects.toThrow(
      `results folder ${dir} was written by results schema 2, this rdbm-lab reads schema 1 (use a new --results folder, or the rdbm-lab version that wrote it)`,
    );
    const old = fresh();
    mkdirSync(join(old, 'runs'), { recursive: true });
    await expect(runExperiment('nfe', { scale: 'smoke', resultsDir: old, executors: fakeExecutors({ calls: [] }) })).rejects.toThrow(/has runs but no rdbm-results.json/);
    const mixed = fresh();
    await runExperiment('nfe', { scale: 'smoke', resultsDir: mixed, executors: fakeExecutors({ calls: [] }) });
    const plan = planExperiments('nfe', { scale: 'smoke' });
    const file = join(mixed, 'runs', `${plan.points[0].keys.evaluate}.json`);
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), schema: 7 }));
    await expect(runExperiment('nfe', { scale: 'smoke', resultsDir: mixed, executors: fakeExecutors({ calls: [] }) })).rejects.toThrow(/was written by results schema 7/);
  });

  it('prepares each dataset once per run and exposes results per experiment point', async () => {
    const dir = fresh();
    const log: FakeLog = { calls: [] };
    await runExperiment(['lambda', 'pi'], { scale: 'smoke', resultsDir: dir, executors: fakeExecutors(log) });
    expect(log.calls.filter((c) => c.kind === 'data')).toEqual([{ kind: 'data', key: 'mini-uir' }]);
    const res = experimentResults('pi', { scale: 'smoke', resultsDir: dir });
    expect(res.points.map((p) => p.label)).toEqual(['pi=zero', 'pi=one', 'pi=abs-residual', 'pi=residual']);
    expect(res.points.every((p) => p.run?.metrics.overall.meanOfTasks.psnr !== undefined)).toBe(true);
    const none = experimentResults('nfe', { scale: 'smoke', resultsDir: dir });
    expect(none.points.filter((p) => p.run).map((p) => p.label)).toEqual(['nfe=10']); // shared with lambda=10/255 and pi=residual
  });

  it('stops between jobs when aborted', async () => {
    const dir = fresh();
    const controller = new AbortController();
    const log: FakeLog = { calls: [] };
    const executors = fakeExecutors(log);
    const restore = executors.restore;
    executors.restore = async (input) => {
      controller.abort();
      return restore(input);
    };
    await expect(runPlan(planExperiments('nfe', { scale: 'smoke' }), { resultsDir: dir, executors, signal: controller.signal })).rejects.toThrow(/sweep aborted/);
    expect(jobCalls(log).map((c) => c.kind)).toEqual(['train', 'restore']);
    expect(existsSync(join(dir, 'jobs'))).toBe(true);
  });
});
