/**
 * JIT warm-up for worker threads: scoring a small synthetic pair a few times gives V8 type
 * feedback for every path of the kernels (including the code after their loops), so the first
 * real 1280×720 pair runs optimised code instead of on-stack-replaced code that deoptimises at
 * the end of each loop and is compiled again for the next image.
 */
import type { Image8 } from '../image/types.js';
import { CONVENTIONS, type ConventionId } from './conventions.js';

function pattern(width: number, height: number, seed: number): Image8 {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761 + seed * 40503) >>> 24;
  return { width, height, channels: 3, data };
}

export function warmUp(convention: ConventionId, rounds = 12): void {
  const a = pattern(48, 40, 1);
  const b = pattern(48, 40, 2);
  for (let i = 0; i < rounds; i++) CONVENTIONS[convention].score(a, b);
}
