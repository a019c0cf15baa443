/**
 * The layout check of plots in headless Chromium (issue 33: "each plot is checked for overlapping labels
 * and cut legends by rendering it"). Each plot is drawn twice on one page: the SVG the PNGs are made
 * from (vega in Node, text placed with Node's width estimates, drawn by Chromium with the real font),
 * and a live vega view as JupyterLab draws it. The page measures every text; layoutProblems names
 *   - two texts whose boxes overlap (more than 1 px each way),
 *   - a text vega shortened to its label limit (ending in …: a cut legend or axis label),
 *   - a text outside the drawing (cut at its edge).
 */
import { writeFileSync } from 'node:fs';
import { pageReport } from './chromium.mjs';

const REPORT_ID = 'rdbm-plot-layout';

const MEASURE = `
const box = (e, origin) => { const r = e.getBoundingClientRect(); return { x0: r.left - origin.left, y0: r.top - origin.top, x1: r.right - origin.left, y1: r.bottom - origin.top }; };
// vega hides labels it drops for overlap (labelOverlap) with opacity 0 rather than removing them
const shown = (e) => { for (let n = e; n && n.tagName !== 'svg'; n = n.parentElement) { const s = getComputedStyle(n); if (Number(s.opacity) === 0 || Number(s.fillOpacity) === 0 || s.visibility === 'hidden' || s.display === 'none') return false; } return true; };
function measure(svg) {
  const origin = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].filter((t) => t.textContent.trim() !== '' && t.getBoundingClientRect().width > 0 && shown(t))
    .map((t) => ({ text: t.textContent, box: box(t, origin) }));
  return { width: origin.width, height: origin.height, texts };
}
async function main() {
  const out = [];
  for (const plot of PLOTS) {
    const node = document.getElementById('node-' + plot.index).querySelector('svg');
    const holder = document.getElementById('live-' + plot.index);
    let live;
    try {
      const view = new vega.View(vega.parse(plot.vega), { renderer: 'svg', container: holder, hover: false });
      await view.runAsync();
      live = measure(holder.querySelector('svg'));
      view.finalize();
    } catch (e) {
      live = { error: String(e) };
    }
    out.push({ id: plot.id, node: measure(node), live });
  }
  const pre = document.createElement('pre');
  pre.id = '${REPORT_ID}';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
}
main().catch((e) => { const pre = document.createElement('pre'); pre.id = '${REPORT_ID}'; pre.textContent = JSON.stringify({ error: String(e) }); document.body.appendChild(pre); });
`;

/** The page: every plot's Node SVG inline and a holder for its live view; vega from its UMD build. */
export function plotLayoutPage(plots, vegaScript) {
  const safe = (s) => JSON.stringify(s).replace(/</g, '\\u003c');
  const meta = plots.map((p, index) => ({ index, id: p.id, vega: p.vega }));
  return `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;font-family:'DejaVu Sans'} .plot{display:inline-block;margin:8px}</style>
<script src="file://${vegaScript}"></script></head><body>
${plots.map((p, i) => `<div class="plot" id="node-${i}">${p.svg}</div><div class="plot" id="live-${i}"></div>`).join('\n')}
<script>const PLOTS = ${safe(meta)};${MEASURE}</script></body></html>`;
}

const TOLERANCE = 1;

/** One line per layout problem of one drawing ({ width, height, texts }). */
export function drawingProblems(drawing) {
  const problems = [];
  const { texts } = drawing;
  for (const t of texts) {
    if (t.text.endsWith('…')) problems.push(`"${t.text}" is cut to its label limit`);
    const out = Math.max(-t.box.x0, -t.box.y0, t.box.x1 - drawing.width, t.box.y1 - drawing.height);
    if (out > TOLERANCE) problems.push(`"${t.text}" reaches ${Math.round(out)} px past the edge of the drawing`);
  }
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i].box;
      const b = texts[j].box;
      const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
      const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (w > TOLERANCE && h > TOLERANCE) problems.push(`"${texts[i].text}" and "${texts[j].text}" overlap (${Math.round(w)}×${Math.round(h)} px)`);
    }
  }
  return problems;
}

/** Problems of a page report, each naming its plot and drawing (`png` = the Node SVG the PNG is made from, `live` = the vega view). */
export function layoutProblems(report) {
  if (report.error) return [`the page failed: ${report.error}`];
  return report.flatMap((plot) => [
    ...drawingProblems(plot.node).map((p) => `${plot.id} (png): ${p}`),
    ...(plot.live.error ? [`${plot.id} (live): the view failed: ${plot.live.error}`] : drawingProblems(plot.live).map((p) => `${plot.id} (live): ${p}`)),
  ]);
}

/**
 * Renders plots ({ id, svg, vega }) in Chromium and returns { problems, report }; `page` is where the
 * HTML is written (a path in a temporary folder).
 */
export function checkPlotLayout(browser, plots, { page, vegaScript }) {
  writeFileSync(page, plotLayoutPage(plots, vegaScript));
  const report = pageReport(browser, page, { id: REPORT_ID, width: 1600, height: 1200, budgetMs: 20000 });
  return { problems: layoutProblems(report), report };
}
