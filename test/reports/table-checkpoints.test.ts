import { expect, it } from 'vitest';
import { checkpointsTable } from '../../src/reports/index.js';
import type { ReproducedSet } from '../../src/reports/types.js';

const entry = (key: string, psnr: number, extra: object = {}) => ({ key, label: key, average: { psnr, ssim: 0.5 }, tasks: { deraining: { psnr, ssim: 0.5, images: 3 } }, ...extra });

it('drops the cost columns for folders (no parameters known) and the Δ columns without a baseline', () => {
  const set: ReproducedSet = { experiment: 'folders', convention: 'basicsr-y', scale: 'own runs', entries: [entry('input', 15), entry('ours', 20), entry('theirs', 19)] };
  const t = checkpointsTable(set);
  expect(t.columns.map((c) => c.header)).toEqual(['Folder', 'PSNR', 'SSIM']);
  expect(t.rows.map((r) => r.method)).toEqual(['input', 'ours', 'theirs']);
  expect(t.title).toBe('folders: one-task average PSNR / SSIM');
});

it('keeps the headline within 12 columns with parameters, FLOPs, seconds and the Δ against the baseline', () => {
  const delta = { psnr: { mean: 1, low: 0.5, high: 1.5, p: 0.001, equivalence: null }, ssim: null, against: 'a', pairs: 3 };
  const set: ReproducedSet = { experiment: 'checkpoints', convention: 'rdbm', scale: 'NFE 2', default: 'a', entries: [entry('a', 18, { paramsM: 0.45, flopsG: 2.4 }), entry('b', 19, { paramsM: 1.1, flopsG: 6.3, delta })] };
  const t = checkpointsTable(set, { seconds: { a: 0.2, b: 0.4 } });
  expect(t.columns.length).toBeLessThanOrEqual(12);
  expect(t.columns.map((c) => c.header)).toEqual(['Checkpoint', 'PSNR', 'SSIM', 'Params M', 'FLOPs G', 's / image', 'Δ PSNR vs baseline', 'Δ PSNR 95% CI', 'Δ SSIM vs baseline', 'Δ SSIM 95% CI', 'Reading (95% CI)']);
  expect(t.rows[0]).toMatchObject({ method: 'a (baseline)', reading: '(baseline)', seconds: 0.2 });
  expect(t.rows[1]).toMatchObject({ method: 'b', psnr_vs_default: 1, psnr_vs_default_ci: '[+0.50, +1.50]', reading: '✱ PSNR above' });
  expect(t.notes.join(' ')).not.toMatch(/\bdefault\b/);
});
