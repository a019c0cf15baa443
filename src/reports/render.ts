/**
 * Headless rendering of Vega-Lite specs: vega-lite compile → vega View (renderer `none`) → SVG →
 * PNG with @resvg/resvg-js. resvg needs a font for text: it loads the system fonts (Debian:
 * fonts-dejavu-core) and any font files given (option `fontFiles` or RDBM_FONT, a path).
 * vega and vega-lite load lazily: vega-canvas has a top-level await, and an ESM graph with one
 * cannot be require()d, which is how tslab notebooks load the package.
 */
import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import { RdbmError } from '../errors.js';

export interface RenderOptions {
  /** pixel ratio of the PNG (default 2) */
  readonly scale?: number;
  /** extra font files (TTF/OTF) for resvg; RDBM_FONT adds one more */
  readonly fontFiles?: readonly string[];
}

/** The Vega spec a Vega-Lite spec compiles to. */
export async function compileVegaLite(spec: TopLevelSpec): Promise<import('vega').Spec> {
  const { compile } = await import('vega-lite');
  try {
    return compile(spec).spec;
  } catch (error) {
    throw new RdbmError(`invalid Vega-Lite spec: ${(error as Error).message}`);
  }
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { View, parse } = await import('vega');
  const view = new View(parse(await compileVegaLite(spec)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string, options: RenderOptions = {}): Uint8Array {
  const fontFiles = [...(options.fontFiles ?? []), ...(process.env.RDBM_FONT ? [process.env.RDBM_FONT] : [])];
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    background: 'white',
    font: { loadSystemFonts: true, fontFiles, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return new Uint8Array(resvg.render().asPng());
}

export async function renderPng(spec: TopLevelSpec, options: RenderOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderSvg(spec), options);
}
