/**
 * evaluateFolders on a small dataset (fixture.ts) with two restored folders: every score equals
 * scorePair on the files, the rows and Δ are reduceSet's over those scores, tasks show by their
 * display names, and a missing metric, folder or baseline is one line naming it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/index.js';
import { scorePair } from '../../src/metrics/index.js';
import { evaluateFolders } from '../../src/notebook/index.js';
import { reduceSet } from '../../src/reports/index.js';
import { LAYOUT, writeLayout } from './fixture.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-folders-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const STATS = { resamples: 2000, seed: 0 };
let data: string;

beforeAll(async () => {
  data = await writeLayout(root, { near: 2, far: 4 });
});

describe('evaluateFolders', () => {
  it('scores each folder and the input as scorePair does, and reduces them as the report does', async () => {
    const cmp = await evaluateFolders({ data, metric: 'basicsr-y', folders: { near: join(root, 'runs/near'), far: join(root, 'runs/far') }, baseline: 'far', statistics: STATS, workers: 1 });
    expect(cmp.scores.points.map((p) => p.key)).toEqual(['input', 'near', 'far']);
    expect(cmp.folders).toEqual({ near: join(root, 'runs/near'), far: join(root, 'runs/far') });
    for (const p of cmp.scores.points) {
      for (const im of p.images) {
        const [task, sub] = LAYOUT.find(([, , names]) => (names as readonly string[]).includes(im.name))!;
        const gt = await readImage(join(data, task, sub, 'test', 'label', im.name));
        const pred = await readImage(p.key === 'input' ? join(data, task, sub, 'test', 'condition', im.name) : join(root, 'runs', p.key, task, sub, im.name));
        const s = scorePair(gt, pred, 'basicsr-y');
        expect([im.psnr, im.ssim]).toEqual([s.psnr, s.ssim]);
      }
    }
    expect(cmp.set).toEqual(reduceSet(cmp.scores, STATS));
    expect(cmp.set.dataset).toBe('data'); // the folder's name, no machine path
    // near − far: positive (less noise), the two-level delta over the same images with tasks as strata
    const near = cmp.set.entries.find((e) => e.key === 'near')!;
    const images = (key: string) => cmp.scores.points.find((p) => p.key === key)!.images;
    const taskMeans = ['deraining', 'low-light'].map((task) => {
      const d = images('near').filter((im) => im.task === task).map((im, i) => im.psnr! - images('far').filter((f) => f.task === task)[i].psnr!);
      return d.reduce((a, b) => a + b, 0) / d.length;
    });
    expect(near.delta!.psnr!.mean).toBeGreaterThan(0);
    expect(near.delta!.psnr!.mean).toBeCloseTo((taskMeans[0] + taskMeans[1]) / 2, 10);
    expect(near.delta!.pairs).toBe(6);
    const table = cmp.table();
    expect(table).toContain('| far (baseline) |');
    expect(table).toContain('Δ PSNR vs baseline');
    expect(table).not.toContain('Enlighening');
    expect(JSON.stringify(cmp.plot())).toContain('Low-light');
  });

  it('refuses a missing metric, a missing folder and an unknown baseline in one line', async () => {
    await expect(evaluateFolders({ data, folders: { a: join(root, 'runs/near') } } as never)).rejects.toThrow(/^evaluateFolders: no metric \(the conventions differ/);
    await expect(evaluateFolders({ data, metric: 'rdbm', folders: { gone: join(root, 'runs/gone') } })).rejects.toThrow(`evaluateFolders, point "gone": restored folder ${join(root, 'runs/gone')} not found`);
    await expect(evaluateFolders({ data, metric: 'rdbm', folders: { near: join(root, 'runs/near') }, baseline: 'far' })).rejects.toThrow('unknown baseline: "far" (expected one of near)');
  });
});
