import { describe, expect, it } from 'vitest';
import { getExperiment } from '../../src/experiments/builtins.js';
import { planExperiments } from '../../src/experiments/api.js';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ContentKeys, countJobs, planSweep } from '../../src/experiments/plan.js';
import { parseShard, shardGroups, shardJobs } from '../../src/experiments/shard.js';

/** Keys recomputed independently by scripts/reference/experiments_plan_keys.py (hashlib over canonical JSON). */
const golden = JSON.parse(readFileSync(new URL('../fixtures/experiments/plan-keys.json', import.meta.url), 'utf8'));

/** The stand-ins the Python script hashes for the code fingerprints and the bundled dataset's content key. */
const FIXED: ContentKeys = {
  code: (stage) => `code-${stage}`,
  dataset: (c) => ({ bundled: c.dataset, size: c.datasetSize, code: 'code-data' }),
  checkpoint: (path) => `content-of-${path}`,
};

describe('planner', () => {
  it('gives the job keys computed independently in Python', () => {
    for (const name of ['nfe', 'lambda', 'sampling-schedule']) {
      const plan = planSweep([getExperiment(name)], 'smoke', {}, {}, FIXED);
      expect(plan.points.map((p) => p.keys)).toEqual(golden.experiments[name].map((e: { keys: unknown }) => e.keys));
    }
  });

  it('reuses one checkpoint across NFE values and sampling schedules, and restorations across conventions', () => {
    expect(countJobs(planExperiments('nfe', { scale: 'smoke' }).jobs)).toEqual({ train: 1, restore: 5, evaluate: 5 });
    expect(countJobs(planExperiments('sampling-schedule', { scale: 'smoke' }).jobs)).toEqual({ train: 1, restore: 3, evaluate: 3 });
    expect(countJobs(planExperiments('convention', { scale: 'smoke' }).jobs)).toEqual({ train: 1, restore: 1, evaluate: 5 });
    // whole images vs windows of the training crop, overlapping and not: one checkpoint, three restorations; only the windowed ones hash their windows
    const tile = planExperiments('tile', { scale: 'smoke' });
    expect(countJobs(tile.jobs)).toEqual({ train: 1, restore: 3, evaluate: 3 });
    expect(tile.jobs.filter((j) => j.kind === 'restore').map((j) => j.spec.tile)).toEqual([undefined, { size: 16, overlap: 2 }, { size: 16, overlap: 0 }]);
    expect(countJobs(planExperiments('lambda', { scale: 'smoke' }).jobs)).toEqual({ train: 3, restore: 3, evaluate: 3 });
    expect(countJobs(planExperiments('pi', { scale: 'paper' }).jobs)).toEqual({ train: 4, restore: 4, evaluate: 4 });
  });

  it('schedule-seeds trains every schedule with three seeds; seed 0 shares its checkpoints with schedule', () => {
    const plan = planExperiments('schedule-seeds', { scale: 'quick' });
    expect(countJobs(plan.jobs)).toEqual({ train: 9, restore: 9, evaluate: 9 });
    expect(plan.points.map((p) => p.config.seed)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
    const both = planExperiments(['schedule', 'schedule-seeds'], { scale: 'quick' });
    expect(countJobs(both.jobs).train).toBe(9);
  });

  it('plans shared points of several experiments once', () => {
    // main 1 + schedule 3 + lambda 3 + nfe 5 + pi 4 + size 2 points; the base point (tiny, cosine, 10/255,
    // residual, NFE 10) is in all six; new checkpoints: schedule 2, lambda 2, pi 3, size 1 (+ the base)
    const plan = planExperiments('reproduce', { scale: 'smoke' });
    expect(plan.points).toHaveLength(18);
    expect(countJobs(plan.jobs)).toEqual({ train: 9, restore: 13, evaluate: 13 });
    const base = plan.points.filter((p) => p.keys.evaluate === plan.points[0].keys.evaluate).map((p) => p.experiment);
    expect(base).toEqual(['main', 'schedule', 'lambda', 'nfe', 'pi', 'size']);
    const job = plan.jobs.find((j) => j.key === plan.points[0].keys.evaluate)!;
    expect(job.points).toEqual(['main:model=tiny', 'schedule:schedule=cosine', 'lambda:lambda=0.0392157', 'nfe:nfe=10', 'pi:pi=residual', 'size:model=tiny']);
  });

  it('orders jobs so every job comes after the one it needs', () => {
    const plan = planExperiments('all', { scale: 'paper' });
    const seen = new Set<string>();
    for (const j of plan.jobs) {
      if (j.needs) expect(seen.has(j.needs)).toBe(true);
      seen.add(j.key);
    }
    expect(new Set(plan.jobs.map((j) => j.key)).size).toBe(plan.jobs.length);
  });

  it('is stable: the same experiments give the same keys, another dataset other keys', () => {
    const a = planExperiments(['nfe', 'pi'], { scale: 'quick' });
    const b = planExperiments(['pi', 'nfe'], { scale: 'quick' });
    expect(new Set(a.jobs.map((j) => j.key))).toEqual(new Set(b.jobs.map((j) => j.key)));
    const data = mkdtempSync(join(tmpdir(), 'rdbm-plan-data-'));
    mkdirSync(join(data, 'Deraining', 'Rain', 'test', 'label'), { recursive: true });
    writeFileSync(join(data, 'Deraining', 'Rain', 'test', 'label', 'a.png'), 'x');
    const c = planExperiments(['nfe'], { scale: 'quick', dataset: data });
    expect(c.jobs.some((j) => a.jobs.some((k) => k.key === j.key))).toBe(false);
    expect(c.points[0].config.dataset).toBe(data);
    expect(() => planExperiments(['nfe'], { scale: 'quick', dataset: join(data, 'nope') })).toThrow(/dataset folder not found: .*nope/);
  });
});

describe('shards', () => {
  it('parses i/n and rejects anything else', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    for (const bad of ['4/4', '1', '-1/2', 'a/b', '0/0']) expect(() => parseShard(bad)).toThrow(/invalid --shard: .* \(expected i\/n with 0 <= i < n/);
  });

  it('partition the plan into disjoint slices by training group, covering every job', () => {
    const plan = planExperiments('reproduce', { scale: 'smoke' });
    for (const n of [1, 2, 3, 4, 9, 12]) {
      const slices = Array.from({ length: n }, (_, i) => shardJobs(plan, { index: i, count: n }));
      const keys = slices.flatMap((s) => s.map((j) => j.key));
      expect(keys).toHaveLength(plan.jobs.length);
      expect(new Set(keys).size).toBe(plan.jobs.length);
      // each slice holds whole groups: every restore's train job is in the same slice
      for (const s of slices) for (const j of s) if (j.needs) expect(s.some((k) => k.key === j.needs)).toBe(true);
    }
    // 9 groups over 4 shards: 3, 2, 2, 2
    expect([0, 1, 2, 3].map((i) => shardGroups(plan, { index: i, count: 4 }).size)).toEqual([3, 2, 2, 2]);
  });

  it('do not depend on the order the experiments were named in', () => {
    const a = planExperiments(['lambda', 'pi', 'schedule'], { scale: 'smoke' });
    const b = planExperiments(['schedule', 'pi', 'lambda'], { scale: 'smoke' });
    for (let i = 0; i < 3; i++) {
      expect(new Set(shardJobs(a, { index: i, count: 3 }).map((j) => j.key))).toEqual(new Set(shardJobs(b, { index: i, count: 3 }).map((j) => j.key)));
    }
  });
});
