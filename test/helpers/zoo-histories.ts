import { readFileSync, readdirSync } from 'node:fs';

export type ZooHistory = { name: string; history: { step: number; loss: number }[] };

const ZOO = new URL('../../data/zoo/', import.meta.url);

/**
 * The loss histories the training-health tests read: every bundled entry's (data/zoo/<name>/zoo.json), and the retired
 * cpu RDBM-L's (diverged late; its entry left the zoo with the switch to whole64: test/fixtures/zoo/L-diverged.json),
 * sorted by name.
 */
export function zooHistories(): ZooHistory[] {
  return [
    ...readdirSync(ZOO, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => JSON.parse(readFileSync(new URL(`${d.name}/zoo.json`, ZOO), 'utf8')) as ZooHistory),
    JSON.parse(readFileSync(new URL('../fixtures/zoo/L-diverged.json', import.meta.url), 'utf8')) as ZooHistory,
  ].sort((a, b) => a.name.localeCompare(b.name));
}
