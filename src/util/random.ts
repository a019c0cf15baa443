/**
 * Seeded randomness. Nothing in rdbm-lab draws from Math.random: every random
 * stream is created from an explicit seed so the same config and seed give the same numbers.
 */

export interface Rng {
  /** uniform in [0, 1) */
  uniform(): number;
  /** standard normal N(0, 1) */
  normal(): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** a new independent stream derived from this one and a label */
  fork(label: string | number): Rng;
}

/** 32-bit string hash (FNV-1a) used to derive stream seeds from labels. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** sfc32 generator seeded through splitmix32; period ~2^128, fast, reproducible across platforms. */
export function createRng(seed: number | string): Rng {
  let s = typeof seed === 'string' ? hash32(seed) : seed >>> 0 ^ Math.floor(seed / 2 ** 32);
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | undefined;
  const uniform = (): number => next() / 4294967296;
  return {
    uniform,
    normal() {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      // Box–Muller; u1 in (0, 1] so log is finite
      const u1 = 1 - uniform();
      const u2 = uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      spare = r * Math.sin(2 * Math.PI * u2);
      return r * Math.cos(2 * Math.PI * u2);
    },
    int(n: number) {
      return Math.floor(uniform() * n);
    },
    fork(label: string | number) {
      return createRng(hash32(`${next()}:${label}`));
    },
  };
}

/** Fills a Float32Array with N(0, 1) samples from `rng`. */
export function normalArray(rng: Rng, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = rng.normal();
  return out;
}
