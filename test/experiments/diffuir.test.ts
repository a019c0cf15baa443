import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planExperiments, runExperiment } from '../../src/experiments/api.js';
import { checkpointContentKey } from '../../src/experiments/keys.js';
import { CHECKPOINT_EXPERIMENTS, DEFAULT_SWEEP, EXPERIMENT_NAMES } from '../../src/experiments/builtins.js';
import { PAPER_CONFIG } from '../../src/experiments/paper.js';
import { writeImage, readImage } from '../../src/image/index.js';
import { scorePair } from '../../src/metrics/index.js';
import { diffuirRestoreFiles } from '../../src/rddm/index.js';
import { createRng } from '../../src/util/random.js';
import { runCli } from '../../src/cli/main.js';
import { capture } from './fakes.js';

/** a DiffUIR trainer dict (ema.ema_model.model.unet0.*): see test/rddm/checkpoint.test.ts */
const DIFFUIR = fileURLToPath(new URL('../fixtures/models/unet_d8_m1_trainer.pt', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'rdbm-diffuir-exp-'));
const data = join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A tiny dataset in the RDBM/DGSolver layout: LOL (equalised by DiffUIR's loader) and SOTS; 3 train pairs 20 px, 1 test pair 16×14. */
beforeAll(async () => {
  const rng = createRng(11);
  for (const [task, sub] of [['Enlighening', 'LOL'], ['Dehazing', 'SOTS']]) {
    for (const [split, n, w, h] of [['train', 3, 20, 20], ['test', 1, 16, 14]] as const) {
      for (const kind of ['label', 'condition']) mkdirSync(join(data, task, sub, split, kind), { recursive: true });
      for (let i = 0; i < n; i++) {
        const label = new Uint8Array(w * h * 3).map(() => rng.int(256));
        const cond = label.map((v) => (task === 'Dehazing' ? Math.round(v * 0.6 + 90) : Math.round(v * 0.2)));
        await writeImage(join(data, task, sub, split, 'label', `${i}.png`), { width: w, height: h, channels: 3, data: label });
        await writeImage(join(data, task, sub, split, 'condition', `${i}.png`), { width: w, height: h, channels: 3, data: cond });
      }
    }
  }
});

describe('family and the diffuir-vs-rdbm experiment', () => {
  it('family defaults to rdbm and is not hashed then; it is out of `reproduce` and `all`', () => {
    expect(PAPER_CONFIG.family).toBe('rdbm');
    const plan = planExperiments('nfe', { scale: 'smoke' });
    expect(plan.points.every((p) => p.config.family === 'rdbm')).toBe(true);
    expect(plan.jobs.some((j) => 'family' in j.spec)).toBe(false);
    expect(DEFAULT_SWEEP).not.toContain('diffuir-vs-rdbm');
    expect(Object.keys(CHECKPOINT_EXPERIMENTS)).toEqual(['diffuir-vs-rdbm']);
    expect(EXPERIMENT_NAMES).not.toContain('diffuir-vs-rdbm');
    expect(planExperiments('all', { scale: 'smoke' }).experiments).not.toContain('diffuir-vs-rdbm');
  });

  it('plans DiffUIR (given checkpoint, 3 steps, no training) next to RDBM (trained, NFE 10), both under basicsr-y', () => {
    const plan = planExperiments('diffuir-vs-rdbm', { scale: 'paper', dataset: data, checkpoints: { diffuir: DIFFUIR } });
    expect(plan.points.map((p) => p.label)).toEqual(['family=diffuir', 'family=rdbm']);
    const [d, r] = plan.points;
    expect(d.config).toMatchObject({ family: 'diffuir', checkpoint: DIFFUIR, nfe: 3, metric: 'basicsr-y', dataset: data });
    expect(d.keys.train).toBeUndefined();
    expect(r.config).toMatchObject({ family: 'rdbm', checkpoint: '', nfe: 10, metric: 'basicsr-y', model: 'L' });
    expect(r.keys.train).toMatch(/^[0-9a-f]{16}$/);
    const restore = plan.jobs.find((j) => j.key === d.keys.restore)!;
    // a given checkpoint is keyed by its content, not its path
    expect(restore.spec).toMatchObject({ family: 'diffuir', nfe: 3, after: { checkpoint: checkpointContentKey(DIFFUIR) } });
    // an RDBM checkpoint replaces the training
    const rdbm = join(root, 'rdbm.pt');
    writeFileSync(rdbm, Buffer.from([1, 2, 3]));
    const given = planExperiments('diffuir-vs-rdbm', { scale: 'paper', dataset: data, checkpoints: { diffuir: DIFFUIR, rdbm } });
    expect(given.jobs.filter((j) => j.kind === 'train')).toHaveLength(0);
    expect(given.points[1].config.checkpoint).toBe(rdbm);
  });

  it('rdbm sweep diffuir-vs-rdbm --dry-run plans with --diffuir-checkpoint, and is a one-line error without it', async () => {
    const c = capture();
    expect(await runCli(['sweep', 'diffuir-vs-rdbm', '--dry-run', '--data', data, '--diffuir-checkpoint', DIFFUIR, '--results', join(root, 'r0')], c.io)).toBe(0);
    // the default scale trains three seeds of RDBM; the given DiffUIR checkpoint is one run, planned once without a seed
    expect(c.out()).toMatch(/4 points → 11 unique jobs \(3 train, 4 restore, 4 evaluate\)/);
    expect(c.out()).toMatch(/diffuir-vs-rdbm:family=diffuir\s+\(given\)/);
    expect(c.out()).toMatch(/diffuir-vs-rdbm:family=rdbm,seed=2\s/);
    expect(c.out()).not.toMatch(/family=diffuir,seed/);
    const e = capture();
    expect(await runCli(['sweep', 'diffuir-vs-rdbm', '--dry-run', '--data', data], e.io)).toBe(2);
    expect(e.err()).toMatch(/^rdbm: experiment diffuir-vs-rdbm, point family=diffuir(,seed=0)?: family diffuir needs a checkpoint/);
    expect(e.err().trim().split('\n')).toHaveLength(1);
    const l = capture();
    expect(await runCli(['sweep', '--list'], l.io)).toBe(0);
    expect(l.out()).toMatch(/diffuir-vs-rdbm .*\n.*axes: family \[diffuir, rdbm\] \(train\); seed \[0, 1, 2\] \(train\)  \(named only: needs --diffuir-checkpoint\)/);
  });

  it('runs at smoke scale: DiffUIR restores through src/rddm, RDBM trains a tiny model; per-task basicsr-y scores', async () => {
    const results = join(root, 'results');
    const io = { err: () => {}, errIsTTY: false };
    const report = await runExperiment('diffuir-vs-rdbm', { scale: 'smoke', dataset: data, resultsDir: results, checkpoints: { diffuir: DIFFUIR }, io });
    expect(report.ran).toEqual({ train: 1, restore: 2, evaluate: 2 });
    const byFamily = Object.fromEntries(report.runs.map((r) => [r.config.family, r]));
    expect(Object.keys(byFamily).sort()).toEqual(['diffuir', 'rdbm']);
    for (const r of report.runs) {
      expect(r.metrics.convention).toBe('basicsr-y');
      expect(Object.keys(r.metrics.tasks).sort()).toEqual(['Dehazing', 'Enlighening']);
      expect(r.metrics.images).toHaveLength(2);
    }
    // the DiffUIR run scores exactly what diffuirRestoreFiles writes for the same inputs (network loaded once, per group)
    const direct = join(root, 'direct');
    for (const [task, sub] of [['Enlighening', 'LOL'], ['Dehazing', 'SOTS']]) {
      await diffuirRestoreFiles({ checkpoint: DIFFUIR, inputs: [{ name: '0.png', path: join(data, task, sub, 'test', 'condition', '0.png') }], outputDir: join(direct, task, sub), nfe: 3 });
      const s = scorePair(await readImage(join(data, task, sub, 'test', 'label', '0.png')), await readImage(join(direct, task, sub, '0.png')), 'basicsr-y');
      const got = byFamily.diffuir.metrics.images.find((i) => i.task === task)!;
      expect(got.psnr).toBe(s.psnr);
      expect(got.ssim).toBe(s.ssim);
    }
    expect(JSON.parse(readFileSync(join(results, 'runs', `${byFamily.diffuir.key}.json`), 'utf8')).config.family).toBe('diffuir');
    // rerun: everything cached
    const again = await runExperiment('diffuir-vs-rdbm', { scale: 'smoke', dataset: data, resultsDir: results, checkpoints: { diffuir: DIFFUIR }, io });
    expect(again.ran).toEqual({ train: 0, restore: 0, evaluate: 0 });
  }, 240_000);
});
