import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { fromFloat16, fromHalfBits, toFloat16 } from '../../src/util/float16.js';

const fx = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'util', 'float16.json'), 'utf8')) as { float32Bits: number[]; float16Bits: number[] };
const values = new Float32Array(new Uint32Array(fx.float32Bits).buffer);

test('float32 → float16 bits equal numpy astype(np.float16) for every fixture value (ties, subnormals, overflow, ∞)', () => {
  const bits = toFloat16(values);
  const wrong = [...bits].flatMap((b, i) => (b === fx.float16Bits[i] ? [] : [`${values[i]}: ${b.toString(16)} vs ${fx.float16Bits[i].toString(16)}`]));
  expect(wrong).toEqual([]);
  expect(values.length).toBeGreaterThan(2000);
});

test('float16 → float32 is exact and round-trips', () => {
  const all = new Uint16Array(65536).map((_, i) => i);
  const back = toFloat16(fromFloat16(all));
  for (let i = 0; i < 65536; i++) {
    const nan = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
    if (!nan) expect(back[i], `0x${i.toString(16)}`).toBe(i);
  }
  expect(fromHalfBits(0x3c00)).toBe(1);
  expect(fromHalfBits(0x0001)).toBe(2 ** -24);
  expect(fromHalfBits(0x7bff)).toBe(65504);
});
