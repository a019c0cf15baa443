/**
 * What every notebook must keep (issue 33: notebooks as thin clients), checked on the committed
 * notebooks (test/notebooks/notebooks.test.ts) and on freshly executed ones (`npm run notebooks -- --check`):
 *   - no code cell longer than MAX_CELL_LINES lines (the work belongs in a library call);
 *   - no underscore outside code in Markdown (cells and text/markdown outputs) that is not escaped:
 *     `sum_scale … Σ_{T−1}` turned whole sentences of bridge-explorer into italics.
 */

export const MAX_CELL_LINES = 15;

const text = (t) => (Array.isArray(t) ? t.join('') : (t ?? ''));

/** Markdown without fenced code blocks, code spans and `$…$` math (underscores there are literal or subscripts). */
export function markdownProse(markdown) {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/(`+)[\s\S]*?\1/g, '').replace(/\$[^$\n]+\$/g, '');
}

/** The unescaped underscores of a Markdown text outside code, each as a short excerpt. */
export function bareUnderscores(markdown) {
  const prose = markdownProse(markdown);
  const found = [];
  for (const m of prose.matchAll(/(?<!\\)_/g)) found.push(prose.slice(Math.max(0, m.index - 12), m.index + 12).replace(/\s+/g, ' '));
  return found;
}

/** One line per problem of a notebook (parsed .ipynb JSON), naming the cell. */
export function notebookProblems(nb) {
  const problems = [];
  nb.cells.forEach((cell, i) => {
    const where = `cell ${i + 1}${cell.id ? ` (id ${cell.id})` : ''}`;
    const source = text(cell.source);
    if (cell.cell_type === 'code') {
      const lines = source.replace(/\n+$/, '').split('\n').length;
      if (lines > MAX_CELL_LINES) problems.push(`${where} has ${lines} lines (at most ${MAX_CELL_LINES}: move the work into a library call)`);
    }
    const markdown = [cell.cell_type === 'markdown' ? source : '', ...(cell.outputs ?? []).map((o) => text(o.data?.['text/markdown']))];
    for (const md of markdown) {
      const bare = bareUnderscores(md);
      if (bare.length) problems.push(`${where}: ${bare.length} unescaped underscore(s) in Markdown would turn text into italics (write \\_ or use code): …${bare[0]}…`);
    }
  });
  return problems;
}
