import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCALE, SCALES } from '../../src/experiments/scales.js';
import { resultsReadme, scaleStatement } from '../../src/reports/index.js';
import { doc } from '../helpers/docs.js';

const squash = (s: string) => s.replace(/\s+/g, ' ');
const root = join(import.meta.dirname, '..', '..');

describe('the one statement of what a scale can show', () => {
  it('follows the scale\'s fields and the measured average', () => {
    expect(scaleStatement('quick')).toBe(
      `At scale quick the networks train for ${SCALES.quick.overrides.steps} steps (the paper: 500000) on ${SCALES.quick.overrides.cropSize}-px crops of ${SCALES.quick.overrides.datasetSize}-px mini-uir images and are scored on all test images: the run exercises every stage and shows the shape of every table, but neither its absolute figures nor the differences between configurations are evidence about the paper's claims; do not read ablation trends into them.`,
    );
    const longer = { ...SCALES.quick, overrides: { ...SCALES.quick.overrides, steps: 4000, datasetSize: 48, testLimit: 2 } };
    expect(scaleStatement(longer)).toContain('train for 4000 steps (the paper: 500000) on 32-px crops of 48-px mini-uir images and are scored on 2 test images per task:');
    expect(scaleStatement('paper')).toMatch(/^At scale paper the runs use the published budget \(500000 steps, batch 20, 256-px crops\): figures compare with the paper's/);
    expect(scaleStatement('smoke', { ours: 13.8234, paper: 31.04 })).toMatch(/do not read ablation trends into them\. Here the average is 13\.82 dB against the paper's 31\.04 dB\.$/);
    expect(scaleStatement('huge')).toBe('Scale huge is not a built-in budget: read its figures knowing the budget they came from.');
  });

  it('at the zoo scale: networks that restore, read against the input with intervals, one seed, no claim about the paper', () => {
    expect(scaleStatement('cpu')).toBe(
      "At scale cpu the networks come from the checkpoint zoo: trained for 3000 steps (the paper: 500000) on 32-px crops of 64-px mini-uir images, restored in overlapping 32-px windows (the training crop; the paper restores whole images) and scored on 16 test images per task. They restore: read each row against the unrestored input's row, and every difference with its 95 % interval over the test images. Each configuration is one training run (one seed), so an interval covers the choice of test images, not the training run; at this budget neither the absolute figures nor an ablation's direction is evidence about the paper's claims, and a direction that differs from the paper's is reported as measured.",
    );
    expect(scaleStatement({ ...SCALES.cpu, overrides: { ...SCALES.cpu.overrides, testLimit: 0 } })).toContain('scored on all test images. They restore');
    // a seeded scale on whole images says so (no windows, no "one seed")
    const w = scaleStatement('whole64');
    expect(w).toContain('trained for 1500 steps (the paper: 500000) on whole 64-px mini-uir images and scored on 16 test images per task.');
    expect(w).toContain('(the mean over its 3 training seeds)');
    expect(w).toContain('with its 95 % interval over the training seeds and the test images (two-level paired bootstrap)');
    expect(w).not.toMatch(/one seed|windows|crops/);
  });

  it('opens results/README.md and is what docs/reproduce.md says about the default scale (no contradiction)', () => {
    expect(DEFAULT_SCALE).toBe('whole64');
    const readme = resultsReadme({ sections: [] }, { scale: DEFAULT_SCALE, convention: 'rdbm' });
    expect(readme).toContain(scaleStatement(DEFAULT_SCALE));
    expect(readme).not.toMatch(/compare trends and deltas/);
    // when the default budget changes, paste the new scaleStatement(DEFAULT_SCALE) into docs/reproduce.md; results/ is regenerated with it
    expect(squash(doc('reproduce.md'))).toContain(scaleStatement(DEFAULT_SCALE));
    expect(squash(readFileSync(join(root, 'results', 'README.md'), 'utf8'))).toContain(scaleStatement(DEFAULT_SCALE));
  });
});
