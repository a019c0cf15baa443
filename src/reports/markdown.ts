/** Markdown (GitHub) rendering: a bold title with the convention and scale, the table, then the notes. */
import { type Table, formatCell, tableContext } from './table.js';

const ENTITIES: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/**
 * Text for one Markdown line, from labels a user wrote (issue 32, defect 8): line breaks and other control
 * characters become spaces (a newline would end a table row), `<`, `>` and `&` become entities (no raw HTML
 * such as `<script>` reaches a README), and `\\` and `|` are escaped (a `|` would end a table cell). Outside
 * code spans and `$…$` math `_` and `*` are escaped too: `sum_scale … Σ_{T−1}` turned text into italics (issue 33).
 */
export function markdownText(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/[<>&]/g, (c) => ENTITIES[c])
    .replace(/[\\|]/g, (c) => `\\${c}`)
    .split(/(`[^`]*`|\$[^$]+\$)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[_*]/g, (c) => `\\${c}`)))
    .join('');
}

const escape = markdownText;

export function tableToMarkdown(table: Table): string {
  const lines: string[] = [];
  lines.push(`**${escape(table.title)}** (${escape(tableContext(table))})`, '');
  lines.push(`| ${table.columns.map((c) => escape(c.header)).join(' | ')} |`);
  lines.push(`|${table.columns.map((c) => (c.kind === 'text' ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const row of table.rows) {
    lines.push(`| ${table.columns.map((c) => escape(formatCell(c, row[c.key]))).join(' | ')} |`);
  }
  if (table.notes.length > 0) {
    lines.push('');
    for (const note of table.notes) lines.push(`- ${escape(note)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A plain Markdown table of text cells (escaped), for listings that are not result tables (presets, sizes). */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[], align: readonly ('left' | 'right')[] = []): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map((c) => escape(String(c))).join(' | ')} |`;
  return [line(header), `|${header.map((_, i) => (align[i] === 'right' ? ' ---: ' : ' --- ')).join('|')}|`, ...rows.map(line)].join('\n');
}
