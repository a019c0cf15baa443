import { describe, expect, it } from 'vitest';
import { metricsGroupMean, summarizeMetrics, type ImageResult } from '../../src/metrics/aggregate.js';
import { CONVENTIONS } from '../../src/metrics/conventions.js';
import { metricsCsv, metricsReport } from '../../src/metrics/report.js';

const r = (name: string, task: string | undefined, sub: string | undefined, psnr?: number, ssim?: number, error?: string): ImageResult => ({
  name,
  gt: `gt/${name}`,
  pred: `pred/${name}`,
  ...(task ? { task } : {}),
  ...(sub ? { subDataset: sub } : {}),
  ...(psnr !== undefined ? { psnr, ssim, identical: psnr === Infinity } : {}),
  ...(error ? { error } : {}),
});

const results = [
  r('a', 'Deraining', 'Rain100H', 30, 0.9),
  r('b', 'Deraining', 'Rain100H', 32, 0.8),
  r('c', 'Deraining', 'Rain100L', 40, 0.95),
  r('d', 'Dehazing', 'SOTS', 20, 0.7),
  r('e', 'Dehazing', 'SOTS', undefined, undefined, 'size mismatch: …'),
];

describe('summarize', () => {
  it('pools sub-datasets per task and labels both overall means', () => {
    const s = summarizeMetrics(results);
    const derain = s.tasks.find((t) => t.task === 'Deraining')!;
    expect(derain.count).toBe(3);
    expect(derain.psnr).toBeCloseTo(34, 12); // (30 + 32 + 40) / 3: mean over images, not of sub-dataset means
    expect(derain.subDatasets.map((x) => [x.subDataset, x.count, x.psnr])).toEqual([['Rain100H', 2, 31], ['Rain100L', 1, 40]]);
    const dehaze = s.tasks.find((t) => t.task === 'Dehazing')!;
    expect([dehaze.count, dehaze.failed, dehaze.psnr]).toEqual([1, 1, 20]);
    expect(s.overImages.count).toBe(4);
    expect(s.overImages.failed).toBe(1);
    expect(s.overImages.psnr).toBeCloseTo((30 + 32 + 40 + 20) / 4, 12);
    expect(s.overTasks!.psnr).toBeCloseTo((34 + 20) / 2, 12);
    expect(s.overTasks!.ssim).toBeCloseTo(((0.9 + 0.8 + 0.95) / 3 + 0.7) / 2, 12);
  });
  it('keeps infinite PSNR visible and offers the finite mean apart', () => {
    const g = metricsGroupMean([r('x', undefined, undefined, Infinity, 1), r('y', undefined, undefined, 30, 0.9)]);
    expect(g.psnr).toBe(Infinity);
    expect(g.infinite).toBe(1);
    expect(g.psnrFinite).toBe(30);
    expect(summarizeMetrics([r('x', undefined, undefined, 30, 0.9)]).overTasks).toBeUndefined();
  });
});

describe('reports', () => {
  it('JSON: convention, labelled means, per-task breakdown, null for infinite PSNR', () => {
    const rep = metricsReport([...results, r('f', 'Dehazing', 'SOTS', Infinity, 1)], CONVENTIONS['basicsr-y'], { cropBorder: 0, resizeGt: false }) as Record<string, any>;
    expect(rep.convention).toBe('basicsr-y');
    expect(rep.mean.over).toBe('images');
    expect(rep.mean.psnr).toBeNull();
    expect(rep.mean.infinitePsnr).toBe(1);
    expect(rep.meanOfTaskMeans.over).toBe('tasks');
    expect(rep.images.find((i: any) => i.name === 'f')).toMatchObject({ psnr: null, ssim: 1, identical: true });
    expect(rep.images.find((i: any) => i.name === 'e')).toMatchObject({ psnr: null, ssim: null, error: 'size mismatch: …' });
    expect(rep.failed).toBe(1);
    expect(JSON.parse(JSON.stringify(rep))).toEqual(rep);
  });
  it('JSON marks image-ssim as a preview', () => {
    const rep = metricsReport([r('a', undefined, undefined, 30, 0.9)], CONVENTIONS['image-ssim'], { cropBorder: 0, resizeGt: false });
    expect(rep.preview).toBe(true);
  });
  it('CSV: image rows, sub-dataset, task and both overall rows', () => {
    const csv = metricsCsv(results, CONVENTIONS.rdbm).trim().split('\n');
    expect(csv[0]).toBe('level,name,task,subDataset,psnr,ssim,identical,count,failed,gt,pred,error,convention');
    expect(csv[1]).toBe('image,a,Deraining,Rain100H,30,0.9,false,,,gt/a,pred/a,,rdbm');
    expect(csv[5]).toBe('image,e,Dehazing,SOTS,,,,,,gt/e,pred/e,size mismatch: …,rdbm');
    expect(csv.filter((l) => l.startsWith('subDataset,'))).toHaveLength(3);
    expect(csv.filter((l) => l.startsWith('task,'))).toEqual(['task,Deraining,Deraining,,34,0.8833333333333334,,3,0,,,,rdbm', 'task,Dehazing,Dehazing,,20,0.7,,1,1,,,,rdbm']);
    expect(csv.at(-2)).toMatch(/^overall,mean over images,,,30.5,0\.83750*\d*,,4,1,,,,rdbm$/);
    expect(csv.at(-1)).toMatch(/^overall,mean of task means,,,27,0\.79166666666666\d*,,2,,,,,rdbm$/);
  });
});
