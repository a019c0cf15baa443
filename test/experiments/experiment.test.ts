import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RdbmError } from '../../src/errors.js';
import { EXPERIMENTS, EXPERIMENT_NAMES, getExperiment, listExperiments } from '../../src/experiments/builtins.js';
import { runConfig } from '../../src/experiments/config.js';
import { PAPER_CONFIG } from '../../src/experiments/paper.js';
import { defineExperiment, expandExperiment } from '../../src/experiments/experiment.js';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(RdbmError);
    const m = (error as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error('expected an RdbmError');
};

describe('built-in experiments', () => {
  it('carry the paper ablation values (rdbm.md §3)', () => {
    expect(EXPERIMENTS.schedule.axes.schedule).toEqual(['cosine', 'linear', 'sigmoid']);
    expect(EXPERIMENTS.lambda.axes.lambda).toEqual([1 / 255, 10 / 255, 100 / 255]);
    expect(EXPERIMENTS.nfe.axes.nfe).toEqual([2, 10, 20, 50, 100]);
    expect(EXPERIMENTS.pi.axes.pi).toEqual(['zero', 'one', 'abs-residual', 'residual']);
    expect(EXPERIMENTS.size.axes.model).toEqual(['T', 'S', 'B', 'L']);
    expect(EXPERIMENTS.main.axes.model).toEqual(['B', 'L']);
    expect(PAPER_CONFIG).toMatchObject({ lambda: 10 / 255, schedule: 'cosine', pi: 'residual', timesteps: 100, nfe: 10, batchSize: 20, cropSize: 256, lr: 1e-4, steps: 500000 });
  });

  it('know which axes change training and which only sampling or scoring', () => {
    expect(EXPERIMENTS.nfe.axisStages).toEqual({ nfe: 'restore' });
    expect(EXPERIMENTS['sampling-schedule'].axisStages).toEqual({ sampleSchedule: 'restore' });
    expect(EXPERIMENTS.convention.axisStages).toEqual({ metric: 'evaluate' });
    for (const n of ['schedule', 'lambda', 'pi', 'size', 'main']) expect(Object.values(EXPERIMENTS[n].axisStages)).toEqual(['train']);
  });

  it('are frozen', () => {
    const e = getExperiment('lambda');
    expect(Object.isFrozen(e)).toBe(true);
    expect(Object.isFrozen(e.axes.lambda)).toBe(true);
    const [p] = expandExperiment(e, 'smoke');
    expect(Object.isFrozen(p.config)).toBe(true);
    expect(listExperiments().map((x) => x.name)).toEqual(EXPERIMENT_NAMES);
  });

  it('expand per scale: smoke and quick shrink the budget, paper keeps the published one', () => {
    const smoke = expandExperiment(getExperiment('size'), 'smoke');
    expect(smoke.map((p) => p.config.model)).toEqual(['tiny', 'T']);
    expect(smoke[0].config).toMatchObject({ steps: 2, cropSize: 16, testLimit: 1, datasetSize: 32 });
    expect(expandExperiment(getExperiment('size'), 'paper').map((p) => p.label)).toEqual(['model=T', 'model=S', 'model=B', 'model=L']);
    const lambda = expandExperiment(getExperiment('lambda'), 'quick');
    expect(lambda.map((p) => p.label)).toEqual(['lambda=0.00392157', 'lambda=0.0392157', 'lambda=0.392157']);
    expect(lambda[1].config.model).toBe('tiny');
  });
});

describe('validation: one-line errors naming what is allowed', () => {
  it('rejects an unknown experiment, listing the known ones', () => {
    expect(message(() => getExperiment('lamda'))).toBe(`unknown experiment: "lamda" (expected one of ${EXPERIMENT_NAMES.join(', ')}, or a .json file)`);
  });

  it('rejects an unknown axis, listing the config fields', () => {
    const m = message(() => defineExperiment({ name: 'x', title: 't', description: 'd', axes: { temperature: [1] } as never }));
    expect(m).toMatch(/^unknown axis in experiment x: "temperature" \(expected one of model, objective, pi, lambda, schedule, /);
  });

  it('rejects invalid axis values with the allowed ones', () => {
    expect(message(() => defineExperiment({ name: 'x', title: 't', description: 'd', axes: { schedule: ['cosine', 'quadratic'] } }))).toBe(
      'invalid experiment x axis schedule: "quadratic" (expected one of cosine, linear, sigmoid)',
    );
    expect(message(() => defineExperiment({ name: 'x', title: 't', description: 'd', axes: { pi: ['half'] } }))).toMatch(/expected one of zero, one, residual, abs-residual/);
    expect(message(() => defineExperiment({ name: 'x', title: 't', description: 'd', axes: { lambda: [0] } }))).toBe('invalid experiment x axis lambda: 0 (expected a finite number > 0)');
    expect(message(() => defineExperiment({ name: 'x', title: 't', description: 'd', axes: { model: ['XL'] } }))).toMatch(/^invalid experiment x axis model: "XL" \(expected one of T, S, B, L, /);
    expect(message(() => defineExperiment({ name: 'x', title: 't', description: 'd', axes: { nfe: [] } }))).toMatch(/expected a non-empty list of values/);
    expect(message(() => defineExperiment({ name: 'x', title: 't', description: 'd', axes: { nfe: [2, 2] } }))).toMatch(/expected distinct values/);
  });

  it('rejects cross-field violations at definition time', () => {
    expect(message(() => defineExperiment({ name: 'x', title: 't', description: 'd', base: { timesteps: 10 }, axes: { nfe: [5, 20] } }))).toMatch(/point nfe=20: invalid nfe: 20 \(expected <= timesteps 10\)/);
    expect(message(() => defineExperiment({ name: 'x', title: 't', description: 'd', base: { objective: 'eps' }, axes: { nfe: [1] } }))).toMatch(/invalid nfe: 1 with objective eps/);
    expect(message(() => runConfig({ ...PAPER_CONFIG, seed: undefined } as never))).toMatch(/invalid config seed: undefined/);
  });

  it('rejects unknown experiment fields and bad scaleAxes', () => {
    expect(message(() => defineExperiment({ name: 'x', title: 't', description: 'd', axes: {}, colour: 1 } as never))).toMatch(/^unknown experiment field: "colour"/);
    expect(message(() => defineExperiment({ name: 'x', title: 't', description: 'd', axes: { nfe: [2] }, scaleAxes: { huge: { nfe: [2] } } as never }))).toMatch(/expected one of smoke, quick, cpu, whole64, paper/);
    expect(message(() => defineExperiment({ name: 'x', title: 't', description: 'd', axes: { nfe: [2] }, scaleAxes: { smoke: { pi: ['one'] } } }))).toMatch(/replaces an axis the experiment does not sweep/);
  });

  it('loads and validates experiment JSON files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-exp-'));
    const good = join(dir, 'mine.json');
    writeFileSync(good, JSON.stringify({ name: 'mine', title: 'λ × π', description: 'grid', axes: { lambda: [0.01, 0.1], pi: ['one', 'residual'] } }));
    const e = getExperiment(good);
    expect(expandExperiment(e, 'smoke').map((p) => p.label)).toEqual(['lambda=0.01,pi=one', 'lambda=0.01,pi=residual', 'lambda=0.1,pi=one', 'lambda=0.1,pi=residual']);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', title: 't', description: 'd', axes: { nfe: ['ten'] } }));
    expect(message(() => getExperiment(bad))).toBe(`${bad}: invalid experiment bad axis nfe: "ten" (expected an integer in [1, 100000])`);
    writeFileSync(bad, '{ not json');
    expect(message(() => getExperiment(bad))).toMatch(/bad.json: not valid JSON/);
    expect(message(() => getExperiment(join(dir, 'none.json')))).toMatch(/experiment file not found/);
  });
});
