/**
 * The diffusion coefficient π of the generalized bridge (paper §3): it modulates the noise
 * pixel by pixel, x_t = μ + Θ_t (x₀ − μ) + Σ_t · π ⊙ ε.
 */
import { tf } from '../tf/index.js';
import { type PiVariant, checkPi } from './pi-variants.js';

export { PI_VARIANTS, PI_DESCRIPTIONS, checkPi } from './pi-variants.js';
export type { PiVariant } from './pi-variants.js';

/** π as a tensor broadcastable against x₀ (a scalar for zero/one). */
export function diffusionCoefficient(pi: PiVariant, x0: tf.Tensor, mu: tf.Tensor): tf.Tensor {
  switch (checkPi(pi)) {
    case 'zero':
      return tf.scalar(0);
    case 'one':
      return tf.scalar(1);
    case 'residual':
      return tf.sub(x0, mu);
    case 'abs-residual':
      return tf.abs(tf.sub(x0, mu));
  }
}

/** π for one pixel value pair (plain numbers; used by the residual-to-noise ratio). */
export function diffusionCoefficientScalar(pi: PiVariant, x0: number, mu: number): number {
  switch (pi) {
    case 'zero':
      return 0;
    case 'one':
      return 1;
    case 'residual':
      return x0 - mu;
    case 'abs-residual':
      return Math.abs(x0 - mu);
  }
}
