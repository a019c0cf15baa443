import { describe, expect, it } from 'vitest';
import { EXPERIMENTS, type ExperimentResults, defaultPoint, defineExperiment, expandExperiment, experimentSet } from '../../src/experiments/index.js';
import type { PointScores, RunRecord, SetScores } from '../../src/experiments/index.js';
import type { ImageScore } from '../../src/metrics/index.js';
import {
  ablationTable,
  comparisonTable,
  deltaReading,
  imageDeltaRows,
  imageDeltasCsv,
  nfePoints,
  perTaskTable,
  perTaskValues,
  psnrVsNfePlot,
  reduceSet,
} from '../../src/reports/index.js';
import type { MetricDelta } from '../../src/reports/index.js';
import { twoLevelDelta, twoLevelMean } from '../../src/stats/index.js';

/** n images per task; PSNR = f(task, image, seed) + shift, SSIM = 0.5 + PSNR / 100. */
function images(shift: number, seed: number, n = 6): ImageScore[] {
  const rows: ImageScore[] = [];
  for (const [t, task] of ['deraining', 'dehazing'].entries()) {
    for (let i = 0; i < n; i++) {
      const psnr = 20 + 4 * t + Math.sin(1 + i * 1.7 + seed * 0.3 + t) + shift;
      rows.push({ task, subDataset: `S${t}`, name: `img_${i}.png`, psnr, ssim: 0.5 + psnr / 100 });
    }
  }
  return rows;
}

const point = (key: string, shift: number, seed?: number): PointScores => ({ key, label: key.toUpperCase(), ...(seed !== undefined ? { seed } : {}), images: images(shift, seed ?? 0) });

const scores: SetScores = {
  experiment: 'demo',
  convention: 'rdbm',
  scale: 'smoke',
  default: 'a',
  // the input has no seed; a and b have two each; b is a plus a noisy shift
  points: [
    { key: 'input', label: 'Input (unrestored)', images: images(-5, 0).map((r, i) => ({ ...r, psnr: r.psnr! + (i % 3) * 0.2 })) },
    point('a', 0, 0),
    point('a', 0, 1),
    { ...point('b', 0.3, 0), images: images(0.3, 0).map((r, i) => ({ ...r, psnr: r.psnr! + Math.cos(i) * 0.1 })) },
    point('b', 0.3, 1),
  ],
};

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('reduceSet: per-image scores → entries with seeds, intervals and Δ', () => {
  const set = reduceSet(scores, { resamples: 2000 });
  const [input, a, b] = set.entries;

  it('averages seeds: task means per seed, their mean, sd across seeds of the five-task average', () => {
    expect(set.entries.map((e) => e.key)).toEqual(['input', 'a', 'b']);
    expect(set.default).toBe('a');
    const avg = (rows: ImageScore[]) => mean(['deraining', 'dehazing'].map((t) => mean(rows.filter((r) => r.task === t).map((r) => r.psnr!))));
    const perSeed = [avg(images(0, 0)), avg(images(0, 1))];
    expect(a.average.psnr).toBeCloseTo(mean(perSeed), 12);
    expect(a.sd!.psnr).toBeCloseTo(Math.abs(perSeed[0] - perSeed[1]) / Math.SQRT2, 12);
    expect(a.seeds).toBe(2);
    expect(input.seeds).toBeUndefined();
    expect(a.tasks.dehazing.images).toBe(6);
    expect(a.tasks.dehazing.psnr).toBeCloseTo(mean([...images(0, 0), ...images(0, 1)].filter((r) => r.task === 'dehazing').map((r) => r.psnr!)), 12);
  });

  it('keeps each seed’s own averages beside their mean', () => {
    const avg = (rows: ImageScore[]) => mean(['deraining', 'dehazing'].map((t) => mean(rows.filter((r) => r.task === t).map((r) => r.psnr!))));
    expect(a.perSeed!.map((x) => x.seed)).toEqual([0, 1]);
    expect(a.perSeed![1].psnr).toBeCloseTo(avg(images(0, 1)), 12);
    expect(mean(a.perSeed!.map((x) => x.psnr!))).toBeCloseTo(a.average.psnr!, 12);
    expect(input.perSeed).toBeUndefined();
  });

  it('gives every mean its two-level interval over seeds and images (tasks as strata for the average)', () => {
    const matrix = (seeds: number[], task?: string, metric: 'psnr' | 'ssim' = 'psnr') => seeds.map((s) => images(0, s).filter((r) => task === undefined || r.task === task).map((r) => r[metric]!));
    const strata = images(0, 0).map((r) => r.task);
    const ref = twoLevelMean({ scores: matrix([0, 1]) }, { resamples: 2000, strata });
    expect(ref.seedLevel).toBe('separate');
    expect(a.average.ci!.psnr).toEqual({ low: ref.low, high: ref.high });
    const refTask = twoLevelMean({ scores: matrix([0, 1], 'deraining', 'ssim') }, { resamples: 2000, strata: strata.filter((t) => t === 'deraining') });
    expect(a.tasks.deraining.ci!.ssim).toEqual({ low: refTask.low, high: refTask.high });
    expect(a.average.ci!.psnr!.low).toBeLessThan(a.average.psnr!);
    expect(a.average.ci!.psnr!.high).toBeGreaterThan(a.average.psnr!);
  });

  it('compares each entry with the default by twoLevelDelta on their seeds × images; the seedless input is deterministic', () => {
    expect(a.delta).toBeUndefined();
    expect(b.delta!.against).toBe('a');
    expect(b.delta!.pairs).toBe(2 * 12);
    expect(input.delta!.pairs).toBe(2 * 12);
    // the same comparison assembled by hand: seeds × images matrices, tasks as strata
    const rows = (ps: PointScores[]) => ps.map((p) => p.images.map((r) => r.psnr!));
    const strata = images(0, 0).map((r) => r.task);
    const ref = twoLevelDelta({ scores: rows(scores.points.slice(1, 3) as PointScores[]) }, { scores: rows(scores.points.slice(3) as PointScores[]) }, { resamples: 2000, strata });
    expect(b.delta!.psnr).toEqual({ mean: ref.mean, low: ref.low, high: ref.high, p: ref.p, equivalence: ref.equivalence, seedLevel: 'separate', df: ref.df });
    expect(b.delta!.psnr!.mean).toBeCloseTo(b.average.psnr! - a.average.psnr!, 12);
    expect(b.delta!.psnr!.low).toBeGreaterThan(0);
    expect(b.delta!.psnr!.equivalence).toBeNull();
    expect(input.delta!.psnr!.mean).toBeLessThan(-4);
    expect(input.delta!.psnr!.seedLevel).toBe('separate');
    expect(input.delta!.psnr!.p).toBe(1 / 2000);
  });

  it('writes per-image differences: one row per non-default entry, image and seed', () => {
    const rows = imageDeltaRows(scores);
    expect(rows).toHaveLength(24 + 24);
    const r = rows.find((x) => x.key === 'b' && x.seed === 1 && x.name === 'img_2.png' && x.task === 'dehazing')!;
    const base = images(0, 1).find((x) => x.name === 'img_2.png' && x.task === 'dehazing')!;
    expect(r.psnrDefault).toBe(base.psnr);
    expect(r.psnrDelta).toBeCloseTo(0.3, 12);
    const inputRows = rows.filter((x) => x.key === 'input');
    expect(new Set(inputRows.map((x) => x.seed))).toEqual(new Set([0, 1]));
    const csv = imageDeltasCsv(rows).split('\n');
    expect(csv[0]).toBe('experiment,convention,key,label,against,task,subDataset,name,seed,psnrDefault,psnr,psnrDelta,ssimDefault,ssim,ssimDelta');
    expect(csv[1].split(',').slice(0, 9)).toEqual(['demo', 'rdbm', 'input', 'Input (unrestored)', 'a', 'deraining', 'S0', 'img_0.png', '0']);
  });
});

describe('tables and plots show the intervals', () => {
  const set = reduceSet({ ...scores, experiment: 'schedule', default: 'cosine', points: scores.points.map((p) => ({ ...p, key: p.key === 'a' ? 'cosine' : p.key === 'b' ? 'linear' : p.key, label: p.key === 'a' ? 'cosine' : p.key === 'b' ? 'linear' : p.label })) }, { resamples: 2000 });
  const linear = set.entries.find((e) => e.key === 'linear')!;

  it('ablation table: input row first, Δ vs default with its interval, the reading from the same procedure (p in the set, not a column), seeds', () => {
    const table = ablationTable('schedule', set);
    expect(table.rows[0].value).toBe('Input (unrestored)');
    expect(table.rows[0].psnr_ours).toBe(set.entries[0].average.psnr);
    const row = table.rows.find((r) => r.value === 'linear')!;
    expect(row.psnr_vs_default).toBe(linear.delta!.psnr!.mean);
    expect(Object.keys(row)).not.toContain('psnr_vs_default_p');
    expect(linear.delta!.psnr!.p!).toBeLessThan(0.05);
    const d = linear.delta!.psnr!;
    expect(row.psnr_vs_default_ci).toBe(`[+${d.low!.toFixed(2)}, +${d.high!.toFixed(2)}]`);
    expect(row.reading).toBe('✱ PSNR above; ✱ SSIM above');
    expect(table.columns.length).toBeLessThanOrEqual(12);
    expect(row.seeds).toBe(2);
    expect(row.sd).toBe(`${linear.sd!.psnr!.toFixed(2)} / ${linear.sd!.ssim!.toFixed(4)}`);
    const def = table.rows.find((r) => r.value === 'cosine (default)')!;
    expect(def.reading).toBe('(default)');
    expect(def.psnr_vs_default).toBeUndefined();
    expect(table.notes.some((n) => n.startsWith('Δ vs default = entry − cosine'))).toBe(true);
    expect(table.notes.some((n) => n.includes('so ✱ ⇔ p < 0.05'))).toBe(true);
  });

  it('an interval that holds 0 is not told apart and says how close: |Δ| < X, X the 90 % interval’s largest |end| rounded up', () => {
    const near = reduceSet({ ...scores, points: [point('a', 0, 0), { key: 'c', label: 'C', seed: 0, images: images(0, 0).map((r, i) => ({ ...r, psnr: r.psnr! + (i % 2 ? 0.05 : -0.05) })) }] }, { resamples: 2000 });
    const c = near.entries[1].delta!.psnr!;
    const row = comparisonTable(near).rows.find((r) => r.entry === 'C')!;
    expect(row.psnr_vs_default_ci).toMatch(/^\[−0\.\d\d, \+0\.\d\d\]$/);
    expect(c.p!).toBeGreaterThan(0.5);
    expect(c.equivalence!).toBeGreaterThan(Math.abs(c.mean));
    expect(c.equivalence!).toBeLessThan(Math.max(-c.low!, c.high!));
    expect(row.reading).toBe(`PSNR not told apart; |Δ| < ${(Math.ceil(c.equivalence! * 100) / 100).toFixed(2)} dB; SSIM not told apart; |Δ| < ${(Math.ceil(near.entries[1].delta!.ssim!.equivalence! * 1e4) / 1e4).toFixed(4)}`);
  });

  it('a delta from a reproduced.json written before the equivalence bound reads "not told apart" without a bound, never NaN', () => {
    const old = { mean: 0.05, low: -0.38, high: 0.49, p: 0.8 } as unknown as MetricDelta;
    expect(deltaReading(old, 'psnr')).toBe('not told apart');
  });

  it('no row in any table says ✱ while its p ≥ 0.05, or not told apart while p < 0.05 (40 random sets)', () => {
    const outcomes = new Set<boolean>();
    for (let k = 0; k < 40; k++) {
      const shift = (k - 20) * 0.02;
      const one = reduceSet({ ...scores, points: [point('a', 0, 0), point('a', 0, 1), { ...point('d', shift, 0), images: images(shift, 0).map((r, i) => ({ ...r, psnr: r.psnr! + Math.sin(i * k) * 0.3 })) }, point('d', shift, 1)] }, { resamples: 1000, seed: k });
      const d = one.entries[1].delta!;
      const cells = comparisonTable(one).rows.find((r) => r.entry === 'D')!;
      for (const m of ['psnr', 'ssim'] as const) {
        const told = d[m]!.low! > 0 || d[m]!.high! < 0;
        expect(told).toBe(d[m]!.p! < 0.05);
        expect(String(cells.reading).includes(`✱ ${m.toUpperCase()}`)).toBe(told);
        outcomes.add(told);
      }
    }
    expect([...outcomes].sort()).toEqual([false, true]);
  });

  it('one image in a task: no interval (it would collapse on the mean), no p, nothing marked', () => {
    const one = (key: string, shift: number): PointScores => ({ key, label: key, seed: 0, images: images(shift, 0, 1) });
    const single = reduceSet({ ...scores, points: [one('a', 0), one('c', 1)] }, { resamples: 1000 });
    const c = single.entries[1];
    expect(c.delta!.psnr).toEqual({ mean: c.delta!.psnr!.mean, low: null, high: null, p: null, equivalence: null });
    expect(c.delta!.psnr!.mean).toBeCloseTo(1, 12);
    expect(c.average.ci).toEqual({});
    const row = comparisonTable(single).rows[1];
    expect([row.psnr_vs_default_ci, row.reading]).toEqual(['n/a', 'PSNR n/a; SSIM n/a']);
    // three seeds do not make one image three images: still no interval
    const seeded = (key: string, shift: number): PointScores[] => [0, 1, 2].map((seed) => ({ key, label: key, seed, images: images(shift, seed, 1) }));
    const three = reduceSet({ ...scores, points: [...seeded('a', 0), ...seeded('c', 1)] }, { resamples: 1000 });
    expect(three.entries[1].delta!.pairs).toBe(6);
    expect(three.entries[1].delta!.psnr).toMatchObject({ low: null, high: null, p: null });
  });

  it('an entry whose training diverged or was unstable is marked wherever its row appears, with the note', () => {
    const marked = reduceSet({ ...scores, points: scores.points.map((p) => (p.key === 'b' ? { ...p, health: p.seed === 1 ? ('diverged' as const) : ('ok' as const) } : p.key === 'a' ? { ...p, health: 'ok' as const } : p)) }, { resamples: 200 });
    expect(marked.entries.map((e) => e.health)).toEqual([undefined, 'ok', 'diverged']);
    const renamed = { ...marked, experiment: 'schedule', default: 'cosine', entries: marked.entries.map((e) => ({ ...e, key: e.key === 'a' ? 'cosine' : e.key === 'b' ? 'linear' : e.key, label: e.key === 'a' ? 'cosine' : e.key === 'b' ? 'linear' : e.label })) };
    expect(ablationTable('schedule', renamed).rows.map((r) => r.value)).toEqual(['Input (unrestored)', 'cosine (default)', 'linear ⚠ diverged', 'sigmoid']);
    expect(comparisonTable(marked).rows.map((r) => r.entry)).toEqual(['Input (unrestored)', 'A (default)', 'B ⚠ diverged']);
    expect(perTaskTable(renamed, { ablation: 'schedule' }).rows.map((r) => r.entry)).toEqual(['Input (unrestored)', 'cosine', 'linear ⚠ diverged']);
    for (const t of [ablationTable('schedule', renamed), comparisonTable(marked), perTaskTable(renamed, { ablation: 'schedule' })]) {
      expect(t.notes.some((n) => n.startsWith('⚠ diverged / ⚠ unstable:'))).toBe(true);
    }
    expect(comparisonTable(set).notes.some((n) => n.startsWith('⚠'))).toBe(false);
  });

  it('per-task table: input first, seeds column', () => {
    const table = perTaskTable(set, { ablation: 'schedule' });
    expect(table.rows.map((r) => r.entry)).toEqual(['Input (unrestored)', 'cosine', 'linear']);
    expect(table.rows.map((r) => r.seeds)).toEqual([undefined, 2, 2]);
  });

  it('per-task plot: every bar carries its interval as an error bar', () => {
    const values = perTaskValues(set, 'psnr');
    const bar = values.find((v) => v.entry === 'linear' && v.task === 'Dehazing')!;
    expect([bar.low, bar.high]).toEqual([linear.tasks.dehazing.ci!.psnr!.low, linear.tasks.dehazing.ci!.psnr!.high]);
    expect(values.find((v) => v.entry === 'Input (unrestored)' && v.task === 'Average')!.value).toBe(set.entries[0].average.psnr);
  });

  it('PSNR vs NFE: the reproduced points carry their interval; the input is a rule, not a point', () => {
    const nfeSet = { ...set, experiment: 'nfe', entries: set.entries.map((e, i) => (e.key === 'input' ? e : { ...e, nfe: 5 * i })) };
    const points = nfePoints(nfeSet, { published: false });
    expect(points.map((p) => p.nfe)).toEqual([5, 10]);
    expect(points[1].low).toBe(linear.average.ci!.psnr!.low);
    const spec = JSON.stringify(psnrVsNfePlot(nfeSet));
    expect(spec).toContain('"type":"area"');
    expect(spec).toContain(`"psnr":${set.entries[0].average.psnr}`);
  });
});

describe('experimentSet: runs → per-image scores', () => {
  const run = (config: RunRecord['config'], shift: number): RunRecord => ({
    config,
    metrics: { convention: 'rdbm', images: images(shift, config.seed).map((r) => ({ ...r, task: r.task === 'deraining' ? 'Deraining' : 'Dehazing' })) },
  }) as unknown as RunRecord;

  it('the default point is the experiment at its base values (λ = 10/255), not the first', () => {
    const exp = EXPERIMENTS.lambda;
    const results: ExperimentResults = { experiment: exp, scale: 'smoke', resultsDir: '', points: expandExperiment(exp, 'smoke').map((p, i) => ({ ...p, keys: { restore: '', evaluate: '' }, run: run(p.config, i) })) };
    expect(defaultPoint(results)!.config.lambda).toBe(10 / 255);
    const s = experimentSet(results).scores;
    expect(s.default).toBe(String(10 / 255));
    expect(s.points.map((p) => p.images[0].task)).toEqual(['deraining', 'deraining', 'deraining']);
  });

  it('a seed axis makes seeds of one entry, and the input comes first', () => {
    const exp = defineExperiment({ name: 'sched-seeds', title: 't', description: 'd', axes: { schedule: ['cosine', 'linear'], seed: [0, 1, 2] } });
    const results: ExperimentResults = { experiment: exp, scale: 'smoke', resultsDir: '', points: expandExperiment(exp, 'smoke').map((p) => ({ ...p, keys: { restore: '', evaluate: '' }, run: run(p.config, p.config.schedule === 'linear' ? 0.2 : 0) })) };
    const set = reduceSet(experimentSet(results, images(-3, 0)).scores, { resamples: 500 });
    expect(set.entries.map((e) => [e.key, e.seeds])).toEqual([['input', undefined], ['cosine', 3], ['linear', 3]]);
    expect(set.default).toBe('cosine');
    expect(set.entries[2].delta!.pairs).toBe(3 * 12);
    expect(set.entries[2].delta!.psnr!.mean).toBeCloseTo(0.2, 12);
  });
});
