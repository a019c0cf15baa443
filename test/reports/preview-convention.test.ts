/** image-ssim is a preview (README): refused in sweeps, tables and plots, with one line naming the allowed ones. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PAPER_CONFIG, runConfig } from '../../src/experiments/index.js';
import { TABLE_CONVENTION_IDS } from '../../src/metrics/index.js';
import { type ReproducedSet, mainTable, perTaskPlot, tableToCsv, tableToLatex, tableToMarkdown } from '../../src/reports/index.js';

const main = JSON.parse(readFileSync(new URL('../fixtures/reports/reproduced-main.json', import.meta.url), 'utf8')) as ReproducedSet;
const ALLOWED = 'expected one of rdbm, basicsr-y, basicsr-rgb, skimage-gaussian, matlab-y';

describe('the preview convention image-ssim', () => {
  it('is the only convention left out of sweeps and tables', () => {
    expect(TABLE_CONVENTION_IDS).toEqual(['rdbm', 'basicsr-y', 'basicsr-rgb', 'skimage-gaussian', 'matlab-y']);
  });
  it('is refused as a sweep metric', () => {
    expect(() => runConfig({ ...PAPER_CONFIG, metric: 'image-ssim' })).toThrow(
      `invalid config metric: "image-ssim" is a preview metric, never used in sweeps, tables or plots (${ALLOWED})`,
    );
    expect(runConfig({ ...PAPER_CONFIG, metric: 'matlab-y' }).metric).toBe('matlab-y');
  });
  it('is refused by every table rendering and plot, also inside a list of conventions', () => {
    const preview = { ...main, convention: 'rdbm, image-ssim' };
    const table = mainTable(preview);
    const message = `invalid table convention: "image-ssim" is a preview metric, never used in sweeps, tables or plots (${ALLOWED})`;
    expect(() => tableToMarkdown(table)).toThrow(message);
    expect(() => tableToLatex(table)).toThrow(message);
    expect(() => tableToCsv(table)).toThrow(message);
    expect(() => perTaskPlot(preview, 'psnr')).toThrow(message);
    expect(tableToMarkdown(mainTable(main))).toContain('metric convention: rdbm; scale: smoke');
  });
});
