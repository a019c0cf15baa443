/**
 * Notebook display helpers (tslab or any Jupyter kernel): the MIME type JupyterLab's built-in
 * Vega extension renders. JupyterLab 4 bundles Vega-Lite 5 and registers
 * `application/vnd.vegalite.v5+json`; the builders here use only features common to Vega-Lite 5
 * and 6, so the spec is handed over with a v5 `$schema` (vega-embed otherwise warns on the major).
 *   tslab.display.raw(NOTEBOOK_VEGALITE_MIME, vegaLiteForNotebook(spec) as any)
 */
import type { TopLevelSpec } from 'vega-lite';

export const NOTEBOOK_VEGALITE_MIME = 'application/vnd.vegalite.v5+json';
export const NOTEBOOK_VEGALITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

export function vegaLiteForNotebook(spec: TopLevelSpec): Record<string, unknown> {
  return { ...(spec as unknown as Record<string, unknown>), $schema: NOTEBOOK_VEGALITE_SCHEMA };
}
