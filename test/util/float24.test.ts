import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fromFloat24, roundFloat24Bits, toFloat24 } from '../../src/util/float24.js';

const fx = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'util', 'float24.json'), 'utf8')) as { float32Bits: number[]; float24Bits: number[] };

test('float32 → float24 equals exact rational rounding (nearest, ties to even; ties, subnormals, overflow to ∞, NaN) for every fixture value', () => {
  const wrong = fx.float32Bits.flatMap((b, i) => (roundFloat24Bits(b) >>> 8 === fx.float24Bits[i] ? [] : [`0x${b.toString(16)}: 0x${(roundFloat24Bits(b) >>> 8).toString(16)} vs 0x${fx.float24Bits[i].toString(16)}`]));
  expect(wrong).toEqual([]);
  expect(fx.float32Bits.length).toBeGreaterThan(4000);
});

test('the stored bytes read back as the rounded float32 values, exactly', () => {
  const values = new Float32Array(new Uint32Array(fx.float32Bits).buffer);
  const back = new Uint32Array(fromFloat24(toFloat24(values)).buffer);
  expect(toFloat24(values).length).toBe(3 * values.length);
  const wrong = [...back].flatMap((b, i) => (b === fx.float24Bits[i] * 256 ? [] : [i]));
  expect(wrong).toEqual([]);
  // 16 bits of precision: a weight moves by at most 2^-16 of itself
  const w = new Float32Array([0.123456789, -3.14159265, 1e-30]);
  const r = fromFloat24(toFloat24(w));
  for (let i = 0; i < w.length; i++) expect(Math.abs(r[i] - w[i]) / Math.abs(w[i])).toBeLessThanOrEqual(2 ** -16);
});
