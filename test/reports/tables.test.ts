import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type ReproducedSet,
  ablationTable,
  delta,
  formatCell,
  latexEscape,
  markdownText,
  mainTable,
  perTaskTable,
  publishedTable,
  sameKey,
  tableToCsv,
  tableToLatex,
  tableToMarkdown,
} from '../../src/reports/index.js';

const fixture = (name: string): ReproducedSet => JSON.parse(readFileSync(new URL(`../fixtures/reports/${name}`, import.meta.url), 'utf8'));
const main = fixture('reproduced-main.json');
const lambda = fixture('reproduced-lambda.json');

describe('publishedTable', () => {
  const table = publishedTable(main);
  const row = (method: string) => table.rows.find((r) => r.method === method)!;

  it('puts reproduced figures beside published ones, without a difference between different budgets', () => {
    expect(row('RDBM-L').psnr_paper).toBe(31.04);
    expect(row('RDBM-L').psnr_ours).toBe(30.5);
    expect(row('RDBM-L').params_paper).toBe(7.73);
    expect(row('RDBM-L').flops_ours).toBe(30.1);
    expect(table.columns.map((c) => c.key)).not.toContain('psnr_delta');
    expect(table.columns.length).toBeLessThanOrEqual(12);
  });

  it('keeps unknown published figures unknown and marks not-run entries', () => {
    expect(row('RDBM-T').psnr_paper).toBeNull();
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
    expect(csv[1].startsWith('published,rdbm,smoke,IRSDE,19.55,,unknown,')).toBe(true);
  });

  it('matches the saved renderings', async () => {
    await expect(tableToMarkdown(table)).toMatchFileSnapshot('../fixtures/reports/published.md');
    await expect(tableToCsv(table)).toMatchFileSnapshot('../fixtures/reports/published.csv');
    await expect(tableToLatex(table)).toMatchFileSnapshot('../fixtures/reports/published.tex');
  });

  it('renders without reproduced runs (published only), which is also the headline then', () => {
    const only = publishedTable();
    expect(only.scale).toBe('none');
    expect(only.rows.every((r) => r.psnr_ours === undefined)).toBe(true);
    expect(mainTable()).toEqual(only);
  });
});

describe('mainTable (the headline)', () => {
  it('shows our entries with PSNR, SSIM, params and FLOPs in at most 12 columns, no published figures', async () => {
    const table = mainTable(main);
    expect(table.columns.length).toBeLessThanOrEqual(12);
    expect(table.columns.some((c) => c.source === 'paper')).toBe(false);
    expect(table.rows.map((r) => r.method)).toEqual(['RDBM-T', 'RDBM-L', 'Flow matching (π = 0)']);
    expect(table.rows[1]).toMatchObject({ psnr: 30.5, ssim: 0.9, params: 7.7, flops: 30.1 });
    expect(table.title).toContain('five-task average');
    await expect(tableToMarkdown(table)).toMatchFileSnapshot('../fixtures/reports/main.md');
  });

  it('with run statistics: the input first, Δ vs default with its interval and the reading, 11 columns', () => {
    const set = JSON.parse(readFileSync(new URL('../fixtures/reports/reproduced-main.json', import.meta.url), 'utf8')) as ReproducedSet;
    const withStats: ReproducedSet = {
      ...set,
      default: 'rdbm-T',
      entries: [
        { key: 'input', label: 'Input (unrestored)', average: { psnr: 15, ssim: 0.5 }, tasks: {}, delta: { psnr: { mean: -9.5, low: -10, high: -9, p: 0.0001, equivalence: null }, ssim: { mean: -0.28, low: -0.3, high: 0.01, p: 0.08, equivalence: 0.3 }, against: 'rdbm-T', pairs: 10 } },
        { ...set.entries[0], seeds: 1 },
        { ...set.entries[1], seeds: 1, delta: { psnr: { mean: 6, low: 5, high: 7, p: 0.0001, equivalence: null }, ssim: { mean: 0.12, low: 0.1, high: 0.14, p: 0.0001, equivalence: null }, against: 'rdbm-T', pairs: 10 } },
      ],
    };
    const table = mainTable(withStats);
    expect(table.columns.map((c) => c.header)).toEqual(['Method', 'PSNR', 'SSIM', 'Params M', 'FLOPs G', 'Seeds', 'Δ PSNR vs default', 'Δ PSNR 95% CI', 'Δ SSIM vs default', 'Δ SSIM 95% CI', 'Reading (95% CI)']);
    expect(table.rows.map((r) => [r.method, r.reading])).toEqual([
      ['Input (unrestored)', '✱ PSNR below; SSIM not told apart; |Δ| < 0.3000'],
      ['RDBM-T (default)', '(default)'],
      ['RDBM-L', '✱ PSNR above; ✱ SSIM above'],
    ]);
    expect(table.rows[0].ssim_vs_default_ci).toBe('[−0.3000, +0.0100]');
  });
});

describe('ablationTable', () => {
  it('matches λ values however they are spelled and keeps extra values', () => {
    const table = ablationTable('lambda', lambda);
    expect(table.rows.map((r) => r.value)).toEqual(['1/255', '10/255 (default)', '100/255', '0.5 (not in paper)']);
    expect([table.rows[1].psnr_paper, table.rows[1].psnr_ours]).toEqual([31.04, 25.25]);
    expect(table.columns.length).toBeLessThanOrEqual(12);
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
    expect(table.notes.join(' ')).toContain('test images per task: 4.');
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
    // issue 32: a user's label cannot break a row (newlines) or print other glyphs (OT1 <, >, |)
    expect(latexEscape('a\n\nb |x| <y>')).toBe('a  b \\textbar{}x\\textbar{} \\textless{}y\\textgreater{}');
  });

  it('escapes user text for Markdown: one line, no raw HTML, no cell breaks (issue 32)', () => {
    expect(markdownText('a\r\nb | <script>x</script> & \\ [−1, +1]')).toBe('a b \\| &lt;script&gt;x&lt;/script&gt; &amp; \\\\ [−1, +1]');
  });
});
