/**
 * Notebook display helpers (tslab or any Jupyter kernel). A plot is shown as ONE multi-MIME bundle:
 * the Vega-Lite spec (JupyterLab and VS Code render it, interactive) plus a PNG rendering of it
 * (GitHub, nbviewer, the classic Notebook and `nbconvert --to html` show the image). JupyterLab 4
 * bundles Vega-Lite 5 and registers `application/vnd.vegalite.v5+json`; the builders here use only
 * features common to Vega-Lite 5 and 6, so the spec is handed over with a v5 `$schema`.
 *   displayPlot(spec)         // inside a tslab cell, synchronous
 *   displayTable(table)       // a Table or Markdown text (e.g. comparison.table())
 *   displayPlotImage(spec)    // the PNG alone: restoration grids, whose spec carries every image
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { TopLevelSpec } from 'vega-lite';
import { RdbmError } from '../errors.js';
import { tableToMarkdown } from './markdown.js';
import { renderPng } from './render.js';
import type { Table } from './table.js';

export const NOTEBOOK_VEGALITE_MIME = 'application/vnd.vegalite.v5+json';
export const NOTEBOOK_VEGALITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
/** pixel ratio of the PNG beside each spec: 1 keeps committed notebooks small */
export const NOTEBOOK_PNG_SCALE = 1;

export type MimeBundle = Readonly<Record<string, unknown>>;

export function vegaLiteForNotebook(spec: TopLevelSpec): Record<string, unknown> {
  return { ...(spec as unknown as Record<string, unknown>), $schema: NOTEBOOK_VEGALITE_SCHEMA };
}

function specTitle(spec: TopLevelSpec): string {
  const title = (spec as { title?: unknown }).title;
  const text = typeof title === 'object' && title !== null ? (title as { text?: unknown }).text : title;
  return `<Vega-Lite plot${typeof text === 'string' ? `: ${text}` : ''}>`;
}

/** The bundle of a spec and its PNG (base64, as Jupyter stores binary MIME data). */
export function plotBundle(spec: TopLevelSpec, png: Uint8Array): MimeBundle {
  return {
    [NOTEBOOK_VEGALITE_MIME]: vegaLiteForNotebook(spec),
    'image/png': Buffer.from(png).toString('base64'),
    'text/plain': specTitle(spec),
  };
}

/** plotBundle with the PNG rendered here (async). */
export async function renderPlotBundle(spec: TopLevelSpec): Promise<MimeBundle> {
  return plotBundle(spec, await renderPng(spec, { scale: NOTEBOOK_PNG_SCALE }));
}

/**
 * plotBundle with the PNG rendered synchronously in a child Node process (vega's renderer is
 * async), so that `displayPlot(spec)` needs no `await` in a cell: tslab ends a cell without waiting
 * for promises it was not handed, and a display arriving later is lost.
 */
export function renderPlotBundleSync(spec: TopLevelSpec): MimeBundle {
  const script = fileURLToPath(new URL('./render-stdin.js', import.meta.url));
  const child = spawnSync(process.execPath, [script, String(NOTEBOOK_PNG_SCALE)], { input: JSON.stringify(spec), maxBuffer: 1 << 28, stdio: 'pipe' });
  if (child.status !== 0) throw new RdbmError(`rendering the plot failed: ${child.stderr.toString().trim().split('\n').find((l) => /^\w*Error: /.test(l))?.replace(/^RdbmError: /, '') ?? `exit ${child.status}`}`);
  return plotBundle(spec, new Uint8Array(child.stdout));
}

type DisplayWriter = (message: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

/** tslab's display writer, found in the module cache of the running kernel (tslab displays one MIME type per call). */
function tslabWriter(): DisplayWriter {
  const cache = createRequire(import.meta.url).cache;
  for (const [path, mod] of Object.entries(cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(path)) continue;
    const writer = (mod?.exports as { lastWriteDisplayData?: DisplayWriter | null } | undefined)?.lastWriteDisplayData;
    if (typeof writer === 'function') return writer;
  }
  throw new RdbmError('displayPlot/displayBundle: no running tslab kernel found (call it from a notebook cell)');
}

/** Shows a MIME bundle as one display output of the current tslab cell. */
export function displayBundle(bundle: MimeBundle): void {
  tslabWriter()({ data: bundle, metadata: {}, transient: {} }, false);
}

/** Shows a Vega-Lite plot as one output carrying the spec and its PNG. */
export function displayPlot(spec: TopLevelSpec): void {
  displayBundle(renderPlotBundleSync(spec));
}

/**
 * Shows a plot as its PNG alone. For restoration grids and other image plots: their spec carries every
 * image as a data URL, so the spec beside the PNG would double what the notebook stores.
 */
export function displayPlotImage(spec: TopLevelSpec): void {
  const bundle = renderPlotBundleSync(spec);
  displayBundle({ 'image/png': bundle['image/png'], 'text/plain': bundle['text/plain'] });
}

/** Shows a table (rendered as Markdown) or Markdown text as one display output of the current tslab cell. */
export function displayTable(table: Table | string): void {
  const markdown = typeof table === 'string' ? table : tableToMarkdown(table);
  displayBundle({ 'text/markdown': markdown, 'text/plain': markdown });
}
