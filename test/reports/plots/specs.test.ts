import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bridgeSchedule, vpSchedule } from '../../../src/bridge/index.js';
import {
  type ReproducedSet,
  costPoints,
  nfePoints,
  perTaskPlot,
  psnrVsCostPlot,
  psnrVsNfePlot,
  restorationGridPlot,
  wrapWords,
  scheduleCurvePoints,
  scheduleCurvesPlot,
  modelSizes,
  modelSizesPlot,
  transitionCurves,
  transitionPlot,
} from '../../../src/reports/index.js';
import { drawn } from './drawn.js';

const fixture = (name: string): ReproducedSet => JSON.parse(readFileSync(new URL(`../../fixtures/reports/${name}`, import.meta.url), 'utf8'));
const main = fixture('reproduced-main.json');
const snapshot = (name: string) => `../../fixtures/reports/specs/${name}.vl.json`;
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
const values = (spec: unknown) => (spec as { data: { values: Record<string, unknown>[] } }).data.values;

describe('plot specs', () => {
  it('per-task bars: one value per entry and task, plus the average, with the convention in the subtitle', async () => {
    const spec = perTaskPlot(main, 'psnr');
    expect(values(spec)).toHaveLength(5 + 1 + 5 + 1 + 1);
    expect(values(spec)).toContainEqual({ task: 'Dehazing', entry: 'RDBM-L', value: 33 });
    expect(JSON.stringify(spec)).toContain('metric convention: rdbm; scale: smoke');
    expect(await drawn(spec)).toEqual({ rect: 13 }); // one bar per value
    await expect(json(spec)).toMatchFileSnapshot(snapshot('per-task-psnr'));
    await expect(json(perTaskPlot(main, 'ssim'))).toMatchFileSnapshot(snapshot('per-task-ssim'));
    expect(() => perTaskPlot(main, 'lpips' as never)).toThrow(/unknown metric: "lpips"/);
  });

  it('PSNR vs NFE: reproduced points and the published known ones', async () => {
    const set: ReproducedSet = { ...main, experiment: 'nfe', entries: [2, 5, 10].map((n) => ({ key: String(n), label: String(n), nfe: n, average: { psnr: 20 + n / 2, ssim: null }, tasks: {} })) };
    const points = nfePoints(set);
    expect(points.filter((p) => p.series.startsWith('paper')).map((p) => [p.nfe, p.psnr])).toEqual([[2, 22.81], [10, 31.04]]);
    expect(points.filter((p) => p.series.startsWith('ours')).map((p) => p.nfe)).toEqual([2, 5, 10]);
    const spec = psnrVsNfePlot(set);
    // 3 ours + 2 published points, joined per series; the 95 % band draws nothing for entries without intervals
    expect(await drawn(spec)).toEqual({ area: 0, line: 5, symbol: 5 });
    await expect(json(spec)).toMatchFileSnapshot(snapshot('psnr-vs-nfe'));
  });

  it('schedule curves: Θ, Σ and the RNR factor from the bridge schedule, RNR without its zero at T−1', async () => {
    const schedule = bridgeSchedule({ schedule: 'cosine', timesteps: 5, lambda: 10 / 255 });
    const points = scheduleCurvePoints([{ label: 'cosine', schedule }]);
    expect(points.filter((p) => p.quantity === 'Θ').map((p) => p.value)).toEqual([...schedule.Theta]);
    expect(points.filter((p) => p.quantity === 'Σ').map((p) => p.value)).toEqual([...schedule.Sigma]);
    expect(points.filter((p) => p.quantity === 'RNR')).toHaveLength(4);
    expect(points.filter((p) => p.quantity === 'Θ').map((p) => p.t)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const spec = scheduleCurvesPlot([
      { label: 'cosine, λ = 10/255', schedule },
      { label: 'linear, λ = 1/255', schedule: bridgeSchedule({ schedule: 'linear', timesteps: 5, lambda: 1 / 255 }) },
    ]);
    expect(await drawn(spec)).toEqual({ line: 2 * (5 + 5 + 4) }); // per schedule: Θ and Σ at 5 steps, RNR at 4
    await expect(json(spec)).toMatchFileSnapshot(snapshot('schedule-curves'));
  });

  it('PSNR vs cost: ours and the published rows with both params and FLOPs', async () => {
    const points = costPoints(main);
    expect(points.find((p) => p.label === 'RDBM-L' && p.series === 'paper')).toEqual({ label: 'RDBM-L', series: 'paper', paramsM: 7.73, flopsG: 32.93, psnr: 31.04 });
    expect(points.find((p) => p.label === 'RDBM-T' && p.series.startsWith('ours'))?.paramsM).toBe(0.452);
    const spec = psnrVsCostPlot(main);
    // each panel draws a point and a label for every row with a value on its axis (log scale: null rows left out)
    const withParams = points.filter((p) => p.paramsM !== null).length;
    const withFlops = points.filter((p) => p.flopsG !== null).length;
    expect([withParams, withFlops]).toEqual([8, 8]); // 3 ours + GOUB, ConvIR, MaIR, RDBM-B, RDBM-L (IRSDE has neither)
    expect(await drawn(spec)).toEqual({ symbol: withParams + withFlops, text: withParams + withFlops });
    await expect(json(spec)).toMatchFileSnapshot(snapshot('psnr-vs-cost'));
  });

  it('restoration grid: one image mark per cell, columns in first-seen order', async () => {
    const url = 'data:image/png;base64,AAAA';
    const spec = restorationGridPlot([
      { label: 'rain 1', cells: [{ column: 'input', url }, { column: 'RDBM-T', url, caption: '25.00 dB' }, { column: 'ground truth', url }] },
      { label: 'haze 1', cells: [{ column: 'input', url }, { column: 'ground truth', url }] },
    ], { cellSize: 64 });
    expect(values(spec)).toHaveLength(5);
    expect(JSON.stringify(spec)).toContain('"sort":["input","RDBM-T","ground truth"]');
    expect((await drawn(spec)).image).toBe(5); // one image per cell
    await expect(json(spec)).toMatchFileSnapshot(snapshot('restoration-grid'));
  });

  it('restoration grid: long column titles wrap to the column width at spaces and hang from one line above the images', async () => {
    expect(wrapWords('|error| ×4 (whole images (tile auto))', 12)).toEqual(['|error| ×4', '(whole', 'images (tile', 'auto))']);
    expect(wrapWords('input', 12)).toEqual(['input']);
    expect(wrapWords('a-very-long-word x', 4)).toEqual(['a-very-long-word', 'x']);
    const url = 'data:image/png;base64,AAAA';
    const long = 'whole images (tile auto)';
    const spec = restorationGridPlot([{ label: 'rain 1', cells: [{ column: 'input', url }, { column: long, url }] }], { cellSize: 64 });
    // (64 + 20) px / 6.2 px per character: 13 characters a line
    expect(values(spec).map((v) => v.column)).toEqual(['input', 'whole images\n(tile auto)']);
    const axis = JSON.stringify(spec);
    expect(axis).toContain('"labelPadding":26'); // two lines of 12 px + 2
    expect((await drawn(spec)).image).toBe(2);
  });
});

describe('the notebooks\' plots', () => {
  it('model sizes: each preset\'s parameters and thop FLOPs at 256² within 1% of the paper where it gives them, drawn with a label per point', async () => {
    const rows = modelSizes();
    expect(rows.map((r) => r.model)).toEqual(['RDBM-T', 'RDBM-S', 'RDBM-B', 'RDBM-L']);
    for (const r of rows) {
      if (r.paperParamsM !== null) expect(Math.abs(r.paramsM / r.paperParamsM - 1), r.model).toBeLessThan(0.01);
      if (r.paperFlopsG !== null) expect(Math.abs(r.flopsG / r.paperFlopsG - 1), r.model).toBeLessThan(0.01);
    }
    // 4 ours + B and L from the paper (T has no published FLOPs, S nothing)
    expect(await drawn(modelSizesPlot(rows))).toEqual({ symbol: 6, text: 6 });
  });

  it('generative transition: one line per bridge × prior in each panel, stopping at the prior\'s SNR floor', async () => {
    const { points, coverage } = transitionCurves(
      [{ label: 'cosine, 10/255', schedule: bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: 10 / 255 }) }],
      [{ label: 'VP cosine, S = 1000', schedule: vpSchedule({ schedule: 'cosine', timesteps: 1000 }) }, { label: 'VP linear, S = 100', schedule: vpSchedule({ schedule: 'linear', timesteps: 100 }) }],
    );
    // t = −1 … noisiestMatched for each prior; the short linear prior is refused its noisiest 25 steps
    expect(coverage.map((c) => [c.prior, c.refused])).toEqual([['VP cosine, S = 1000', coverage[0].refused], ['VP linear, S = 100', 25]]);
    expect(points.length).toBe(coverage.reduce((a, c) => a + c.noisiestMatched + 2, 0));
    expect(await drawn(transitionPlot(points))).toEqual({ line: 2 * points.length }); // every matched step in both panels
  });
});
