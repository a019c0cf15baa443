/**
 * gradClipFactor against torch.nn.utils.clip_grad_norm_ (PyTorch 1.13, scripts/reference/models_clip.py):
 * total norm and clipped gradients within 1e-6 relative, and a set under the limit left bit for bit.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gradClipFactor } from '../../src/models/optim.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/models/clip_grad_norm.json', import.meta.url), 'utf8')) as {
  cases: { maxNorm: number; grads: number[][]; totalNorm: number; clipped: number[][] }[];
};

describe('gradient clipping of the official trainers (clip_grad_norm_, max 1.0)', () => {
  it.each(fixture.cases.map((c, i) => [i, c] as const))('case %i: total norm and clipped gradients match PyTorch within 1e-6 relative', (_, c) => {
    const grads = c.grads.map((g) => Float32Array.from(g));
    const { norm, factor } = gradClipFactor(grads, c.maxNorm);
    expect(Math.abs(norm - c.totalNorm) / c.totalNorm).toBeLessThan(1e-6);
    if (c.totalNorm < c.maxNorm) expect(factor).toBe(1);
    else expect(factor).toBeLessThan(1);
    let worst = 0;
    grads.forEach((g, k) => {
      const peak = Math.max(...c.clipped[k].map(Math.abs));
      g.forEach((v, i) => (worst = Math.max(worst, Math.abs(Math.fround(v * factor) - c.clipped[k][i]) / peak)));
    });
    expect(worst).toBeLessThan(1e-6);
  });
});
