import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planExperiments } from '../../src/experiments/api.js';
import { checkpointTrainingFields } from '../../src/experiments/checkpoints.js';

/** A checkpoint folder in our format whose manifest records a training config (the weights are never read at planning). */
function fakeCheckpoint(training: Record<string, unknown>, weights = 'ab'): string {
  const dir = mkdtempSync(join(tmpdir(), 'rdbm-ckpt-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ format: 'rdbm-lab/unet-checkpoint', version: 1, sha256: weights.repeat(32), architecture: {}, training }));
  return dir;
}

const OWN = { model: 'tiny', objective: 'pi-eps', pi: 'one', lambda: 0.2, schedule: 'linear', timesteps: 120, steps: 7, batchSize: 5, cropSize: 32, lr: 0.001, emaDecay: 0, seed: 3, checkpointEvery: 1000, split: 'train' };

describe('given checkpoints in sweeps (issue 14 point 4)', () => {
  it('sample with the checkpoint\'s own training config unless the experiment sets the field', () => {
    const ckpt = fakeCheckpoint(OWN);
    expect(checkpointTrainingFields(ckpt)).toEqual({ model: 'tiny', objective: 'pi-eps', pi: 'one', lambda: 0.2, schedule: 'linear', timesteps: 120, steps: 7, batchSize: 5, cropSize: 32, lr: 0.001, emaDecay: 0, seed: 3, gradClip: 0, warmup: 0 });
    // gradClip, warmup: a training config without them was trained unclipped, without warm-up (0); one that uses them records them
    expect(checkpointTrainingFields(fakeCheckpoint({ ...OWN, gradClip: 1 })).gradClip).toBe(1);
    expect(checkpointTrainingFields(fakeCheckpoint({ ...OWN, warmup: 100 })).warmup).toBe(100);
    const plan = planExperiments(['nfe'], { scale: 'smoke', checkpoints: { rdbm: ckpt } });
    for (const p of plan.points) {
      expect({ objective: p.config.objective, pi: p.config.pi, lambda: p.config.lambda, schedule: p.config.schedule, timesteps: p.config.timesteps }).toEqual({ objective: 'pi-eps', pi: 'one', lambda: 0.2, schedule: 'linear', timesteps: 120 });
      expect(p.keys.train).toBeUndefined();
    }
    expect(plan.points.map((p) => p.config.nfe)).toEqual([2, 10, 20, 50, 100]); // the axis is explicit
    // a checkpoint whose T is below an NFE point: refused with the point and the checkpoint named
    const short = fakeCheckpoint({ ...OWN, timesteps: 50 });
    expect(() => planExperiments(['nfe'], { scale: 'smoke', checkpoints: { rdbm: short } })).toThrow(`experiment nfe at scale smoke, point nfe=100 (with the training config of checkpoint ${short}): invalid nfe: 100 (expected <= timesteps 50)`);
    // the sampling-schedule axis is explicit too, the trained schedule stays the checkpoint's
    const s = planExperiments(['sampling-schedule'], { scale: 'smoke', checkpoints: { rdbm: ckpt } });
    expect(s.points.map((p) => [p.config.schedule, p.config.sampleSchedule])).toEqual([['linear', 'cosine'], ['linear', 'linear'], ['linear', 'sigmoid']]);
  });

  it('a .pt carries no training config: the point keeps its own settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-pt-'));
    writeFileSync(join(dir, 'model.pt'), Buffer.from([1, 2, 3]));
    expect(checkpointTrainingFields(join(dir, 'model.pt'))).toEqual({});
    const plan = planExperiments(['nfe'], { scale: 'smoke', checkpoints: { rdbm: join(dir, 'model.pt') } });
    expect(plan.points[0].config.schedule).toBe('cosine');
  });

  it('refuse a training axis whose points would share one checkpoint, unless asked for explicitly', () => {
    const ckpt = fakeCheckpoint(OWN);
    expect(() => planExperiments(['lambda'], { scale: 'smoke', checkpoints: { rdbm: ckpt } })).toThrow(
      new RegExp(`^experiment lambda: its lambda axis changes training, but 3 points \\(lambda=0.00392157; lambda=0.0392157; lambda=0.392157\\) would all restore with the one checkpoint ${ckpt}, so they cannot differ as the axis says; give each point its own checkpoint`),
    );
    expect(() => planExperiments(['pi'], { scale: 'smoke', checkpoints: { rdbm: ckpt } })).toThrow(/^experiment pi: its pi axis changes training, but 4 points/);
    // asked for: λ acts at sampling (explicit, so not the checkpoint's 0.2); π does not, so the π points share one restoration
    const lambda = planExperiments(['lambda'], { scale: 'smoke', checkpoints: { rdbm: ckpt }, allowSharedCheckpoint: true });
    expect(lambda.points.map((p) => p.config.lambda)).toEqual([1 / 255, 10 / 255, 100 / 255]);
    const pi = planExperiments(['pi'], { scale: 'smoke', checkpoints: { rdbm: ckpt }, allowSharedCheckpoint: true });
    expect(new Set(pi.points.map((p) => p.keys.restore)).size).toBe(1);
  });

  it('one checkpoint per point (a checkpoint axis in an experiment file) is planned as separate groups keyed by content', () => {
    const a = fakeCheckpoint(OWN, 'aa');
    const b = fakeCheckpoint({ ...OWN, lambda: 0.5 }, 'bb');
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-exp-'));
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify({ name: 'mine', title: 'two runs', description: 'two checkpoints', axes: { checkpoint: [a, b] } }));
    const plan = planExperiments([file], { scale: 'smoke' });
    expect(plan.points.map((p) => p.config.lambda)).toEqual([0.2, 0.5]);
    expect(plan.groups).toHaveLength(2);
    // the same bytes under another path: the same keys
    const copy = fakeCheckpoint(OWN, 'aa');
    mkdirSync(join(dir, 'x'));
    const file2 = join(dir, 'x', 'mine.json');
    writeFileSync(file2, JSON.stringify({ name: 'mine', title: 'two runs', description: 'two checkpoints', axes: { checkpoint: [copy, b] } }));
    expect(planExperiments([file2], { scale: 'smoke' }).jobs.map((j) => j.key)).toEqual(plan.jobs.map((j) => j.key));
  });
});
