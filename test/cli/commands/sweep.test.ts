import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { planExperiments, runExperiment } from '../../../src/experiments/api.js';
import { capture, fakeExecutors } from '../../experiments/fakes.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-sweep-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('rdbm sweep', () => {
  it('--dry-run prints job counts, reuse and cache hits', async () => {
    const dir = join(root, 'dry');
    const c = capture();
    expect(await runCli(['sweep', 'nfe', 'lambda', '--scale', 'smoke', '--dry-run', '--results', dir], c.io)).toBe(0);
    const text = c.out();
    expect(text).toMatch(/^plan: nfe, lambda at scale smoke: 8 points → 17 unique jobs \(3 train, 7 restore, 7 evaluate\)$/m);
    expect(text).toMatch(/cached \(finished\): 0 train, 0 restore, 0 evaluate/);
    expect(text).toMatch(/to run: 3 train, 7 restore, 7 evaluate/);
    expect(text).toMatch(/nfe:nfe=2 +[0-9a-f]{8} +[0-9a-f]{8} +[0-9a-f]{8} +to run: train\+restore\+evaluate/);
    // after the NFE sweep ran, its jobs are cache hits
    await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors({ calls: [] }) });
    const j = capture();
    expect(await runCli(['sweep', 'nfe', 'lambda', '--scale', 'smoke', '--dry-run', '--json', '--results', dir], j.io)).toBe(0);
    const summary = JSON.parse(j.out());
    expect(summary.cached).toEqual({ train: 1, restore: 5, evaluate: 5 });
    expect(summary.toRun).toEqual({ train: 2, restore: 2, evaluate: 2 });
    expect(summary.plan).toHaveLength(8);
    const s = capture();
    expect(await runCli(['sweep', 'reproduce', '--scale', 'smoke', '--dry-run', '--shard', '1/4', '--results', dir], s.io)).toBe(0);
    expect(s.out()).toMatch(/shard 1\/4: 2 of 9 training groups/);
  });

  it('--list shows the experiments with their axes and stages', async () => {
    const c = capture();
    expect(await runCli(['sweep', '--list', '--scale', 'quick'], c.io)).toBe(0);
    expect(c.out()).toMatch(/nfe +Ablation: number of function evaluations/);
    // the quick scale samples NFE 2, 10 and 20 only (builtins.ts scaleAxes)
    expect(c.out()).toMatch(/axes: nfe \[2, 10, 20\] \(restore\)/);
    expect(c.out()).toMatch(/axes: model \[tiny, T\] \(train\)/);
  });

  it('bad input: one line, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['sweep', 'lamda', '--dry-run'], /^rdbm: unknown experiment: "lamda" \(expected one of main, schedule, lambda, nfe, pi, size, sampling-schedule, tile, convention, schedule-seeds, irbridge, or a .json file\)\n$/],
      [['sweep', 'nfe', '--scale', 'huge', '--dry-run'], /^rdbm: invalid --scale: "huge" \(expected one of smoke, quick, cpu, whole64, paper\)\n$/],
      [['sweep', 'nfe', '--shard', '2/2', '--dry-run'], /^rdbm: invalid --shard: "2\/2" \(expected i\/n with 0 <= i < n/],
      [['sweep', '--dry-run'], /^rdbm: no experiment given/],
    ];
    for (const [argv, pattern] of cases) {
      const c = capture();
      expect(await runCli(argv, c.io)).toBe(2);
      expect(c.err()).toMatch(pattern);
    }
    // objective eps with π ≠ one is sampled wrongly (issue 11): refused before any job runs
    const epsFile = join(root, 'eps-residual.json');
    writeFileSync(epsFile, JSON.stringify({ name: 'eps-pi', title: 't', description: 'd', base: { objective: 'eps' }, axes: { pi: ['one', 'residual'] } }));
    const e = capture();
    expect(await runCli(['sweep', epsFile, '--scale', 'smoke', '--results', join(root, 'eps-results')], e.io)).toBe(2);
    expect(e.err()).toMatch(/^rdbm: .*eps-residual\.json: .*invalid objective: eps with pi residual \(.*use objective pi-eps\)\n$/);
    expect(e.out()).toBe('');
    await expect(runExperiment(epsFile, { scale: 'smoke', resultsDir: join(root, 'eps-api'), executors: fakeExecutors({ calls: [] }) })).rejects.toThrow(
      /invalid objective: eps with pi residual .*use objective pi-eps/,
    );
    const bad = join(root, 'incompatible');
    await runExperiment('nfe', { scale: 'smoke', resultsDir: bad, executors: fakeExecutors({ calls: [] }) });
    writeFileSync(join(bad, 'rdbm-results.json'), '{"schema": 3}');
    const c = capture();
    expect(await runCli(['sweep', 'nfe', '--scale', 'smoke', '--dry-run', '--results', bad], c.io)).toBe(2);
    expect(c.err()).toMatch(/was written by results schema 3/);
  });
});

describe('rdbm results', () => {
  it('lists, merges folders (shards) and writes CSV and JSON', async () => {
    const a = join(root, 'shard0');
    const b = join(root, 'shard1');
    await runExperiment('lambda', { scale: 'smoke', resultsDir: a, shard: '0/2', executors: fakeExecutors({ calls: [] }) });
    await runExperiment('lambda', { scale: 'smoke', resultsDir: b, shard: '1/2', executors: fakeExecutors({ calls: [] }) });
    const t = capture();
    expect(await runCli(['results', '--results', a, '--results', b], t.io)).toBe(0);
    const lines = t.out().trim().split('\n');
    expect(lines[0]).toMatch(/^key +points +model +pi +lambda +schedule +nfe +metric +psnr +ssim +images$/);
    expect(lines).toHaveLength(4);
    expect(t.out()).toMatch(/lambda:lambda=0.00392157 +tiny +residual +0.0039216 +cosine +10 +rdbm/);
    const csvFile = join(root, 'all.csv');
    const c = capture();
    expect(await runCli(['results', '--results', a, '--results', b, '--csv', csvFile], c.io)).toBe(0);
    const csv = readFileSync(csvFile, 'utf8').trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(csv[0]).toMatch(/^key,points,model,objective,pi,lambda,schedule,sampleSchedule,T,steps,nfe,tile,dataset,metric,psnr,ssim,images,Deblur.psnr,Deblur.ssim,Dehazing.psnr/);
    const j = capture();
    expect(await runCli(['results', '--results', a, '--results', b, '--json'], j.io)).toBe(0);
    const merged = JSON.parse(j.out());
    const keys = planExperiments('lambda', { scale: 'smoke' }).points.map((p) => p.keys.evaluate).sort();
    expect(merged.runs.map((r: { key: string }) => r.key).sort()).toEqual(keys);
    expect(merged.runs[0].metrics.tasks.Deraining.images).toBe(2);
  });

  it('reports a damaged run file and lists the others', async () => {
    const dir = join(root, 'damaged');
    await runExperiment('nfe', { scale: 'smoke', resultsDir: dir, executors: fakeExecutors({ calls: [] }) });
    const key = planExperiments('nfe', { scale: 'smoke' }).points[0].keys.evaluate;
    writeFileSync(join(dir, 'runs', `${key}.json`), 'garbage');
    const c = capture();
    expect(await runCli(['results', '--results', dir], c.io)).toBe(0);
    expect(c.err()).toMatch(new RegExp(`^rdbm: .*runs/${key}.json: corrupted \\(.*\\); skipped \\(rdbm sweep redoes it\\)\\n$`));
    expect(c.out().trim().split('\n')).toHaveLength(5);
  });
});
