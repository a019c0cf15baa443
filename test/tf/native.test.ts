// Backend selection with the native packages simulated (test/tf/fake-native): the auto order
// node-gpu → node → wasm → cpu, and data-parallel training whose worker threads select the same backend.
// Runs the compiled package (dist/) in child processes: `npm test` builds first.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { makeDataset } from '../models/helpers.js';

const FAKE = join(import.meta.dirname, 'fake-native');
let data: string;
beforeAll(async () => {
  data = await makeDataset();
});

function run(working: string, train = false) {
  const r = spawnSync(process.execPath, ['--import', join(FAKE, 'register.mjs'), join(FAKE, 'run.mjs'), data, train ? 'train' : 'select'], { encoding: 'utf8', env: { ...process.env, RDBM_FAKE_NATIVE: working, RDBM_BACKEND: '' } });
  expect(r.stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { id: string; tfName: string; skipped: string[]; backend: string; imported: string[]; workers: number; loss: number };
}

describe('backend selection with simulated native modules', () => {
  test('node-gpu loads first when it can; the training workers use it too', () => {
    const r = run('node-gpu,node', true);
    expect([r.id, r.tfName, r.backend]).toEqual(['node-gpu', 'tensorflow', 'tensorflow']);
    expect(r.skipped).toEqual([]);
    expect(r.imported).toEqual(['node-gpu']);
    expect(r.workers).toBe(2);
    expect(r.loss).toBeGreaterThan(0);
  }, 600_000);

  test('without a GPU build, node is next and says why node-gpu was skipped', () => {
    const r = run('node');
    expect([r.id, r.backend]).toEqual(['node', 'tensorflow']);
    expect(r.skipped).toEqual(['node-gpu: libtensorflow.so.2: cannot open shared object file: No such file or directory (simulated)']);
    expect(r.imported).toEqual(['node']);
  }, 600_000);

  test('with neither native package, wasm (data-parallel training on wasm: test/models/train-parallel.test.ts)', () => {
    const r = run('');
    expect([r.id, r.backend]).toEqual(['wasm', 'wasm']);
    expect(r.skipped.map((s) => s.split(':')[0])).toEqual(['node-gpu', 'node']);
    expect(r.imported).toEqual([]);
  }, 600_000);
});
