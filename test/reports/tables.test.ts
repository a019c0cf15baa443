import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type ReproducedSet,
  ablationTable,
  delta,
  formatCell,
  latexEscape,
  mainTable,
  perTaskTable,
  sameKey,
  tableToCsv,
  tableToLatex,
  tableToMarkdown,
} from '../../src/reports/index.js';

const fixture = (name: string): ReproducedSet => JSON.parse(readFileSync(new URL(`../fixtures/reports/${name}`, import.meta.url), 'utf8'));
const main = fixture('reproduced-main.json');
const lambda = fixture('reproduced-lambda.json');

describe('mainTable', () => {
  const table = mainTable(main);
  const row = (method: string) => table.rows.find((r) => r.method === method)!;

  it('puts reproduced figures beside published ones with ours − paper deltas', () => {
    expect(row('RDBM-L').psnr_paper).toBe(31.04);
    expect(row('RDBM-L').psnr_ours).toBe(30.5);
    expect(row('RDBM-L').psnr_delta).toBeCloseTo(-0.54, 12);
    expect(row('RDBM-L').ssim_delta).toBeCloseTo(0.9 - 0.917, 12);
    expect(row('RDBM-L').params_paper).toBe(7.73);
    expect(row('RDBM-L').flops_ours).toBe(30.1);
  });

  it('keeps unknown published figures unknown and marks not-run entries', () => {
    expect(row('RDBM-T').psnr_paper).toBeNull();
    expect(row('RDBM-T').psnr_delta).toBeNull();
    expect(row('IRSDE').ssim_paper).toBeNull();
    expect(row('IRSDE').psnr_ours).toBeUndefined();
    expect(row('RDBM-B').psnr_ours).toBeUndefined();
    const md = tableToMarkdown(table);
    expect(md).toContain('| RDBM-T | unknown | 24.50 | unknown |');
  });

  it('flags the possible ConvIR/MaIR swap without changing the figures', () => {
    expect(row('ConvIR †').psnr_paper).toBe(29.49);
    expect(row('MaIR †').psnr_paper).toBe(29.51);
    expect(table.notes.some((n) => n.includes('1.55 dB'))).toBe(true);
  });

  it('appends reproduced entries the paper lacks', () => {
    expect(row('Flow matching (π = 0)').psnr_paper).toBeUndefined();
    expect(row('Flow matching (π = 0)').psnr_ours).toBe(23);
  });

  it('names the convention and the scale in every format', () => {
    for (const text of [tableToMarkdown(table), tableToLatex(table)]) expect(text).toContain('metric convention: rdbm; scale: smoke');
    const csv = tableToCsv(table).split('\n');
    expect(csv[0].startsWith('table,convention,scale,method,')).toBe(true);
    expect(csv[1].startsWith('main,rdbm,smoke,IRSDE,19.55,,,unknown,')).toBe(true);
  });

  it('matches the saved renderings', async () => {
    await expect(tableToMarkdown(table)).toMatchFileSnapshot('../fixtures/reports/main.md');
    await expect(tableToCsv(table)).toMatchFileSnapshot('../fixtures/reports/main.csv');
    await expect(tableToLatex(table)).toMatchFileSnapshot('../fixtures/reports/main.tex');
  });

  it('renders without reproduced runs (published only)', () => {
    const only = mainTable();
    expect(only.scale).toBe('none');
    expect(only.rows.every((r) => r.psnr_ours === undefined)).toBe(true);
  });
});

describe('ablationTable', () => {
  it('matches λ values however they are spelled and keeps extra values', () => {
    const table = ablationTable('lambda', lambda);
    expect(table.rows.map((r) => r.value)).toEqual(['1/255', '10/255 (default)', '100/255', '0.5 (not in paper)']);
    expect(table.rows[1].psnr_delta).toBeCloseTo(25.25 - 31.04, 12);
    expect(table.rows[0].psnr_ours).toBe(24.75);
    expect(table.rows[0].ssim_paper).toBeNull();
    expect(table.rows[2].psnr_ours).toBeUndefined();
  });

  it('builds every ablation of the paper in its order', async () => {
    expect(ablationTable('pi').rows.map((r) => r.value)).toEqual(['0', '1', '|x₀ − μ|', 'x₀ − μ (default)']);
    expect(ablationTable('nfe').rows.map((r) => r.psnr_paper)).toEqual([22.81, 31.04, null, null, null]);
    expect(ablationTable('schedule').rows.map((r) => r.psnr_paper)).toEqual([31.04, 30.99, 30.84]);
    await expect(tableToMarkdown(ablationTable('lambda', lambda))).toMatchFileSnapshot('../fixtures/reports/ablation-lambda.md');
  });

  it('rejects an unknown ablation naming the known ones', () => {
    expect(() => ablationTable('size' as never)).toThrow(/unknown ablation: "size" \(expected one of schedule, lambda, nfe, pi\)/);
  });
});

describe('perTaskTable', () => {
  it('breaks results down per task and shows a published task figure where one exists', async () => {
    const table = perTaskTable(lambda, { ablation: 'lambda' });
    expect(table.columns.map((c) => c.key)).toContain('dehazing_psnr_paper');
    expect(table.columns.map((c) => c.key)).not.toContain('deraining_psnr_paper');
    expect(table.rows[0].dehazing_psnr_paper).toBe(33.45);
    expect(table.rows[1].dehazing_psnr_paper).toBeNull();
    expect(table.rows[0].dehazing_psnr).toBe(27.5);
    expect(table.rows[0]['low-light_psnr']).toBeUndefined();
    await expect(tableToMarkdown(table)).toMatchFileSnapshot('../fixtures/reports/per-task-lambda.md');
  });

  it('has no paper columns for the main set', () => {
    const table = perTaskTable(main);
    expect(table.columns.some((c) => c.source === 'paper')).toBe(false);
    expect(table.rows[0].deraining_psnr).toBe(26.1);
    expect(table.notes.join(' ')).toContain('test images per task: 4–4');
  });
});

describe('cells', () => {
  it('formats numbers, deltas, unknown and missing', () => {
    const num = { key: 'a', header: 'a', kind: 'number', digits: 2 } as const;
    const dlt = { key: 'd', header: 'd', kind: 'delta', digits: 2 } as const;
    expect(formatCell(num, 31.041)).toBe('31.04');
    expect(formatCell(dlt, 0.123)).toBe('+0.12');
    expect(formatCell(dlt, -0.5)).toBe('−0.50');
    expect(formatCell(dlt, -0.001)).toBe('0.00');
    expect(formatCell(num, null)).toBe('unknown');
    expect(formatCell(num, undefined)).toBe('–');
    expect(formatCell(num, Infinity)).toBe('∞');
    expect(delta(1, null)).toBeNull();
    expect(delta(undefined, 1)).toBeUndefined();
    expect(delta(2, 1.5)).toBe(0.5);
  });

  it('matches axis values numerically', () => {
    expect(sameKey('10/255', String(10 / 255))).toBe(true);
    expect(sameKey('10', '10.0')).toBe(true);
    expect(sameKey('cosine', 'linear')).toBe(false);
    expect(sameKey('', '0')).toBe(false);
  });

  it('escapes LaTeX specials in one pass', () => {
    expect(latexEscape('a_b & 50% {x} \\ Δ λ x₀ − μ')).toBe('a\\_b \\& 50\\% \\{x\\} \\textbackslash{} $\\Delta$ $\\lambda$ x$_0$ $-$ $\\mu$');
  });
});
