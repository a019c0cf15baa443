/** The figures README.md and docs/reliability.md quote about limits are the ones the code and the suite hold. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_EXPERIMENT_POINTS } from '../../src/experiments/experiment.js';
import { MAX_ENTRIES, MAX_NESTING, MAX_PICKLE_BYTES, MAX_PICKLE_OBJECTS } from '../../src/models/torch/pt.js';
import { LIMITS } from '../../src/util/limits.js';
import { BUDGET, ROOT } from './harness.js';

const squash = (s: string) => s.replace(/\s+/g, ' ');
const readme = squash(readFileSync(join(ROOT, 'README.md'), 'utf8'));
const doc = squash(readFileSync(join(ROOT, 'docs', 'reliability.md'), 'utf8'));

describe('reliability figures (issue 32)', () => {
  it('the limits and their options', () => {
    expect(LIMITS.checkpointBytes.default).toBe(2 ** 31);
    expect(LIMITS.pixels.default).toBe(8000 * 8000);
    expect(readme).toContain('checkpoints: 2 GiB, `--max-checkpoint-bytes`; images: 64 MP from the header, `--max-pixels`');
    expect(doc).toContain(`| ${LIMITS.checkpointBytes.default} bytes (2 GiB;`);
    expect(doc).toContain(`\`${LIMITS.checkpointBytes.flag}\`, \`${LIMITS.checkpointBytes.env}\``);
    expect(doc).toContain(`| ${LIMITS.pixels.default} pixels (8000 × 8000) | \`${LIMITS.pixels.flag}\`, \`${LIMITS.pixels.env}\``);
    expect(doc).toContain(`| ${MAX_EXPERIMENT_POINTS} | split the file |`);
    expect(MAX_PICKLE_BYTES).toBe(32 * 2 ** 20);
    expect(doc).toContain(`\`data.pkl\` is at most 32 MiB and may create at most ${MAX_PICKLE_OBJECTS} objects; containers nest at most ${MAX_NESTING} deep, never contain themselves, and at most ${MAX_ENTRIES} container entries`);
  });
  it('the budget every hostile input is refused within', () => {
    expect(BUDGET).toEqual({ seconds: 30, bytes: 1.5e9 });
    expect(readme).toContain('refused within 30 s and 1.5 GB');
    expect(doc).toContain('the time (< 30 s) and the peak resident memory (< 1.5 GB)');
  });
});
