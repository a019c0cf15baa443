import { describe, expect, it } from 'vitest';
import { OBJECTIVES, PI_VARIANTS, checkObjectivePi } from '../../src/bridge/index.js';

describe('objective × π', () => {
  it('eps is refused with every π but one (plain ε is not the Σ_t·π⊙ε the forward process adds); x0 and pi-eps take any π', () => {
    const refused: string[] = [];
    for (const objective of OBJECTIVES) {
      for (const pi of PI_VARIANTS) {
        try {
          checkObjectivePi(objective, pi);
        } catch (error) {
          refused.push(`${objective}/${pi}`);
          expect((error as Error).message).toBe(
            `invalid objective: eps with pi ${pi} (the network would learn ε while x_t carries Σ_t·π⊙ε, so sampling is wrong; use objective pi-eps)`,
          );
        }
      }
    }
    expect(refused).toEqual(['eps/zero', 'eps/residual', 'eps/abs-residual']);
  });
});
