import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { BRIDGE_PRESETS } from '../../src/bridge/index.js';
import { bridgeFamilyCurves, modelSet, planReport } from '../../src/reports/index.js';
import type { ReproducedSet } from '../../src/reports/types.js';

const committed = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'results', 'reproduced.json'), 'utf8')).sets as ReproducedSet[];

it('modelSet: main and size as one set (RDBM-T/S/B/L as results/ has them), what the report\'s main section shows', () => {
  const models = modelSet(committed)!;
  expect(models.experiment).toBe('main-size');
  expect(models.entries.map((e) => e.key)).toEqual(['input', 'rdbm-T', 'rdbm-S', 'rdbm-B', 'rdbm-L']);
  const main = planReport(committed).sections.find((s) => s.id === 'main')!;
  expect(main.tables.map((t) => t.rows.length)).toEqual([5, expect.any(Number), 5]);
  expect(modelSet(committed.filter((s) => s.experiment !== 'main' && s.experiment !== 'size'))).toBeUndefined();
});

it('bridgeFamilyCurves: every bridge preset but the VP bridge, labelled by its title', () => {
  const curves = bridgeFamilyCurves(10);
  expect(curves.map((c) => c.label)).toEqual(Object.values(BRIDGE_PRESETS).filter((p) => p.id !== 'vp-bridge').map((p) => p.title));
  expect(curves.every((c) => c.schedule.timesteps === 10)).toBe(true);
});
