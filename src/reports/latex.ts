/**
 * LaTeX rendering: a `table` float with booktabs rules, the convention and scale in the caption and
 * the notes as a footnote-sized paragraph. Needs \usepackage{booktabs}.
 */
import { type Table, formatCell, tableContext } from './table.js';

const REPLACEMENTS: Readonly<Record<string, string>> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // OT1 fonts print these as other glyphs
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
  '−': '$-$',
  '–': '--',
  'Δ': '$\\Delta$',
  'λ': '$\\lambda$',
  'π': '$\\pi$',
  'θ': '$\\theta$',
  'Θ': '$\\Theta$',
  'Σ': '$\\Sigma$',
  'μ': '$\\mu$',
  '₀': '$_0$',
  '×': '$\\times$',
  '∞': '$\\infty$',
  '≈': '$\\approx$',
};

/**
 * Escapes LaTeX specials and maps the Greek letters and signs the tables use to math mode (one pass); line
 * breaks and other control characters become spaces (a blank line inside a tabular row is an error).
 */
export function latexEscape(text: string): string {
  let out = '';
  for (const ch of text) out += REPLACEMENTS[ch] ?? (/[\u0000-\u001f\u007f\u2028\u2029]/.test(ch) ? ' ' : ch);
  return out;
}

export function tableToLatex(table: Table): string {
  const align = table.columns.map((c) => (c.kind === 'text' ? 'l' : 'r')).join('');
  const lines: string[] = [];
  lines.push('\\begin{table}[t]', '\\centering', '\\small');
  lines.push(`\\caption{${latexEscape(table.title)} (${latexEscape(tableContext(table))})}`);
  lines.push(`\\label{tab:${table.id}}`);
  lines.push(`\\begin{tabular}{${align}}`, '\\toprule');
  lines.push(`${table.columns.map((c) => latexEscape(c.header)).join(' & ')} \\\\`, '\\midrule');
  for (const row of table.rows) {
    lines.push(`${table.columns.map((c) => latexEscape(formatCell(c, row[c.key]))).join(' & ')} \\\\`);
  }
  lines.push('\\bottomrule', '\\end{tabular}');
  if (table.notes.length > 0) {
    lines.push(`\\par\\footnotesize ${table.notes.map(latexEscape).join(' ')}`);
  }
  lines.push('\\end{table}');
  return `${lines.join('\n')}\n`;
}
