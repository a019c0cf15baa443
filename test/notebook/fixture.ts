/**
 * A small dataset in the RDBM/DGSolver layout for the notebook calls: two tasks (Deraining, and
 * Enlighening whose task key is low-light and whose title is Low-light), three 32×32 test pairs each,
 * and restored folders whose outputs sit closer to the labels than the inputs by different amounts.
 */
import { join } from 'node:path';
import { writeImage } from '../../src/image/index.js';

export const LAYOUT = [['Deraining', 'Rain100L', ['1.png', '2.png', '3.png']], ['Enlighening', 'LOL', ['7.png', '8.png', '9.png']]] as const;

/** A smooth 32×32 image, deterministic per seed; `noise` adds a fixed pattern of that amplitude. */
export function image(seed: number, noise = 0) {
  const data = new Uint8Array(32 * 32 * 3);
  for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) for (let c = 0; c < 3; c++) {
    const v = 128 + 90 * Math.sin((x + seed * 3) / (5 + c)) * Math.cos((y - seed) / 7) + noise * (((x * 7 + y * 13 + c * 5 + seed) % 11) - 5);
    data[(y * 32 + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return { width: 32, height: 32, channels: 3 as const, data };
}

/** Writes `<root>/data` (test split) and restored folders `<root>/runs/<name>` with the given noise amplitudes. */
export async function writeLayout(root: string, restored: Readonly<Record<string, number>> = {}): Promise<string> {
  const data = join(root, 'data');
  let seed = 0;
  for (const [task, sub, names] of LAYOUT) {
    for (const name of names) {
      seed++;
      await writeImage(join(data, task, sub, 'test', 'label', name), image(seed));
      await writeImage(join(data, task, sub, 'test', 'condition', name), image(seed, 6));
      for (const [run, noise] of Object.entries(restored)) await writeImage(join(root, 'runs', run, task, sub, name), image(seed, noise));
    }
  }
  return data;
}
