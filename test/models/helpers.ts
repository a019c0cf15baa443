import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'models');

export interface IoFixture {
  config: { dim: number; dimMults: number[] };
  shape: [number, number, number, number];
  t: number[];
  xt: number[];
  mu: number[];
  out: number[];
}

export function ioFixture(name: string): IoFixture {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as IoFixture;
}

export { maxAbsDiff } from '../helpers/arrays.js';

import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeImage } from '../../src/image/index.js';
import { createRng } from '../../src/util/random.js';

/** A tiny paired dataset in the RDBM layout: two tasks, three 20×20 pairs each (deterministic). */
export async function makeDataset(split = 'train', size = 20): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'rdbm-models-data-'));
  const rng = createRng(7);
  for (const [task, sub] of [['Deraining', 'Rain100L'], ['Dehazing', 'NH-HAZE']]) {
    for (const kind of ['label', 'condition']) mkdirSync(join(root, task, sub, split, kind), { recursive: true });
    for (let i = 0; i < 3; i++) {
      const label = new Uint8Array(size * size * 3).map(() => rng.int(256));
      const cond = label.map((v) => (task === 'Dehazing' ? Math.round(v * 0.6 + 90) : Math.min(255, v + (rng.uniform() < 0.1 ? 120 : 0))));
      await writeImage(join(root, task, sub, split, 'label', `${i}.png`), { width: size, height: size, channels: 3, data: label });
      await writeImage(join(root, task, sub, split, 'condition', `${i}.png`), { width: size, height: size, channels: 3, data: cond });
    }
  }
  return root;
}
