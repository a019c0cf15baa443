/**
 * Checkpoints stored in float16 or float24 (zoo entries stored small, src/zoo/storage.ts): they read back as the
 * rounded weights, and an edited or unknown dtype is refused. Whether a format may store an entry is measured per
 * entry on its test split (test/zoo/zoo.test.ts), not here.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { readCheckpoint } from '../../src/models/checkpoint.js';
import { writeNarrowCheckpoint } from '../../src/zoo/add.js';
import { maxAbsDiff } from '../helpers/arrays.js';

const T = join(import.meta.dirname, '..', '..', 'data', 'zoo', 'T', 'checkpoint');

test.each([
  ['float16', 2, 2 ** -11],
  ['float24', 3, 2 ** -16],
] as const)('a %s checkpoint holds %i bytes a value and reads back as the rounded weights; an edited dtype is refused', (dtype, bytes, precision) => {
  const dir = mkdtempSync(join(tmpdir(), `rdbm-${dtype}-`));
  writeNarrowCheckpoint(T, dir, dtype);
  const a = readCheckpoint(T);
  const b = readCheckpoint(dir);
  expect(b.manifest.dtype).toBe(dtype);
  const values = a.manifest.tensors.reduce((n, t) => n + t.shape.reduce((x, y) => x * y, 1), 0);
  expect(readFileSync(join(dir, 'weights.bin')).byteLength).toBe(bytes * values);
  const name = 'init_conv.weight';
  const rel = maxAbsDiff(a.tensors.get(name)!.data, b.tensors.get(name)!.data) / Math.max(...a.tensors.get(name)!.data.map(Math.abs));
  expect(rel).toBeGreaterThan(0);
  expect(rel).toBeLessThanOrEqual(precision); // half a unit in the last place of the format, relative to the largest weight
  const copy = mkdtempSync(join(tmpdir(), `rdbm-${dtype}-edit-`));
  cpSync(dir, copy, { recursive: true });
  const m = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'));
  writeFileSync(join(copy, 'manifest.json'), JSON.stringify({ ...m, dtype: 'float32' }));
  expect(() => readCheckpoint(copy)).toThrow(/weights\.bin has \d+ bytes \(expected \d+: truncated or replaced\)/);
  writeFileSync(join(copy, 'manifest.json'), JSON.stringify({ ...m, dtype: 'bfloat16' }));
  expect(() => readCheckpoint(copy)).toThrow('weight dtype "bfloat16" (expected float32, float24, float16)');
});
