import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandExperiment, EXPERIMENTS, inputJob, scoreInputs, selectTestPairs } from '../../src/experiments/index.js';
import { readImage } from '../../src/image/index.js';
import { scorePair } from '../../src/metrics/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rdbm-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scoreInputs: the unrestored input, scored like a restoration', () => {
  it('scores every test pair of the point (same test images, same convention) as scorePair(label, condition)', async () => {
    const config = expandExperiment(EXPERIMENTS.nfe, 'smoke').find((p) => p.config.nfe === 10)!.config;
    for (const metric of ['rdbm', 'basicsr-y'] as const) {
      const scores = await scoreInputs({ ...config, metric }, { resultsDir: dir });
      const pairs = selectTestPairs(join(dir, 'datasets', `mini-uir-${config.datasetSize}`), config.testLimit);
      expect(scores.map((s) => `${s.task}/${s.subDataset}/${s.name}`)).toEqual(pairs.map((p) => `${p.task}/${p.subDataset}/${p.name}`));
      expect(scores).toHaveLength(5 * config.testLimit);
      for (const [i, p] of pairs.entries()) {
        const direct = scorePair(await readImage(p.label), await readImage(p.condition), metric);
        expect(scores[i].psnr).toBe(direct.psnr);
        expect(scores[i].ssim).toBe(direct.ssim);
        // a degraded input is not its ground truth
        expect(scores[i].psnr!).toBeLessThan(40);
      }
    }
  });

  it('keys the input job by test set and convention only', () => {
    const [a, b] = expandExperiment(EXPERIMENTS.lambda, 'smoke').map((p) => p.config);
    expect(inputJob(a).key).toBe(inputJob(b).key);
    expect(inputJob({ ...a, metric: 'basicsr-y' }).key).not.toBe(inputJob(a).key);
    expect(inputJob({ ...a, testLimit: 2 }).needs).not.toBe(inputJob(a).needs);
  });
});
