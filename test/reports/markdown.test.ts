import { expect, it } from 'vitest';
import { markdownTable, markdownText, tableToMarkdown } from '../../src/reports/index.js';

it('escapes what Markdown would read as emphasis or a cell end (sum_scale … Σ_{T−1} was italic in bridge-explorer)', () => {
  expect(markdownText('sum_scale 0.01: Σ_{T−1} = 0.1 | a*b \\')).toBe('sum\\_scale 0.01: Σ\\_{T−1} = 0.1 \\| a\\*b \\\\');
  const md = tableToMarkdown({ id: 't', title: 'x_t and y_t', convention: 'rdbm', scale: 's', columns: [{ key: 'a', header: 'Θ_{T−1}', kind: 'text' }], rows: [{ a: 'sum_scale' }], notes: ['note_1'] });
  expect(md).toBe('**x\\_t and y\\_t** (metric convention: rdbm; scale: s)\n\n| Θ\\_{T−1} |\n| --- |\n| sum\\_scale |\n\n- note\\_1\n');
});

it('markdownTable: a header, alignment and escaped text cells', () => {
  expect(markdownTable(['preset', 'Θ_{T−1}'], [['RDDM (sum_scale 1)', 0.5]], ['left', 'right'])).toBe('| preset | Θ\\_{T−1} |\n| --- | ---: |\n| RDDM (sum\\_scale 1) | 0.5 |');
});

it('leaves underscores and asterisks inside code spans as they are (a README fact quoting `rdbm metrics --layout`)', () => {
  expect(markdownText('see `results/per_task.csv` and per_task *')).toBe('see `results/per_task.csv` and per\\_task \\*');
});

it('leaves $…$ math as written (a label quoting $x_0$ stays a subscript)', () => {
  expect(markdownText('100% $x_0$ and x_0')).toBe('100% $x_0$ and x\\_0');
});
