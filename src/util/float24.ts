/**
 * 24-bit floats for storing checkpoint weights in three quarters of the bytes (the zoo, issue 31), where float16's
 * 11 bits of precision move a restoration by more than 1/255: the float32 layout with its low mantissa byte dropped
 * (sign, 8 exponent bits, 15 mantissa bits: 16 bits of precision, float32's range and subnormals). float32 → float24
 * rounds to nearest, ties to even (beyond the largest finite value → ±∞; NaN stays NaN); float24 → float32 is exact.
 * Checked bit for bit against exact rational rounding in test/util/float24.test.ts (scripts/reference/util_float24.py).
 * Stored little-endian, three bytes per value: the float32's bytes 1, 2 and 3.
 */
/** The float32 bits of x rounded to a float24 (low byte zero). */
export function roundFloat24Bits(bits: number): number {
  const b = bits >>> 0;
  if (((b >>> 23) & 0xff) === 0xff) {
    // ∞ stays; a NaN whose payload lives only in the dropped byte keeps a quiet bit, so it does not become ∞
    const mant = b & 0x7fffff;
    return ((b & 0xffffff00) | (mant && !(mant & 0x7fff00) ? 0x400000 : 0)) >>> 0;
  }
  // add just under half a step, plus one when the kept part is odd (ties to even); a carry moves into the exponent
  // and, from the largest finite value, to ∞, which is what IEEE rounding does there
  return ((b + 0x7f + ((b >>> 8) & 1)) & 0xffffff00) >>> 0;
}

/** float32 values → their float24 bytes (3 per value, little-endian). */
export function toFloat24(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 3);
  // the bits themselves (a float32 NaN read into a JS number may lose its payload)
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < values.length; i++) {
    const r = roundFloat24Bits(bits[i]);
    out[3 * i] = (r >>> 8) & 0xff;
    out[3 * i + 1] = (r >>> 16) & 0xff;
    out[3 * i + 2] = (r >>> 24) & 0xff;
  }
  return out;
}

/** float24 bytes → float32 values (exact). */
export function fromFloat24(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(Math.floor(bytes.length / 3));
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < out.length; i++) bits[i] = ((bytes[3 * i] << 8) | (bytes[3 * i + 1] << 16) | (bytes[3 * i + 2] << 24)) >>> 0;
  return out;
}
