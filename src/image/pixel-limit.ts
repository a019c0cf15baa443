/**
 * The pixel limit of decoders (issue 32, defect 3): an image whose header declares more pixels than the limit
 * is refused before anything is decoded, since a 1 MB PNG can declare 20000 × 20000 pixels (1.2 GB decoded).
 */
import { RdbmError } from '../errors.js';
import { limitHint } from '../util/limits.js';

/** Throws one line naming the file, its size and the limit when `width` × `height` exceeds `maxPixels`. */
export function checkPixels(path: string, width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) throw new RdbmError(`${path}: ${width}×${height} = ${width * height} pixels, over the ${limitHint('pixels', maxPixels)}`);
}
