import { describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../../src/experiments/index.js';
import { fileURLToPath } from 'node:url';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLOPS_NOTE, experimentSet, modelCost } from '../../src/experiments/sets.js';
import { reduceSet } from '../../src/reports/statistics.js';
import { ablationTable } from '../../src/reports/tables.js';

describe('report cost columns', () => {
  it('FLOPs is thop\'s conv + linear count (the paper\'s B/L figures), the total with attention kept apart', () => {
    // thop on the official U-Net at 256×256: B 23.82 G, L 32.90 G (paper 23.97 / 32.93); with the
    // attention matrix products: 25.52 / 34.35 G (issue 11: the table used to show the latter as FLOPs).
    const b = modelCost('B');
    const l = modelCost('L');
    expect(b.flopsG).toBeCloseTo(23.82, 2);
    expect(l.flopsG).toBeCloseTo(32.9, 2);
    expect(b.macsTotalG).toBeCloseTo(25.52, 2);
    expect(l.macsTotalG).toBeCloseTo(34.35, 2);
    expect(modelCost('no-such-model')).toEqual({ paramsM: null, flopsG: null, macsTotalG: null });
  });

  it('a reproduced entry carries thop\'s count as flopsG and the note says so', () => {
    const run = {
      config: { model: 'B', dataset: 'mini-uir', datasetSize: 48, nfe: 5 },
      metrics: {
        convention: 'rdbm',
        overall: { meanOfTasks: { psnr: 20, ssim: 0.5 } },
        tasks: { Deraining: { psnr: 20, ssim: 0.5, images: 1 } },
        images: [{ task: 'Deraining', subDataset: 'Rain100H', name: 'a.png', psnr: 20, ssim: 0.5 }],
      },
    };
    const results = {
      experiment: { name: 'size', axes: { model: ['B'] } },
      scale: 'smoke',
      points: [{ experiment: 'size', label: 'model=B', axes: { model: 'B' }, config: run.config, keys: {}, run }],
    } as unknown as ExperimentResults;
    const set = reduceSet(experimentSet(results).scores);
    expect(set.entries[0].flopsG).toBeCloseTo(23.82, 2);
    expect(set.entries[0].macsTotalG).toBeCloseTo(25.52, 2);
    expect(set.flopsNote).toBe(FLOPS_NOTE);
    expect(FLOPS_NOTE).toContain("thop's count");
    expect(FLOPS_NOTE).toContain('convolutions and linear layers');
  });

  it('a point restored with a zoo checkpoint carries its training health: RDBM-L diverged and is marked, RDBM-T ok', () => {
    // an entry whose recorded history is the retired cpu RDBM-L's (diverged late): the bundled T with L's losses
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-health-'));
    const T = fileURLToPath(new URL('../../data/zoo/T', import.meta.url));
    cpSync(T, join(dir, 'L'), { recursive: true });
    const entry = JSON.parse(readFileSync(join(T, 'zoo.json'), 'utf8')) as { history: { step: number; loss: number }[] };
    const losses = (JSON.parse(readFileSync(new URL('../fixtures/zoo/L-diverged.json', import.meta.url), 'utf8')) as typeof entry).history;
    writeFileSync(join(dir, 'L', 'zoo.json'), JSON.stringify({ ...entry, history: entry.history.map((h, i) => ({ ...h, loss: losses[i].loss })) }));
    const zoo = (name: string) => (name === 'L' ? join(dir, 'L', 'checkpoint') : join(T, 'checkpoint'));
    const run = (model: string) => ({
      config: { model, dataset: 'mini-uir', datasetSize: 48, nfe: 10, seed: 0, checkpoint: zoo(model) },
      metrics: { convention: 'rdbm', images: [0, 1].map((i) => ({ task: 'Deraining', subDataset: 'Rain100H', name: `${i}.png`, psnr: 20 + i, ssim: 0.5 })) },
    });
    const results = {
      experiment: { name: 'size', axes: { model: ['T', 'L'] } },
      scale: 'cpu',
      points: ['T', 'L'].map((m) => ({ experiment: 'size', label: `model=${m}`, axes: { model: m }, config: run(m).config, keys: {}, run: run(m) })),
    } as unknown as ExperimentResults;
    const set = reduceSet(experimentSet(results).scores);
    expect(set.entries.map((e) => e.health)).toEqual(['ok', 'diverged']);
    expect(set.entries[1].label).not.toContain('⚠');
    expect(ablationTable('nfe', set).rows.map((r) => r.value).filter((v) => String(v).includes('⚠'))).toEqual([`${set.entries[1].label} ⚠ diverged`]);
  });
});
