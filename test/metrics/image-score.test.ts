/** The one per-image score type (src/metrics/image-score.ts). */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { imageScore } from '../../src/metrics/image-score.js';

it('records a scored pair, an infinite or missing PSNR (identical images) as null', () => {
  const pair = { task: 'Deraining', subDataset: 'Rain100H', name: 'rain-1.png' };
  expect(imageScore(pair, { psnr: 31.5, ssim: 0.9 })).toEqual({ ...pair, psnr: 31.5, ssim: 0.9 });
  expect(imageScore(pair, { psnr: Infinity, ssim: 1 })).toEqual({ ...pair, psnr: null, ssim: 1 });
  expect(imageScore(pair, {})).toEqual({ ...pair, psnr: null, ssim: null });
});

it('is the only per-image score type in src/ (the scoring attempt ImageResult and the deltas CSV row aside)', () => {
  const SRC = join(import.meta.dirname, '..', '..', 'src');
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
  const types = files(SRC).flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/interface (\w+)(?: extends [^{]+)? \{([^}]*)\}/g)]
      .filter((m) => /\bsubDataset\??:/.test(m[2]) && /\bpsnr\??:/.test(m[2]) && /\bname\??:/.test(m[2]))
      .map((m) => `${relative(SRC, f)}: ${m[1]}`),
  );
  expect(types.sort()).toEqual(['metrics/aggregate.ts: ImageResult', 'metrics/image-score.ts: ImageScore', 'reports/statistics.ts: ImageDeltaRow']);
});
