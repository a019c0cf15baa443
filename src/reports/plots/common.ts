/**
 * Shared pieces of the Vega-Lite spec builders: the schema, a font every renderer here has, and the
 * subtitle that names the metric convention and scale (every plot of a metric carries it).
 */
import type { TopLevelSpec } from 'vega-lite';

/** The Vega-Lite version the builders target (the installed vega-lite 6). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A sans-serif list resvg resolves on Debian (fonts-dejavu-core) and browsers resolve anywhere. */
export const PLOT_FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

export const PLOT_CONFIG = Object.freeze({
  font: PLOT_FONT,
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, subtitleFontSize: 11, anchor: 'start' as const },
});

export { conventionContext as context } from '../table.js';

/** Wraps a spec body with schema, title, subtitle and config. */
export function topLevel(title: string, subtitle: string | string[] | undefined, body: Record<string, unknown>): TopLevelSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: subtitle ? { text: title, subtitle } : title,
    config: PLOT_CONFIG,
    background: 'white',
    ...body,
  } as TopLevelSpec;
}

export const METRICS = ['psnr', 'ssim'] as const;
export type MetricName = (typeof METRICS)[number];
export const METRIC_TITLES: Readonly<Record<MetricName, string>> = { psnr: 'PSNR (dB)', ssim: 'SSIM' };
