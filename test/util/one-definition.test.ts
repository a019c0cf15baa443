/**
 * One definition per concept (style): the objectives, π variants, θ schedules and metric conventions
 * are each listed once, in their own module, and every other name for them is that same array. The
 * scan catches a second copy written out as a list literal anywhere in src/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { OBJECTIVES, PARAMETERIZATIONS, PI_VARIANTS, THETA_SCHEDULE_NAMES } from '../../src/bridge/index.js';
import { RUN_CONVENTIONS, RUN_OBJECTIVES, RUN_PIS, RUN_SCHEDULES } from '../../src/experiments/index.js';
import { CONVENTION_IDS } from '../../src/metrics/index.js';
import { TRAIN_OBJECTIVES, TRAIN_PI_VARIANTS, TRAIN_SCHEDULES } from '../../src/models/index.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

it('every public name of a concept is the one array that defines it', () => {
  for (const alias of [PARAMETERIZATIONS, TRAIN_OBJECTIVES, RUN_OBJECTIVES]) expect(alias).toBe(OBJECTIVES);
  for (const alias of [TRAIN_PI_VARIANTS, RUN_PIS]) expect(alias).toBe(PI_VARIANTS);
  for (const alias of [TRAIN_SCHEDULES, RUN_SCHEDULES]) expect(alias).toBe(THETA_SCHEDULE_NAMES);
  expect(RUN_CONVENTIONS).toBe(CONVENTION_IDS);
});

it('no second literal list of objectives, π variants, θ schedules or conventions in src/', () => {
  const concepts: Record<string, { members: readonly string[]; home: string }> = {
    objectives: { members: OBJECTIVES, home: 'bridge/objectives.ts' },
    'π variants': { members: PI_VARIANTS, home: 'bridge/pi-variants.ts' },
    'θ schedules': { members: THETA_SCHEDULE_NAMES, home: 'bridge/schedules.ts' },
    conventions: { members: CONVENTION_IDS, home: 'metrics/conventions.ts' },
  };
  const found: string[] = [];
  for (const file of files(SRC)) {
    const text = readFileSync(file, 'utf8');
    // lists defined or passed as data (= […], ([…] as const)), not an experiment's axis values (the paper's
    // ablation settings, in the paper's order, e.g. `pi: ['zero', 'one', 'abs-residual', 'residual']`)
    for (const m of text.matchAll(/(?:=|\()\s*\[\s*((?:'[^']*'\s*,\s*)+'[^']*')\s*,?\s*\]/g)) {
      const items = [...m[1].matchAll(/'([^']*)'/g)].map((q) => q[1]);
      for (const [name, c] of Object.entries(concepts)) {
        // the whole set (a convention list may leave the preview out)
        const copy = c.members.filter((x) => x !== 'image-ssim').every((x) => items.includes(x)) && items.every((x) => c.members.includes(x));
        if (copy) found.push(`${name} in ${relative(SRC, file)}`);
      }
    }
  }
  expect(found.sort()).toEqual(['conventions in metrics/conventions.ts', 'objectives in bridge/objectives.ts', 'π variants in bridge/pi-variants.ts']);
});
