/** The generic typed registry (src/util/registry.ts) and the registries built on it. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BRIDGE_PRESETS, bridgePreset } from '../../src/bridge/presets.js';
import { DEGRADATIONS, DEGRADATION_NAMES, degradation } from '../../src/data/degradations/index.js';
import { EXPERIMENT_NAMES, getExperiment } from '../../src/experiments/builtins.js';
import { SCALES, SCALE_NAMES, getScale } from '../../src/experiments/scales.js';
import { CONVENTIONS, CONVENTION_IDS, getConvention } from '../../src/metrics/conventions.js';
import { RDDM_CURVE_PRESETS, rddmCurvePreset } from '../../src/rddm/bridge-form.js';
import { ABLATION_IDS, PUBLISHED_ABLATIONS, publishedAblation } from '../../src/experiments/paper.js';
import { RdbmError } from '../../src/errors.js';
import { registry, unknownName } from '../../src/util/registry.js';

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(RdbmError);
    return (error as Error).message;
  }
  throw new Error('did not throw');
};

describe('registry(kind, entries)', () => {
  const colours = registry('colour', { red: 1, green: 2 });

  it('gets an entry by name, lists the names in registration order, and knows what it holds', () => {
    expect(colours.get('green')).toBe(2);
    expect(colours.names).toEqual(['red', 'green']);
    expect(colours.has('red')).toBe(true);
    expect(colours.has('toString')).toBe(false); // own entries only
    expect(colours.has(3)).toBe(false);
    expect(Object.isFrozen(colours.entries)).toBe(true);
  });

  it('refuses an unknown name with one message listing the known ones', () => {
    expect(message(() => colours.get('blue'))).toBe('unknown colour: "blue" (expected one of red, green)');
    expect(message(() => colours.get(undefined))).toBe('unknown colour: undefined (expected one of red, green)');
    expect(unknownName('experiment', 'x', ['a'], 'or a .json file').message).toBe('unknown experiment: "x" (expected one of a, or a .json file)');
  });
});

describe('the registries of the toolkit', () => {
  // [kind, lookup, entries, names]
  const cases: [string, (name: string) => unknown, Readonly<Record<string, unknown>>, readonly string[]][] = [
    ['bridge preset', bridgePreset, BRIDGE_PRESETS, Object.keys(BRIDGE_PRESETS)],
    ['RDDM preset', rddmCurvePreset, RDDM_CURVE_PRESETS, Object.keys(RDDM_CURVE_PRESETS)],
    ['convention', getConvention, CONVENTIONS, CONVENTION_IDS],
    ['degradation', degradation, DEGRADATIONS, DEGRADATION_NAMES],
    ['scale', getScale, SCALES, SCALE_NAMES],
    ['ablation', publishedAblation, PUBLISHED_ABLATIONS, ABLATION_IDS],
  ];
  for (const [kind, get, entries, names] of cases) {
    it(`${kind}: every name finds its entry; an unknown one gets the registry's message`, () => {
      expect(Object.keys(entries)).toEqual([...names]);
      for (const name of names) expect(get(name)).toBe(entries[name]);
      expect(message(() => get('nope'))).toBe(`unknown ${kind}: "nope" (expected one of ${names.join(', ')})`);
    });
  }

  it('experiments: the same message, with experiment files as the alternative', () => {
    expect(message(() => getExperiment('lamda'))).toBe(`unknown experiment: "lamda" (expected one of ${EXPERIMENT_NAMES.join(', ')}, or a .json file)`);
  });

  it('no hand-written "expected one of" lookup is left in src/ (value checks with their context and the folders owned elsewhere aside)', () => {
    const SRC = join(import.meta.dirname, '..', '..', 'src');
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const found = files(SRC)
      .map((f) => relative(SRC, f))
      .filter((f) => !f.startsWith('cli/') && f !== join('util', 'registry.ts') && f !== join('util', 'validate.ts'))
      .flatMap((f) => (readFileSync(join(SRC, f), 'utf8').match(/expected one of/g) ?? []).map(() => f));
    expect(found.sort()).toEqual([
      'data/miniUir.ts', // a test photograph's stem (a value of an option)
      'experiments/points.ts', // the file's metric (missing or unknown) and baseline, prefixed with the file
      'experiments/points.ts',
      'experiments/points.ts',
      'metrics/conventions.ts', // a preview convention refused where figures are tabulated
      'models/presets.ts', // owned elsewhere (src/models)
      'notebook/folders.ts', // a missing metric (no value to look up), named with its notebook call
      'tf/backend.ts', // owned elsewhere (src/tf)
    ]);
  });
});
