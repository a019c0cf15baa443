import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCALES } from '../../src/experiments/scales.js';
import { resultsReadme, scaleStatement } from '../../src/reports/index.js';

const squash = (s: string) => s.replace(/\s+/g, ' ');

describe('the one statement of what a scale can show', () => {
  it('follows the scale\'s fields and the measured average', () => {
    expect(scaleStatement('default')).toBe(
      `At scale default the networks train for ${SCALES.default.overrides.steps} steps (the paper: 500000) on ${SCALES.default.overrides.cropSize}-px crops of ${SCALES.default.overrides.datasetSize}-px mini-uir images and are scored on all test images: the run exercises every stage and shows the shape of every table, but neither its absolute figures nor the differences between configurations are evidence about the paper's claims; do not read ablation trends into them.`,
    );
    const longer = { ...SCALES.default, overrides: { ...SCALES.default.overrides, steps: 4000, datasetSize: 48, testLimit: 2 } };
    expect(scaleStatement(longer)).toContain('train for 4000 steps (the paper: 500000) on 32-px crops of 48-px mini-uir images and are scored on 2 test images per task:');
    expect(scaleStatement('paper')).toMatch(/^At scale paper the runs use the published budget \(500000 steps, batch 20, 256-px crops\): figures compare with the paper's/);
    expect(scaleStatement('smoke', { ours: 13.8234, paper: 31.04 })).toMatch(/do not read ablation trends into them\. Here the average is 13\.82 dB against the paper's 31\.04 dB\.$/);
    expect(scaleStatement('huge')).toBe('Scale huge is not a built-in budget: read its figures knowing the budget they came from.');
  });

  it('opens results/README.md and is what README.md says about the default scale (no contradiction)', () => {
    const readme = resultsReadme({ sections: [] }, { scale: 'default', convention: 'rdbm' });
    expect(readme).toContain(scaleStatement('default'));
    expect(readme).not.toMatch(/compare trends and deltas/);
    const projectReadme = squash(readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8'));
    // when the default budget changes, paste the new scaleStatement('default') into README.md
    expect(projectReadme).toContain(scaleStatement('default'));
  });
});
