/**
 * `rdbm report` on a small dataset in the RDBM/DGSolver layout: two tasks (Deraining, and
 * Enlighening whose task key is low-light), three points (two restored folders, one checkpoint the
 * toolkit restores) and the input row. Every number must equal `rdbm metrics` on the same folders,
 * and every Δ against the baseline `pairedBootstrap` on those folders' per-image scores.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readImage, writeImage } from '../../src/image/index.js';
import { trainModel } from '../../src/models/index.js';
import { taskKey } from '../../src/datasets/tasks.js';
import { latexEscape } from '../../src/reports/latex.js';
import { REPORT_CONFIDENCE, REPORT_RESAMPLES } from '../../src/reports/statistics.js';
import { intervalText } from '../../src/reports/table-statistics.js';
import { twoLevelDelta } from '../../src/stats/index.js';
import { capture } from '../experiments/fakes.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const data = join(root, 'data');
const TASKS = [['Deraining', 'Rain100L', ['1.png', '2.png']], ['Enlighening', 'LOL', ['7.png', '8.png']]] as const;

/** A smooth 32×32 test image, deterministic per seed; `noise` adds a fixed pattern of that amplitude. */
function image(seed: number, noise = 0) {
  const data8 = new Uint8Array(32 * 32 * 3);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let c = 0; c < 3; c++) {
    const v = 128 + 90 * Math.sin((x + seed * 3) / (5 + c)) * Math.cos((y - seed) / 7) + noise * (((x * 7 + y * 13 + c * 5 + seed) % 11) - 5);
    data8[(y * 32 + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return { width: 32, height: 32, channels: 3 as const, data: data8 };
}

async function writeLayout(): Promise<void> {
  let seed = 0;
  for (const [task, sub, names] of TASKS) {
    for (const split of ['train', 'test']) {
      for (const name of names) {
        seed++;
        await writeImage(join(data, task, sub, split, 'label', name), image(seed));
        await writeImage(join(data, task, sub, split, 'condition', name), image(seed, 6));
      }
    }
  }
  // two restored folders: outputs closer to the labels than the inputs, by different amounts
  seed = 0;
  for (const [task, sub, names] of TASKS) {
    for (const split of ['train', 'test']) {
      for (const name of names) {
        seed++;
        if (split !== 'test') continue;
        await writeImage(join(root, 'runs', 'a', task, sub, name), image(seed, 2));
        await writeImage(join(root, 'runs', 'b', task, sub, name), image(seed, 4));
      }
    }
  }
}

const checkpoint = join(root, 'ckpt');
let ckptDir = '';

function experimentFile(name: string, spec: Record<string, unknown>): string {
  const file = join(root, name);
  writeFileSync(file, JSON.stringify(spec));
  return file;
}

const GOOD = {
  name: 'my-runs',
  title: 'My runs',
  metric: 'basicsr-y',
  baseline: 'A',
  points: [
    { label: 'A', restored: 'runs/a' },
    { label: 'B', restored: 'runs/b' },
    { label: 'mine', checkpoint: 'ckpt-final', nfe: 4 },
  ],
};

async function metricsJson(args: string[]) {
  const c = capture();
  expect(await runCli(['metrics', ...args, '--convention', 'basicsr-y', '--json'], c.io)).toBe(0);
  return JSON.parse(c.out()) as {
    meanOfTaskMeans: { psnr: number; ssim: number };
    tasks: { task: string; psnr: number; ssim: number; count: number }[];
    images: { task: string; subDataset: string; name: string; psnr: number; ssim: number }[];
  };
}

type Delta = { mean: number; low: number | null; high: number | null; p: number | null; equivalence: number | null; seedLevel: string; df: number | null };
type Row = { label: string; average: { psnr: number; ssim: number }; tasks: Record<string, { psnr: number; ssim: number; images: number }>; delta?: { psnr: Delta; ssim: Delta } };
/** The first run's `--json` and the `rdbm metrics` arguments of each row's folder. */
let good: { json: { points: Row[]; input: Row }; args: Map<Row, string[]>; out: string } | undefined;

beforeAll(async () => {
  await writeLayout();
  // a checkpoint trained with a non-default config (linear θ, T = 20, λ = 0.1): the report must sample with it
  const trained = await trainModel({ model: 'tiny', steps: 2, batchSize: 2, cropSize: 16, schedule: 'linear', timesteps: 20, lambda: 0.1, emaDecay: 0, lr: 1e-3, seed: 1 }, { dataRoot: data, outDir: checkpoint });
  ckptDir = trained.checkpoint;
  cpSync(ckptDir, join(root, 'ckpt-final'), { recursive: true });
}, 300_000);

describe('rdbm report', () => {
  it('prints one JSON object whose every number equals rdbm metrics on the same folders, and writes the report', async () => {
    const file = experimentFile('good.json', GOOD);
    const out = join(root, 'out');
    const c = capture();
    expect(await runCli(['report', file, '--data', data, '--out', out, '--json', '--no-png'], c.io)).toBe(0);
    const json = JSON.parse(c.out());
    expect(Object.keys(json)).toEqual(['points', 'input']);
    expect(json.points.map((p: { label: string }) => p.label)).toEqual(['A', 'B', 'mine']);
    // the checkpoint point was restored into the report folder, sampled with the checkpoint's own config
    const restoredRoot = join(out, 'restored');
    const [key] = readdirSync(restoredRoot);
    const folders = { A: join(root, 'runs', 'a'), B: join(root, 'runs', 'b'), mine: join(restoredRoot, key) };
    const rows = [...json.points.map((p: { label: keyof typeof folders }) => [p, ['--layout', data, '--pred', folders[p.label]]]), [json.input, ['--layout', data]]];
    good = { json, args: new Map(rows as [Row, string[]][]), out };
    for (const [row, args] of rows) {
      const m = await metricsJson(args);
      expect(row.average.psnr).toBeCloseTo(m.meanOfTaskMeans.psnr, 12);
      expect(row.average.ssim).toBeCloseTo(m.meanOfTaskMeans.ssim, 12);
      expect(Object.keys(row.tasks).sort()).toEqual(['deraining', 'low-light']);
      for (const t of m.tasks) {
        const key = t.task === 'Enlighening' ? 'low-light' : 'deraining';
        expect(row.tasks[key].psnr).toBeCloseTo(t.psnr, 12);
        expect(row.tasks[key].ssim).toBeCloseTo(t.ssim, 12);
        expect(row.tasks[key].images).toBe(t.count);
      }
      // mean of the task means, not of the images
      expect(row.average.psnr).toBeCloseTo((row.tasks.deraining.psnr + row.tasks['low-light'].psnr) / 2, 12);
    }
    expect(json.input.label).toBe('Input (unrestored)');
    expect(json.points[0].average.psnr).toBeGreaterThan(json.points[1].average.psnr); // less noise, higher PSNR
    // what reproduce writes: tables in three formats, plots, the grid, reproduced.json, README
    for (const f of ['tables/per-task-my-runs.md', 'tables/per-task-my-runs.csv', 'tables/per-task-my-runs.tex', 'plots/per-task-psnr-my-runs.svg', 'plots/restorations-my-runs.vl.json', 'reproduced.json', 'README.md']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const md = readFileSync(join(out, 'tables', 'per-task-my-runs.md'), 'utf8');
    expect(md).toMatch(/\| Input \(unrestored\) \|/);
    expect(md).toContain(`| A | ${json.points[0].tasks.deraining.psnr.toFixed(2)} |`);
    const reproduced = JSON.parse(readFileSync(join(out, 'reproduced.json'), 'utf8'));
    expect(reproduced.sets[0].entries.map((e: { label: string }) => e.label)).toEqual(['Input (unrestored)', 'A', 'B', 'mine']);
    expect(reproduced.baseline).toBe('A');
  }, 300_000);

  it('gives every row but the baseline a Δ equal to twoLevelDelta on the per-image scores of the two folders, and tables show it', async () => {
    expect(good).toBeDefined();
    const { json, args, out } = good!;
    const [baseline] = json.points;
    expect(baseline.label).toBe('A');
    expect(baseline).not.toHaveProperty('delta');
    const base = await metricsJson(args.get(baseline)!);
    const id = (im: { task: string; subDataset: string; name: string }) => `${im.task}/${im.subDataset}/${im.name}`;
    const byId = new Map(base.images.map((im) => [id(im), im]));
    for (const row of [...json.points.slice(1), json.input]) {
      expect(Object.keys(row.delta!)).toEqual(['psnr', 'ssim']);
      const cand = await metricsJson(args.get(row)!);
      expect(cand.images).toHaveLength(4);
      for (const metric of ['psnr', 'ssim'] as const) {
        // paired by test image, in the baseline's order, tasks as strata, one run (no seed) each; the report's resamples, coverage and seed
        const order = base.images.filter((im) => cand.images.some((c) => id(c) === id(im)));
        const candById = new Map(cand.images.map((im) => [id(im), im]));
        const expected = twoLevelDelta({ scores: [order.map((im) => im[metric])], deterministic: true }, { scores: [order.map((im) => candById.get(id(im))![metric])], deterministic: true }, {
          resamples: REPORT_RESAMPLES,
          confidence: REPORT_CONFIDENCE,
          seed: 0,
          strata: order.map((im) => taskKey(im.task)),
        });
        const got = row.delta![metric];
        expect(Object.keys(got).sort()).toEqual(['df', 'equivalence', 'high', 'low', 'mean', 'p', 'seedLevel']);
        expect(got.mean).toBeCloseTo(expected.mean, 12);
        expect(got.low).toBeCloseTo(expected.low, 12);
        expect(got.high).toBeCloseTo(expected.high, 12);
        expect(got.p).toBe(expected.p);
        expect(got.equivalence).toBe(expected.equivalence);
        expect(got.seedLevel).toBe('none');
        // the mean of the per-task mean differences is the difference of the averages
        expect(got.mean).toBeCloseTo(row.average[metric] - baseline.average[metric], 12);
      }
    }
    // B (noisier than A) is worse, with an interval that excludes 0
    const b = json.points[1].delta!.psnr;
    expect(b.mean).toBeLessThan(0);
    expect(b.high).toBeLessThan(0);
    // the comparison table in all three formats: Δ, its interval and the verdict against the baseline, as reproduce's tables
    const md = readFileSync(join(out, 'tables', 'compare-my-runs.md'), 'utf8');
    expect(md).toContain('| A (default) |');
    expect(md).toContain(`| B | ${json.points[1].average.psnr.toFixed(2)} | ${json.points[1].average.ssim.toFixed(4)} |`);
    const read = (format: string) => readFileSync(join(out, 'tables', `compare-my-runs.${format}`), 'utf8');
    const formats: [string, string, (text: string) => string][] = [
      ['md', 'Δ PSNR 95% CI', (t) => t],
      ['csv', 'psnr_vs_default_ci', (t) => `"${t}"`],
      ['tex', latexEscape('Δ PSNR 95% CI'), latexEscape],
    ];
    for (const [format, header, cell] of formats) {
      const table = read(format);
      expect(table).toContain(header);
      for (const row of [...json.points.slice(1), json.input]) {
        expect(table).toContain(cell(intervalText(row.delta!.psnr.low!, row.delta!.psnr.high!, 2)));
        expect(table).toContain(cell(intervalText(row.delta!.ssim.low!, row.delta!.ssim.high!, 4)));
      }
    }
    // B is below A on PSNR with an interval that excludes 0: the words say so
    expect(read('md')).toMatch(/^\| B \|.*\| ✱ PSNR below; /m);
    // reproduced.json carries the same Δ against the baseline
    const set = JSON.parse(readFileSync(join(out, 'reproduced.json'), 'utf8')).sets[0];
    expect(set.default).toBe('A');
    expect(set.entries.find((e: { key: string }) => e.key === 'B').delta.psnr).toEqual(json.points[1].delta!.psnr);
  }, 300_000);

  it('restores a checkpoint point with the checkpoint\'s own training config, exactly as rdbm restore does', async () => {
    const out = join(root, 'out');
    const run = readdirSync(join(out, 'runs')).map((f) => JSON.parse(readFileSync(join(out, 'runs', f), 'utf8')));
    expect(run).toHaveLength(1);
    const c = run[0].config;
    expect({ schedule: c.schedule, timesteps: c.timesteps, lambda: c.lambda, objective: c.objective, nfe: c.nfe, model: c.model }).toEqual({ schedule: 'linear', timesteps: 20, lambda: 0.1, objective: 'x0', nfe: 4, model: 'tiny' });
    // rdbm restore with no sampling flags uses the checkpoint's config: the same pixels
    for (const [task, sub, names] of TASKS) {
      const dest = join(root, 'restore-cli', task, sub);
      const r = capture();
      expect(await runCli(['restore', '--checkpoint', join(root, 'ckpt-final'), '--input', join(data, task, sub, 'test', 'condition'), '--output', dest, '--nfe', '4'], r.io)).toBe(0);
      for (const name of names) {
        const a = await readImage(join(dest, name));
        const b = await readImage(join(out, 'restored', run[0].jobs.restore, task, sub, name));
        expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
      }
    }
    // a field the point sets explicitly wins over the checkpoint's
    const file = experimentFile('override.json', { name: 'override', metric: 'rdbm', points: [{ label: 'cos', checkpoint: 'ckpt-final', nfe: 4, schedule: 'cosine' }] });
    const o = capture();
    expect(await runCli(['report', file, '--data', data, '--out', join(root, 'out-override'), '--json', '--no-png'], o.io)).toBe(0);
    // a checkpoint point computes: the backend is named once on stderr
    expect(o.err().match(/^backend: /gm)).toHaveLength(1);
    // no baseline in the file: nothing to compare against, so no row has a Δ
    const oj = JSON.parse(o.out());
    expect([...oj.points, oj.input].map((r: object) => 'delta' in r)).toEqual([false, false]);
    const runs = readdirSync(join(root, 'out-override', 'runs')).map((f) => JSON.parse(readFileSync(join(root, 'out-override', 'runs', f), 'utf8')));
    expect([runs[0].config.schedule, runs[0].config.timesteps, runs[0].config.lambda]).toEqual(['cosine', 20, 0.1]);
  }, 300_000);

  describe('bad input: one line naming the point and the path, exit 2, no report', () => {
    const cases: [string, Record<string, unknown>, (file: string) => string][] = [
      ['a missing restored folder', { ...GOOD, baseline: undefined, points: [{ label: 'gone', restored: 'runs/none' }] }, (f) => `rdbm: ${f}, point "gone": restored folder ${join(root, 'runs', 'none')} not found (expected <Task>/<SubDataset>/<name> for each test image of ${data})\n`],
      ['an incomplete restored folder (the missing files listed)', { ...GOOD, baseline: undefined, points: [{ label: 'part', restored: 'runs/partial' }] }, (f) => `rdbm: ${f}, point "part": restored folder ${join(root, 'runs', 'partial')} is incomplete: 3 missing restored outputs under ${join(root, 'runs', 'partial')}: ${join(root, 'runs', 'partial', 'Deraining', 'Rain100L', '2.png')} (missing restored output); ${join(root, 'runs', 'partial', 'Enlighening', 'LOL', '7.png')} (missing restored output); ${join(root, 'runs', 'partial', 'Enlighening', 'LOL', '8.png')} (missing restored output)\n`],
      ['a point with neither restored nor checkpoint', { ...GOOD, points: [{ label: 'A', restored: 'runs/a' }, { label: 'empty', nfe: 10 }] }, (f) => `rdbm: ${f}, point "empty": has neither "restored" (a folder of restored images) nor "checkpoint" (to restore with)\n`],
      ['an unknown metric', { ...GOOD, metric: 'psnr-y' }, (f) => `rdbm: ${f}: unknown metric "psnr-y" (expected one of rdbm, basicsr-y, basicsr-rgb, skimage-gaussian, matlab-y, image-ssim)\n`],
      ['a point labelled like the input row', { ...GOOD, baseline: undefined, points: [{ label: 'input', restored: 'runs/a' }] }, (f) => `rdbm: ${f}, point "input": the label "input" is reserved for the unrestored input's row\n`],
      ['a baseline that is not a point', { ...GOOD, baseline: 'NFE 10' }, (f) => `rdbm: ${f}: baseline "NFE 10" is not a point (expected one of "A", "B", "mine")\n`],
    ];
    for (const [what, spec, message] of cases) {
      it(what, async () => {
        mkdirSync(join(root, 'runs', 'partial', 'Deraining', 'Rain100L'), { recursive: true });
        cpSync(join(root, 'runs', 'a', 'Deraining', 'Rain100L', '1.png'), join(root, 'runs', 'partial', 'Deraining', 'Rain100L', '1.png'));
        const file = experimentFile(`bad-${what.replace(/\W+/g, '-')}.json`, JSON.parse(JSON.stringify(spec)));
        const out = join(root, `bad-out-${what.replace(/\W+/g, '-')}`);
        const c = capture();
        expect(await runCli(['report', file, '--data', data, '--out', out], c.io)).toBe(2);
        expect(c.err()).toBe(message(file));
        expect(c.out()).toBe('');
        expect(existsSync(join(out, 'README.md'))).toBe(false);
        expect(existsSync(join(out, 'reproduced.json'))).toBe(false);
      });
    }
  });
});
