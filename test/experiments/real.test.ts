import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planExperiments, runExperiment } from '../../src/experiments/api.js';
import { realExecutors } from '../../src/experiments/real.js';
import { pickEvenly, selectTestPairs } from '../../src/experiments/testset.js';
import { scorePair } from '../../src/metrics/index.js';
import { readImage } from '../../src/image/index.js';
import { cropTile, restoreImages } from '../../src/models/index.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-real-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const io = { err: () => {}, errIsTTY: false };

describe('test-set selection', () => {
  it('picks evenly through the sorted list', () => {
    expect(pickEvenly([0, 1, 2, 3, 4, 5], 2)).toEqual([0, 3]);
    expect(pickEvenly([0, 1, 2, 3, 4, 5], 3)).toEqual([0, 2, 4]);
    expect(pickEvenly([0, 1, 2], 0)).toEqual([0, 1, 2]);
    expect(pickEvenly([0, 1, 2], 5)).toEqual([0, 1, 2]);
  });
});

describe('real executors without a network', () => {
  it('generate mini-uir once per size and score restored images against the labels', async () => {
    const ex = realExecutors();
    const point = planExperiments('nfe', { scale: 'smoke' }).points[0];
    const config = { ...point.config, testLimit: 2 };
    const datasets = join(root, 'datasets');
    const data = await ex.prepareData(config, datasets, { io });
    expect(data).toBe(join(datasets, 'mini-uir-32'));
    const stamp = statSync(join(data, 'manifest.json')).mtimeMs;
    expect(await ex.prepareData(config, datasets, { io })).toBe(data);
    expect(statSync(join(data, 'manifest.json')).mtimeMs).toBe(stamp);

    const pairs = selectTestPairs(data, 2);
    expect(pairs.map((p) => `${p.task}/${p.name}`).slice(0, 2)).toEqual(['Deblur/chelsea_0.png', 'Deblur/cv-squirrel_cls_0.png']);
    expect(pairs).toHaveLength(10);

    // an "identity restoration": the degraded inputs laid out as restored outputs
    const restored = join(root, 'restored');
    for (const p of pairs) {
      mkdirSync(join(restored, p.task, p.subDataset), { recursive: true });
      cpSync(p.condition, join(restored, p.task, p.subDataset, p.name));
    }
    const job = { kind: 'evaluate' as const, key: 'k', group: 'g', spec: {}, config, points: [] };
    const out = await ex.evaluate({ job, dataRoot: data, restoredDir: restored, io });
    expect(out.images).toHaveLength(10);
    for (const [i, p] of pairs.entries()) {
      const s = scorePair(await readImage(p.label), await readImage(p.condition), 'rdbm');
      expect(out.images[i]).toEqual({ task: p.task, subDataset: p.subDataset, name: p.name, psnr: s.psnr, ssim: s.ssim });
      expect(s.psnr).toBeGreaterThan(5);
      expect(s.psnr).toBeLessThan(45);
    }
    rmSync(join(restored, pairs[3].task, pairs[3].subDataset, pairs[3].name));
    await expect(ex.evaluate({ job, dataRoot: data, restoredDir: restored, io })).rejects.toThrow(/restored image missing: .*cv-squirrel_cls_0.png/);
  });

  it('refuse a dataset folder that does not exist (when planning, and when preparing data)', async () => {
    expect(() => planExperiments('nfe', { scale: 'smoke', dataset: join(root, 'nowhere') })).toThrow(/^experiment nfe, point nfe=2: dataset folder not found: .*nowhere/);
    const config = { ...planExperiments('nfe', { scale: 'smoke' }).points[0].config, dataset: join(root, 'nowhere') };
    await expect(realExecutors().prepareData(config, root, { io })).rejects.toThrow(/dataset folder not found: .*nowhere/);
  });
});

describe('a real smoke sweep (tiny network, TensorFlow.js)', () => {
  it('trains once, restores per NFE, scores, and a rerun reuses everything', async () => {
    const file = join(root, 'tiny-nfe.json');
    writeFileSync(file, JSON.stringify({ name: 'tiny-nfe', title: 'NFE on the tiny model', description: 'integration test', base: { steps: 2 }, axes: { nfe: [2, 3] } }));
    const results = join(root, 'results');
    const errors: string[] = [];
    const io = { err: (t: string) => void errors.push(t), errIsTTY: false };
    const first = await runExperiment(file, { scale: 'smoke', resultsDir: results, io });
    expect(first.ran).toEqual({ train: 1, restore: 2, evaluate: 2 });
    expect(readdirSync(join(results, 'runs'))).toHaveLength(2);
    for (const run of first.runs) {
      expect(run.metrics.images).toHaveLength(5);
      expect(Object.keys(run.metrics.tasks)).toEqual(['Deblur', 'Dehazing', 'Deraining', 'Desnowing', 'Enlighening']);
      // the recorded scores are the convention's scores of the restored files against the labels, and
      // the overall figure is the mean of the task means
      const pairs = selectTestPairs(join(results, 'datasets', `mini-uir-${run.config.datasetSize}`), run.config.testLimit);
      expect(pairs).toHaveLength(5);
      for (const pair of pairs) {
        const file = join(results, 'restored', run.jobs.restore, pair.task, pair.subDataset, pair.name.replace(/\.[^.]+$/, '.png'));
        const s = scorePair(await readImage(pair.label), await readImage(file), 'rdbm');
        const recorded = run.metrics.images.find((i) => i.task === pair.task && i.subDataset === pair.subDataset && i.name === pair.name)!;
        expect([recorded.psnr, recorded.ssim]).toEqual([s.psnr, s.ssim]);
        expect(run.metrics.tasks[pair.task].psnr).toBe(s.psnr); // one image per task at smoke scale
      }
      const taskMeans = Object.values(run.metrics.tasks).map((t) => t.psnr!);
      expect(run.metrics.overall.meanOfTasks.psnr).toBeCloseTo(taskMeans.reduce((a, b) => a + b, 0) / taskMeans.length, 12);
      expect(run.backend).toMatch(/wasm|cpu|node/);
      expect(run.versions['@tensorflow/tfjs-core']).toMatch(/^4\./);
    }
    // restored images mirror the layout
    const restored = join(results, 'restored', first.runs[0].jobs.restore, 'Dehazing', 'MiniHaze');
    expect(readdirSync(restored)).toEqual(['chelsea_0.png']);
    expect(errors.join('')).toMatch(/sweep 5\/5 jobs/);
    const second = await runExperiment(file, { scale: 'smoke', resultsDir: results });
    expect(second.ran).toEqual({ train: 0, restore: 0, evaluate: 0 });
    expect(second.runs.map((r) => r.metrics.overall.meanOfTasks.psnr)).toEqual(first.runs.map((r) => r.metrics.overall.meanOfTasks.psnr));

    // tile `crop`: the same checkpoint (no retraining) restored in overlapping windows of its training crop side
    const tiledFile = join(root, 'tiny-nfe-tiled.json');
    writeFileSync(tiledFile, JSON.stringify({ name: 'tiny-nfe-tiled', title: 'tiled', description: 'integration test', base: { steps: 2, tile: 'crop' }, axes: { nfe: [2] } }));
    const tiled = await runExperiment(tiledFile, { scale: 'smoke', resultsDir: results });
    expect(tiled.ran).toEqual({ train: 0, restore: 1, evaluate: 1 });
    const run = tiled.runs[0];
    expect(run.config).toMatchObject({ tile: 'crop', cropSize: 16, datasetSize: 32 });
    const whole = first.runs.find((r) => r.config.nfe === 2)!;
    expect(run.jobs.train).toBe(whole.jobs.train);
    const pair = selectTestPairs(join(results, 'datasets', 'mini-uir-32'), 1)[0];
    const direct = join(root, 'tiled-direct');
    await restoreImages({ checkpoint: join(results, 'checkpoints', run.jobs.train!, 'checkpoint-0000002'), inputs: [{ name: 'x.png', path: pair.condition }], outputDir: direct, nfe: 2, tile: { size: 16, overlap: 2 } });
    expect(cropTile(16)).toEqual({ size: 16, overlap: 2 });
    const swept = await readImage(join(results, 'restored', run.jobs.restore, pair.task, pair.subDataset, pair.name.replace(/\.[^.]+$/, '.png')));
    expect(Buffer.from(swept.data).equals(Buffer.from((await readImage(join(direct, 'x.png'))).data))).toBe(true);
    const untiled = await readImage(join(results, 'restored', whole.jobs.restore, pair.task, pair.subDataset, pair.name.replace(/\.[^.]+$/, '.png')));
    expect(Buffer.from(swept.data).equals(Buffer.from(untiled.data))).toBe(false);
  }, 300000);
});
