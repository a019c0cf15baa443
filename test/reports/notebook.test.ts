/**
 * Notebook plot outputs: one display carrying the Vega-Lite spec and its PNG. The synchronous
 * renderer runs the built dist/reports/render-stdin.js (npm test builds first).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { RdbmError } from '../../src/errors.js';
import { NOTEBOOK_PNG_SCALE, NOTEBOOK_VEGALITE_MIME, NOTEBOOK_VEGALITE_SCHEMA, displayBundle, displayTable, plotBundle, renderPlotBundle } from '../../src/reports/notebook.js';
import { tableToMarkdown } from '../../src/reports/markdown.js';
import { renderPng } from '../../src/reports/render.js';

const dist = new URL('../../dist/reports/notebook.js', import.meta.url).pathname;
const spec = {
  title: 'two points', width: 60, height: 40, data: { values: [{ a: 1, b: 2 }, { a: 2, b: 5 }] }, mark: 'line',
  encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
} as TopLevelSpec;

describe('notebook plot bundles', () => {
  it('hold the spec with a v5 $schema, its PNG and a text line', async () => {
    const bundle = await renderPlotBundle(spec);
    expect(Object.keys(bundle).sort()).toEqual([NOTEBOOK_VEGALITE_MIME, 'image/png', 'text/plain'].sort());
    expect((bundle[NOTEBOOK_VEGALITE_MIME] as { $schema: string }).$schema).toBe(NOTEBOOK_VEGALITE_SCHEMA);
    expect(bundle['text/plain']).toBe('<Vega-Lite plot: two points>');
    const png = Buffer.from(bundle['image/png'] as string, 'base64');
    expect(png.equals(Buffer.from(await renderPng(spec, { scale: NOTEBOOK_PNG_SCALE })))).toBe(true);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(60);
  });

  it.skipIf(!existsSync(dist))('renders synchronously in a child process to the same PNG', async () => {
    const { renderPlotBundleSync } = (await import(dist)) as typeof import('../../src/reports/notebook.js');
    const sync = renderPlotBundleSync(spec);
    expect(sync['image/png']).toBe((await renderPlotBundle(spec))['image/png']);
    expect(() => renderPlotBundleSync({ mark: 'nonsense' } as unknown as TopLevelSpec)).toThrow(/^rendering the plot failed: invalid Vega-Lite spec: /);
  });

  it('displays through the running tslab kernel as one display_data message', async () => {
    expect(() => displayBundle({ 'text/plain': 'x' })).toThrow(RdbmError);
    const require = createRequire(import.meta.url);
    const path = '/fake/node_modules/tslab/dist/jupyter.js';
    const sent: unknown[] = [];
    require.cache[path] = { exports: { lastWriteDisplayData: (message: unknown, update: boolean) => sent.push({ message, update }) } } as NodeJS.Module;
    try {
      const bundle = plotBundle(spec, new Uint8Array([1, 2, 3]));
      displayBundle(bundle);
      expect(sent).toEqual([{ message: { data: bundle, metadata: {}, transient: {} }, update: false }]);
      expect(bundle['image/png']).toBe('AQID');
      // a table goes out as its Markdown (text/markdown, and text/plain for a console)
      const table = { id: 't', title: 'T', convention: 'rdbm', scale: 's', columns: [{ key: 'a', header: 'a_b', kind: 'text' as const }], rows: [{ a: 'x' }], notes: [] };
      displayTable(table);
      displayTable('| a |');
      expect(sent.slice(1)).toEqual([
        { message: { data: { 'text/markdown': tableToMarkdown(table), 'text/plain': tableToMarkdown(table) }, metadata: {}, transient: {} }, update: false },
        { message: { data: { 'text/markdown': '| a |', 'text/plain': '| a |' }, metadata: {}, transient: {} }, update: false },
      ]);
      if (existsSync(dist)) {
        // an image plot goes out as its PNG alone (a restoration grid's spec carries every image); rendered by the built package's child process
        const built = (await import(dist)) as typeof import('../../src/reports/notebook.js');
        built.displayPlotImage(spec);
        const last = (sent.at(-1) as { message: { data: Record<string, unknown> } }).message.data;
        expect(Object.keys(last)).toEqual(['image/png', 'text/plain']);
        expect(last['image/png']).toBe(built.renderPlotBundleSync(spec)['image/png']);
      }
    } finally {
      delete require.cache[path];
    }
  });
});
