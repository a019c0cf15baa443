/**
 * One definition per concept (style): the objectives, π variants, θ schedules and metric conventions
 * are each listed once, in their own module, and every other name for them is that same array. The
 * scan catches a second copy written out as a list literal anywhere in src/.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { OBJECTIVES, PARAMETERIZATIONS, PI_VARIANTS, THETA_SCHEDULE_NAMES } from '../../src/bridge/index.js';
import { CONVENTION_IDS } from '../../src/metrics/index.js';
import { TRAIN_OBJECTIVES, TRAIN_PI_VARIANTS, TRAIN_SCHEDULES } from '../../src/models/index.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

it('every public name of a concept is the one array that defines it', () => {
  // models/ keeps its TRAIN_* names (owned elsewhere); experiments/ uses the bridge's and metrics' own
  for (const alias of [PARAMETERIZATIONS, TRAIN_OBJECTIVES]) expect(alias).toBe(OBJECTIVES);
  expect(TRAIN_PI_VARIANTS).toBe(PI_VARIANTS);
  expect(TRAIN_SCHEDULES).toBe(THETA_SCHEDULE_NAMES);
});

it('every barrel exports each name under the name it is defined with (no `x as y`)', () => {
  const barrels = files(SRC).filter((f) => f.endsWith('index.ts'));
  expect(barrels.length).toBeGreaterThan(10);
  const renames = barrels.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)].flatMap((m) => [...m[1].matchAll(/\b(\w+)\s+as\s+(\w+)\b/g)].map((r) => `${relative(SRC, f)}: ${r[1]} as ${r[2]}`)));
  expect(renames).toEqual([]);
});

it('the experiments name no second list of objectives, π variants, θ schedules or conventions', async () => {
  const experiments = await import('../../src/experiments/index.js');
  expect(Object.keys(experiments).filter((k) => /^(RUN_)?(OBJECTIVES|PIS|SCHEDULES|CONVENTIONS)$/.test(k))).toEqual([]);
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
