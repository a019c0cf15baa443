import { describe, expect, it } from 'vitest';
import type { CollectedSet } from '../../src/experiments/sets.js';
import { comparison } from '../../src/notebook/index.js';

const img = (task: string, name: string, psnr: number) => ({ task, subDataset: 'S', name, psnr, ssim: psnr / 40 });
const images = (offset: number) => ['a', 'b', 'c'].flatMap((n, i) => [img('deraining', n, 20 + offset + i), img('low-light', n, 15 + offset + 0.5 * i)]);
const collected: CollectedSet = {
  scores: {
    experiment: 'checkpoints',
    title: 'Checkpoints compared',
    convention: 'rdbm',
    scale: 'NFE 2, 3 test images per task',
    default: 'A',
    points: [
      { key: 'input', label: 'Input (unrestored)', images: images(-5) },
      { key: 'A', label: 'A', images: images(0), paramsM: 0.45, flopsG: 2.4 },
      { key: 'B', label: 'B', images: images(1), paramsM: 1.08, flopsG: 6.3 },
    ],
  },
};

describe('comparison', () => {
  const cmp = comparison(collected, { seconds: { A: 0.5, B: 1.25 }, statistics: { resamples: 1000 } });

  it('reduces the scores: means of task means (A: deraining 21, low-light 15.5), B − A = +1 dB on every image', () => {
    expect(cmp.set.entries.map((e) => [e.key, e.average.psnr])).toEqual([['input', 13.25], ['A', 18.25], ['B', 19.25]]);
    expect(cmp.set.entries.find((e) => e.key === 'B')!.delta!.psnr!.mean).toBeCloseTo(1, 12);
  });

  it('renders the summary (≤ 12 columns, seconds, baseline row) and the per-task table as Markdown, LaTeX or CSV', () => {
    const md = cmp.table();
    const header = md.split('\n').find((l) => l.startsWith('| Checkpoint'))!;
    expect(header).toBe('| Checkpoint | PSNR | SSIM | Params M | FLOPs G | s / image | Δ PSNR vs baseline | Δ PSNR 95% CI | Δ SSIM vs baseline | Δ SSIM 95% CI | Reading (95% CI) |');
    expect(md).toContain('| A (baseline) | 18.25 | 0.4563 | 0.450 | 2.40 | 0.50 | – | – | – | – | (baseline) |');
    expect(md).toMatch(/\| B \| 19\.25 \| .* \| 1\.25 \| \+1\.00 \| \[\+1\.00, \+1\.00\] \|/);
    expect(cmp.table('per-task')).toContain('| Low-light PSNR |');
    // one checkpoint per row: no seeds column or note
    expect(cmp.tableData('per-task').columns.map((c) => c.key)).not.toContain('seeds');
    expect(cmp.table('per-task')).not.toContain('Seeds');
    expect(cmp.table('summary', 'latex')).toContain('\\toprule');
    expect(cmp.table('per-task', 'csv').split('\n')[0]).toContain('low-light_psnr');
    expect(() => cmp.table('all' as never)).toThrow('unknown table: "all" (expected one of summary, per-task)');
    expect(() => cmp.table('summary', 'html' as never)).toThrow('unknown table format: "html" (expected one of markdown, latex, csv)');
  });

  it('plots per-task bars for either metric, and has no grid without restorations', async () => {
    const spec = cmp.plot('ssim') as unknown as { title: { text: string }; data: { values: { task: string }[] } };
    expect(spec.title.text).toBe('SSIM per task: Checkpoints compared');
    expect([...new Set(spec.data.values.map((v) => v.task))]).toEqual(['Deraining', 'Low-light', 'Average']);
    expect(await cmp.grid()).toBeUndefined();
  });
});
