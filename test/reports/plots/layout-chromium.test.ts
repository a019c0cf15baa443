/**
 * Every plot the report writes and the notebooks show, rendered in headless Chromium as the notebooks
 * are (scripts/plot-layout.mjs): no two texts overlap, no legend or label is cut to its limit, nothing
 * reaches past the drawing's edge — in the SVG the PNGs are made from and in the live vega view.
 * The report's plots are drawn from the committed results/ (their real labels and values). A planted
 * overlap and a planted cut legend must be found. Under CI=true a missing Chromium fails the test.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { findChromium } from '../../../scripts/chromium.mjs';
import { checkPlotLayout } from '../../../scripts/plot-layout.mjs';
import { bridgeSchedule, vpSchedule } from '../../../src/bridge/index.js';
import { rddmScheduleCurves } from '../../../src/rddm/index.js';
import {
  bridgeExplorerPlot, bridgeFamilyCurves, compileVegaLite, modelSizes, modelSizesPlot, perTaskPlot, planReport, psnrVsCostPlot, renderSvg,
  restorationGridPlot, scheduleCurvesPlot, transitionCurves, transitionPlot,
} from '../../../src/reports/index.js';
import type { ReproducedSet } from '../../../src/reports/types.js';
import { requireTool } from '../../helpers/requirements.js';

const root = join(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'rdbm-plot-layout-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const vegaScript = join(dirname(createRequire(import.meta.url).resolve('vega')), 'vega.min.js');
const browser = findChromium();
const missing = browser ? undefined : 'Chromium not found (apt-get install chromium)';

const sets = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8')).sets as ReproducedSet[];
/** a 4×4 PNG as a data URL, for grids */
const PIXEL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEklEQVR4nGNgYGD4z8DAwMDAAAAOAAH5MDHrAAAAAElFTkSuQmCC';

/** The plots the notebooks draw with the library (their data as the notebooks make it). */
function notebookPlots(): { id: string; spec: TopLevelSpec }[] {
  const T = 100;
  const bridges = [
    { label: 'cosine θ, λ = 10/255 (paper)', schedule: bridgeSchedule({ schedule: 'cosine', timesteps: T, lambda: 10 / 255 }) },
    { label: 'cosine θ, λ = 1e-4 (official code)', schedule: bridgeSchedule({ schedule: 'cosine', timesteps: T, lambda: 1e-4 }) },
    { label: 'linear θ, λ = 10/255', schedule: bridgeSchedule({ schedule: 'linear', timesteps: T, lambda: 10 / 255 }) },
    { label: 'sigmoid θ, λ = 10/255', schedule: bridgeSchedule({ schedule: 'sigmoid', timesteps: T, lambda: 10 / 255 }) },
  ];
  const priors = [
    { label: 'VP cosine, S = 1000', schedule: vpSchedule({ schedule: 'cosine', timesteps: 1000 }) },
    { label: 'VP linear (DDPM), S = 1000', schedule: vpSchedule({ schedule: 'linear', timesteps: 1000 }) },
    { label: 'VP linear (DDPM), S = 100', schedule: vpSchedule({ schedule: 'linear', timesteps: 100 }) },
  ];
  const cells = (labels: string[]) => labels.map((column) => ({ column, url: PIXEL, caption: '21.37 dB' }));
  const E = 8;
  const flat = (v: number) => Array.from({ length: E * E * 3 }, (_, i) => v * Math.sin(i));
  return [
    { id: 'irbridge transition', spec: transitionPlot(transitionCurves(bridges, priors).points) },
    { id: 'bridge family', spec: scheduleCurvesPlot(bridgeFamilyCurves(T), { title: 'Θ_t, Σ_t and the RNR factor of the bridge family', legendTitle: 'preset' }) },
    { id: 'bridge family and lineage', spec: scheduleCurvesPlot([...bridgeFamilyCurves(T), ...rddmScheduleCurves(T)], { title: 'Θ_t, Σ_t and the RNR factor: the bridge family and the RDDM / DiffUIR lineage', legendTitle: 'preset' }) },
    { id: 'model sizes', spec: modelSizesPlot(modelSizes()) },
    { id: 'psnr-vs-cost (published only)', spec: psnrVsCostPlot() },
    { id: 'restoration grid', spec: restorationGridPlot(['Deraining', 'Low-light', 'Dehazing'].map((label) => ({ label, cells: cells(['input', 'RDBM-T', 'RDBM-S', 'RDBM-B', 'RDBM-L', 'ground truth', '|error| ×4 (RDBM-T)']) })), { title: 'Restored by each checkpoint (NFE 3)', subtitle: 'first test image of each task; captions: PSNR under rdbm', cellSize: 72 }) },
    { id: 'bridge explorer', spec: bridgeExplorerPlot({ x0: flat(0.5), mu: flat(0.2), noise: flat(1), width: E, height: E, timesteps: 20, zoom: 4, schedules: ['cosine', 'linear'], lambdas: [{ label: '10/255', value: 10 / 255 }, { label: '1e-4 (code)', value: 1e-4 }], title: 'Bridge explorer: Θ_t, Σ_t, x_t and the RNR map on a real pair' }) },
  ];
}

/** The report's plots of the committed results (the bundled job and the cpu-tile experiment), and a set with a task of its own. */
function reportPlots(): { id: string; spec: TopLevelSpec }[] {
  const bundled = sets('results/reproduced.json');
  const tile = sets('results/cpu-tile/reproduced.json');
  const main = bundled.find((s) => s.experiment === 'size') ?? bundled[0];
  const unknown: ReproducedSet = { ...main, experiment: 'own-tasks', entries: main.entries.map((e) => ({ ...e, tasks: { ...e.tasks, 'Denoising/MyNoise': e.tasks.deraining } })) };
  return [
    ...planReport(bundled).sections.flatMap((s) => s.plots),
    ...planReport(tile, { paper: false }).sections.flatMap((s) => s.plots),
    { id: 'per-task with an unknown task', spec: perTaskPlot(unknown) },
  ].map((p) => ({ id: 'id' in p ? p.id : 'plot', spec: p.spec }));
}

async function drawings(plots: { id: string; spec: TopLevelSpec }[]) {
  return Promise.all(plots.map(async (p) => ({ id: p.id, svg: await renderSvg(p.spec), vega: await compileVegaLite(p.spec) })));
}

describe('plots in headless Chromium', () => {
  it('finds a planted overlap and a planted cut legend', async (ctx) => {
    requireTool(ctx, missing, 'the plot layout check');
    const spec = {
      data: { values: [{ x: 1, y: 1, a: 'overlapping label', c: 'a legend label far longer than its limit of forty pixels' }, { x: 1.02, y: 1, a: 'overlapping label', c: 'b' }] },
      mark: { type: 'text' },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'a' }, color: { field: 'c', type: 'nominal', legend: { labelLimit: 40 } } },
    } as TopLevelSpec;
    const { problems } = checkPlotLayout(browser!, await drawings([{ id: 'planted', spec }]), { page: join(work, 'planted.html'), vegaScript });
    for (const drawing of ['png', 'live']) {
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^planted \\(${drawing}\\): "overlapping label" and "overlapping label" overlap \\(\\d+×\\d+ px\\)$`)));
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^planted \\(${drawing}\\): "a l[^"]*…" is cut to its label limit$`)));
    }
  });

  it('the report\'s plots of the committed results: no overlapping labels, no cut legend, nothing past the edge', async (ctx) => {
    requireTool(ctx, missing, 'the plot layout check');
    const plots = reportPlots();
    expect(plots.map((p) => p.id)).toEqual(expect.arrayContaining(['psnr-vs-cost', 'per-task-psnr-main-size', 'lineage-curves', 'bridge-curves', 'psnr-vs-nfe']));
    const { problems, report } = checkPlotLayout(browser!, await drawings(plots), { page: join(work, 'report.html'), vegaScript });
    expect(report.length).toBe(plots.length);
    expect(problems).toEqual([]);
  });

  it('the notebooks\' plots: no overlapping labels, no cut legend, nothing past the edge', async (ctx) => {
    requireTool(ctx, missing, 'the plot layout check');
    const plots = notebookPlots();
    const { problems, report } = checkPlotLayout(browser!, await drawings(plots), { page: join(work, 'notebooks.html'), vegaScript });
    expect(report.length).toBe(plots.length);
    expect(problems).toEqual([]);
  });
});
