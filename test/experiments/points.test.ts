/** Experiment files of points (`rdbm report`): a file without a metric is refused; a misspelt key is named, with the key meant. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadPointsExperiment } from '../../src/experiments/points.js';
import { TABLE_CONVENTION_IDS } from '../../src/metrics/conventions.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-points-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const file = (name: string, spec: unknown) => {
  const path = join(root, name);
  writeFileSync(path, JSON.stringify(spec));
  return path;
};
const message = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('did not throw');
};
const points = [{ label: 'A', restored: 'a' }];

it('refuses a file without a metric: conventions differ by more than the effects compared', () => {
  const f = file('no-metric.json', { name: 'x', points });
  expect(message(() => loadPointsExperiment(f))).toBe(`${f}: no "metric" (the conventions differ by more than the effects compared; expected one of ${TABLE_CONVENTION_IDS.join(', ')})`);
  expect(loadPointsExperiment(file('metric.json', { name: 'x', metric: 'basicsr-y', points })).metric).toBe('basicsr-y');
});

it('reports a misspelt key as unknown, naming the key meant', () => {
  const top = file('top.json', { name: 'x', metrics: 'rdbm', points });
  expect(message(() => loadPointsExperiment(top))).toBe(`${top}: unknown field "metrics" (did you mean "metric"? expected name, title, description, metric, baseline, points)`);
  const point = file('point.json', { name: 'x', metric: 'rdbm', points: [{ label: 'A', checkpoint: 'c', nfee: 10 }] });
  expect(message(() => loadPointsExperiment(point))).toMatch(/point "A": unknown field "nfee" \(did you mean "nfe"\? expected label, checkpoint and any of nfe, /);
});
