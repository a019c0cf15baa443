import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/index.js';
import { errorMap, imageFromSigned, pngDataUrl, renderPng, renderSvg, restorationGridPlot, signedFromImage, colormap } from '../../src/reports/index.js';
import type { TopLevelSpec } from 'vega-lite';

const photo = new URL('../../data/photos/chelsea.png', import.meta.url).pathname;

/** Pixels darker than mid-grey in a region of a PNG. */
async function darkPixels(png: Uint8Array, region?: { left: number; top: number; width: number; height: number }): Promise<number> {
  let img = sharp(Buffer.from(png)).greyscale();
  if (region) img = img.extract(region);
  const { data } = await img.raw().toBuffer({ resolveWithObject: true });
  let n = 0;
  for (const v of data) if (v < 128) n++;
  return n;
}

describe('headless rendering', () => {
  it('renders text with a real font (resvg finds one here)', async () => {
    const spec = { title: 'PSNR', width: 40, height: 40, mark: 'point', data: { values: [] } } as TopLevelSpec;
    const svg = await renderSvg(spec);
    expect(svg).toContain('PSNR');
    const png = await renderPng(spec, { scale: 1 });
    const meta = await sharp(Buffer.from(png)).metadata();
    expect(meta.format).toBe('png');
    // the title sits above the 40×40 view: glyph pixels there mean a font was found
    expect(await darkPixels(png, { left: 0, top: 0, width: meta.width!, height: 20 })).toBeGreaterThan(10);
  });

  it('embeds data-URL images in a grid and renders them', async () => {
    const image = await readImage(photo);
    const url = await pngDataUrl(image, { maxSize: 32 });
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const png = await renderPng(restorationGridPlot([{ label: 'cat', cells: [{ column: 'input', url }] }], { cellSize: 32 }), { scale: 1 });
    const stats = await sharp(Buffer.from(png)).stats();
    // the photo brings colour: the channel means differ from a blank white canvas
    expect(stats.channels[2].mean).toBeLessThan(250);
  });
});

describe('image helpers', () => {
  it('error map is black where equal and saturates at gain · error = 1', () => {
    const a = { width: 2, height: 1, channels: 3 as const, data: new Uint8Array([10, 10, 10, 0, 0, 0]) };
    const b = { width: 2, height: 1, channels: 3 as const, data: new Uint8Array([10, 10, 10, 64, 64, 64]) };
    const map = errorMap(a, b, { gain: 4 });
    expect([...map.data.slice(0, 3)]).toEqual(colormap(0));
    expect([...map.data.slice(3, 6)]).toEqual(colormap(1));
    expect(() => errorMap(a, { ...b, width: 1, data: b.data.slice(0, 3) })).toThrow(/prediction is 2×1×3 but ground truth is 1×1×3/);
  });

  it('maps [−1, 1] to 8 bits and back', () => {
    const img = imageFromSigned([-1, 0, 1, -2, 2, 0.5], 2, 1, 3);
    expect([...img.data]).toEqual([0, 128, 255, 0, 255, 191]);
    expect(signedFromImage(img)[2]).toBe(1);
  });
});
