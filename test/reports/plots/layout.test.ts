/** Plot layout defects of issue 33, checked on the compiled Vega view (no browser here): axis domains and the drawn width. */
import { expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { compileVegaLite } from '../../../src/reports/render.js';
import { perTaskPlot } from '../../../src/reports/plots/per-task.js';
import { psnrVsNfePlot } from '../../../src/reports/plots/nfe.js';
import type { ReproducedSet } from '../../../src/reports/types.js';

async function view(spec: TopLevelSpec) {
  const { View, parse } = await import('vega');
  const v = new View(parse(await compileVegaLite(spec)), { renderer: 'none' });
  await v.runAsync();
  return v;
}

const entry = (key: string, label: string, psnr: number, nfe?: number) => ({
  key,
  label,
  average: { psnr, ssim: 0.5 },
  tasks: Object.fromEntries(['deraining', 'low-light', 'desnowing', 'dehazing', 'deblurring'].map((t, i) => [t, { psnr: psnr + i, ssim: 0.5, images: 16 }])),
  ...(nfe !== undefined ? { nfe } : {}),
});

it('PSNR vs NFE spans the NFE values it shows (a niced log scale left the right third empty)', async () => {
  // the cpu scale's NFE axis: 2, 10, 20 (the paper's points: 2 and 10)
  const set: ReproducedSet = { experiment: 'nfe', convention: 'rdbm', scale: 'cpu', entries: [entry('2', '2', 18, 2), entry('10', '10', 18.5, 10), entry('20', '20', 18.4, 20)] };
  const v = await view(psnrVsNfePlot(set));
  try {
    const domain = (v.scale('x') as unknown as { domain(): number[] }).domain();
    // the values' range, padded by a few pixels: not 1…100
    expect(domain[0]).toBeGreaterThan(1.6);
    expect(domain[0]).toBeLessThanOrEqual(2);
    expect(domain[1]).toBeGreaterThanOrEqual(20);
    expect(domain[1]).toBeLessThan(25);
  } finally {
    v.finalize();
  }
});

it('a per-task plot with long entry labels is not several times wider than its bars (the legend sits below)', async () => {
  const labels = ['whole images (tile auto)', '32-px windows overlapping by 4 (tile crop)', '32-px windows, no overlap (tile grid)'];
  const set: ReproducedSet = { experiment: 'cpu-tile', convention: 'rdbm', scale: 'own runs', entries: labels.map((l, i) => entry(l, l, 18 + i)) };
  const v = await view(perTaskPlot(set));
  try {
    const bars = (v.data('data_0') as unknown[]).length;
    expect(bars).toBe(3 * 6);
    // the whole image at most 1.6× the plot's width (with the legend on the right: 1.8×)
    const bounds = (v.scenegraph() as unknown as { root: { bounds: { x1: number; x2: number } } }).root.bounds;
    expect(bounds.x2 - bounds.x1).toBeLessThanOrEqual(1.6 * v.width());
  } finally {
    v.finalize();
  }
});
