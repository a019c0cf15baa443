/** Markdown (GitHub) rendering: a bold title with the convention and scale, the table, then the notes. */
import { type Table, formatCell, tableContext } from './table.js';

function escape(text: string): string {
  return text.replace(/\|/g, '\\|');
}

export function tableToMarkdown(table: Table): string {
  const lines: string[] = [];
  lines.push(`**${table.title}** (${tableContext(table)})`, '');
  lines.push(`| ${table.columns.map((c) => escape(c.header)).join(' | ')} |`);
  lines.push(`|${table.columns.map((c) => (c.kind === 'text' ? ' --- ' : ' ---: ')).join('|')}|`);
  for (const row of table.rows) {
    lines.push(`| ${table.columns.map((c) => escape(formatCell(c, row[c.key]))).join(' | ')} |`);
  }
  if (table.notes.length > 0) {
    lines.push('');
    for (const note of table.notes) lines.push(`- ${note}`);
  }
  return `${lines.join('\n')}\n`;
}
