import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planExperiments, runExperiment } from '../../src/experiments/api.js';
import { DEFAULT_SWEEP, EXPERIMENT_NAMES } from '../../src/experiments/builtins.js';
import { readCheckpoint } from '../../src/models/checkpoint.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-irbridge-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the irbridge experiment (generative prior through the bridge vs RDBM)', () => {
  it('is a named experiment, outside reproduce; the prior trains its own network, RDBM shares the main checkpoint', () => {
    expect(EXPERIMENT_NAMES).toContain('irbridge');
    expect(DEFAULT_SWEEP).not.toContain('irbridge');
    const plan = planExperiments('irbridge', { scale: 'quick' });
    expect(plan.points.map((p) => p.label)).toEqual(['family=rdbm', 'family=irbridge']);
    const trains = plan.jobs.filter((j) => j.kind === 'train');
    expect(trains).toHaveLength(2);
    const main = planExperiments('main', { scale: 'quick' }).jobs.find((j) => j.kind === 'train')!;
    expect(trains.map((j) => j.key)).toContain(main.key);
    // only irbridge's keys carry the family (on top of the code and data content keys): rdbm's stay those of main
    expect(trains.map((j) => j.spec.family)).toEqual([undefined, 'irbridge']);
    expect(plan.jobs.filter((j) => j.kind === 'restore').map((j) => j.spec.family)).toEqual([undefined, 'irbridge']);
    expect(trains.every((j) => typeof j.spec.code === 'string' && j.spec.data !== undefined)).toBe(true);
  });

  it('runs at smoke scale with the real executors: a vp prior is trained and restores every task', async () => {
    const results = join(root, 'results');
    const io = { err: () => {}, errIsTTY: false };
    const run = await runExperiment('irbridge', { scale: 'smoke', resultsDir: results, io });
    expect(run.ran).toEqual({ train: 2, restore: 2, evaluate: 2 });
    expect(run.runs.map((r) => r.config.family)).toEqual(['rdbm', 'irbridge']);
    const prior = run.runs[1];
    const manifest = readCheckpoint(join(results, 'checkpoints', prior.jobs.train!, 'checkpoint-0000002')).manifest;
    expect(manifest.training?.process).toBe('vp');
    expect(manifest.architecture.condition).toBe(false);
    for (const r of run.runs) {
      expect(Object.keys(r.metrics.tasks)).toEqual(['Deblur', 'Dehazing', 'Deraining', 'Desnowing', 'Enlighening']);
      expect(r.metrics.overall.meanOfTasks.psnr).toBeGreaterThan(3);
    }
  }, 300000);
});
