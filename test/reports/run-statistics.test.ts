import { describe, expect, it } from 'vitest';
import { type EntryRun, entryDelta, entryInterval } from '../../src/reports/run-statistics.js';
import { twoLevelDelta } from '../../src/stats/index.js';

const OPTIONS = { resamples: 500, confidence: 0.95, seed: 0 };

/** 2 tasks × 4 images; PSNR = 20 + image effect + shift + seed offset. */
function run(shift: number, seed?: number, nullAt?: number): EntryRun {
  const images: EntryRun['images'][number][] = [];
  for (const task of ['deraining', 'dehazing']) {
    for (let i = 0; i < 4; i++) {
      const k = images.length;
      const psnr = 20 + Math.sin(3 * k) + shift + (seed ?? 0) * 0.1;
      images.push({ task, subDataset: 'S', name: `${i}.png`, psnr: k === nullAt ? null : psnr, ssim: 0.5 + psnr / 100 });
    }
  }
  return { ...(seed !== undefined ? { seed } : {}), images };
}

describe('an entry’s runs → two-level statistics', () => {
  it('uses the images every run of both entries scored; a seedless single run is deterministic', () => {
    const base = [run(0)];
    const cand = [run(0.5, 0), run(0.5, 1, 2), run(0.5, 2)];
    const d = entryDelta(base, cand, 'psnr', OPTIONS)!;
    // image 2 is null in one candidate run: left out everywhere
    const keep = [0, 1, 3, 4, 5, 6, 7];
    const ref = twoLevelDelta(
      { scores: [keep.map((k) => base[0].images[k].psnr!)], deterministic: true },
      { scores: cand.map((r) => keep.map((k) => 20 + Math.sin(3 * k) + 0.5 + r.seed! * 0.1)) },
      { ...OPTIONS, strata: keep.map((k) => base[0].images[k].task) },
    );
    expect(d.mean).toBeCloseTo(ref.mean, 12);
    expect([d.low, d.high, d.p, d.seedLevel]).toEqual([ref.low, ref.high, ref.p, 'separate']);
    // SSIM has no null: all 8 images
    expect(entryDelta(base, cand, 'ssim', OPTIONS)!.mean).toBeCloseTo(0.005 + 0.001, 12);
  });

  it('a one-seed entry beside a three-seed one takes the pooled seed variance', () => {
    expect(entryDelta([run(0, 0), run(0, 1), run(0, 2)], [run(0.3, 0)], 'psnr', OPTIONS)!.seedLevel).toBe('pooled');
  });

  it('fewer than 2 common images in a task: Δ without interval, p or equivalence; no image in common: null', () => {
    const one = (shift: number): EntryRun => ({ seed: 0, images: run(shift).images.filter((im) => im.name === '0.png') });
    const d = entryDelta([one(0)], [one(1)], 'psnr', OPTIONS)!;
    expect(d).toEqual({ mean: d.mean, low: null, high: null, p: null, equivalence: null });
    expect(d.mean).toBeCloseTo(1, 12);
    expect(entryInterval([one(0)], 'psnr', undefined, OPTIONS)).toBeUndefined();
    const other: EntryRun = { seed: 0, images: run(0).images.map((im) => ({ ...im, name: `x${im.name}` })) };
    expect(entryDelta([run(0, 0)], [other], 'psnr', OPTIONS)).toBeNull();
  });

  it('an entry’s interval, overall and per task, brackets its mean', () => {
    const runs = [run(0, 0), run(0, 1), run(0, 2)];
    const all = entryInterval(runs, 'psnr', undefined, OPTIONS)!;
    const task = entryInterval(runs, 'psnr', 'dehazing', OPTIONS)!;
    expect(all.low).toBeLessThan(all.high);
    expect(task.high - task.low).toBeGreaterThan(all.high - all.low);
  });
});
