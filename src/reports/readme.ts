/**
 * results/README.md (pure): the headline table and plot first, the convention and scale stated up
 * front, then every section's tables (Markdown inline, CSV and LaTeX linked) and plots.
 */
import { plotPath, tablePath } from '../experiments/layout.js';
import type { ReportPlan } from './plan.js';
import { markdownText, tableToMarkdown } from './markdown.js';

/** Alt text of an image: Markdown text without brackets (a `]` would end it). */
const alt = (text: string) => markdownText(text).replace(/[[\]]/g, (c) => `\\${c}`);
import { scaleStatement } from './statement.js';

export interface ReadmeMeta {
  /** budget of the runs (`smoke`, `default`, …) */
  readonly scale: string;
  /** metric convention id */
  readonly convention: string;
  readonly dataset?: string;
  /** the command that regenerates the folder */
  readonly command?: string;
  /** lines such as "wall time 8m12s", "backend cpu" */
  readonly facts?: readonly string[];
  /** what did not run and why */
  readonly missing?: readonly string[];
}

export function resultsReadme(plan: ReportPlan, meta: ReadmeMeta & { png?: boolean }): string {
  // links relative to the folder the README sits in
  const image = (id: string) => plotPath('', id, meta.png === false ? 'svg' : 'png');
  const table = (id: string, format: 'csv' | 'tex') => tablePath('', id, format);
  const lines: string[] = ['# Results', ''];
  lines.push(
    `Reproduced on **${meta.dataset ?? 'the bundled benchmark'}** at scale **${meta.scale}**, metric convention **${meta.convention}**. ` +
      'Published figures are the paper\'s (never measured here); `unknown` = not published, `–` = not in the paper or not run. ' +
      scaleStatement(meta.scale),
    '',
  );
  if (meta.command) lines.push(`Regenerate with \`${meta.command}\`.`, '');
  for (const fact of meta.facts ?? []) lines.push(`- ${markdownText(fact)}`);
  if (meta.facts?.length) lines.push('');
  if (meta.missing?.length) {
    lines.push('**Not reproduced in this run:**', '');
    for (const m of meta.missing) lines.push(`- ${markdownText(m)}`);
    lines.push('');
  }
  const headline = plan.sections.find((s) => s.id === 'main');
  const headlinePlot = headline?.plots[0] ?? plan.sections.flatMap((s) => s.plots)[0];
  if (headline?.tables[0]) lines.push('## Headline', '', tableToMarkdown(headline.tables[0]).trimEnd(), '');
  if (headlinePlot) lines.push(`![${alt(headlinePlot.title)}](${image(headlinePlot.id)})`, '');
  for (const section of plan.sections) {
    lines.push(`## ${markdownText(section.title)}`, '');
    section.tables.forEach((t, i) => {
      if (section === headline && i === 0) {
        lines.push(`Main table: see the headline above ([CSV](${table(t.id, 'csv')}), [LaTeX](${table(t.id, 'tex')})).`, '');
        return;
      }
      lines.push(tableToMarkdown(t).trimEnd(), '', `[CSV](${table(t.id, 'csv')}) · [LaTeX](${table(t.id, 'tex')})`, '');
    });
    for (const plot of section.plots) {
      if (plot === headlinePlot) continue;
      const spec = plotPath('', plot.id, 'vl.json');
      lines.push(`![${alt(plot.title)}](${image(plot.id)})`, '', `Vega-Lite spec: [${spec}](${spec})`, '');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
