/**
 * What the network predicts (the training objective, and the sampler's parameterization): the one
 * list every layer imports, and the one rule tying an objective to the diffusion coefficient π.
 */
import { RdbmError } from '../errors.js';
import type { PiVariant } from './pi-variants.js';

export const OBJECTIVES = ['x0', 'eps', 'pi-eps'] as const;
/** x₀ (official pred_x_start), ε (official pred_noise) or π ⊙ ε (the paper's objective) */
export type Objective = (typeof OBJECTIVES)[number];

/**
 * Refuses `eps` with a π other than `one`. The forward process adds Σ_t · π ⊙ ε (paper Eq. 3) while
 * `eps` trains on plain ε, and the sampler treats the output as the whole noise term: only with π = 1
 * are the two the same (`pi-eps` targets π ⊙ ε and is exact for every π).
 */
export function checkObjectivePi(objective: Objective, pi: PiVariant, context?: string): void {
  if (objective === 'eps' && pi !== 'one') {
    throw new RdbmError(
      `${context ? `${context}: ` : ''}invalid objective: eps with pi ${pi} (the network would learn ε while x_t carries Σ_t·π⊙ε, so sampling is wrong; use objective pi-eps)`,
    );
  }
}
