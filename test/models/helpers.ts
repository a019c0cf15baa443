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

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
