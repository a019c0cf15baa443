// Backend selection with the native packages simulated (test/tf/fake-native): the auto order
// node-gpu → node → wasm → cpu, and data-parallel training whose worker threads select the same backend.
// Runs the compiled package (dist/) in child processes: `npm test` builds first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { makeDataset } from '../models/helpers.js';

const FAKE = join(import.meta.dirname, 'fake-native');
let data: string;
let noBuild: string;
beforeAll(async () => {
  data = await makeDataset();
  noBuild = mkdtempSync(join(tmpdir(), 'rdbm-no-native-'));
});

function run(working: string, train = false) {
  // RDBM_NATIVE_DIR at an empty folder: a real `npm run native` build of this checkout (which auto prefers) stays out of the simulation
  const env = { ...process.env, RDBM_FAKE_NATIVE: working, RDBM_BACKEND: '', RDBM_NATIVE_DIR: noBuild };
  const r = spawnSync(process.execPath, ['--import', join(FAKE, 'register.mjs'), join(FAKE, 'run.mjs'), data, train ? 'train' : 'select'], { encoding: 'utf8', env });
  expect(r.stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { id: string; tfName: string; skipped: string[]; backend: string; imported: string[]; workers: number; loss: number };
}

describe('backend selection with simulated native modules', () => {
  test('node-gpu loads first when it can, and training runs on it in one worker (TensorFlow parallelises inside: workerThreadsFor)', () => {
    const r = run('node-gpu,node', true);
    expect([r.id, r.tfName, r.backend]).toEqual(['node-gpu', 'tensorflow', 'tensorflow']);
    expect(r.skipped).toEqual([]);
    expect(r.imported).toEqual(['node-gpu']);
    expect(r.workers).toBe(1); // 2 asked for
    expect(r.loss).toBeGreaterThan(0);
  }, 600_000);

  test('without a GPU build, node is next and says why node-gpu was skipped', () => {
    const r = run('node');
    expect([r.id, r.backend]).toEqual(['node', 'tensorflow']);
    expect(r.skipped).toEqual([
      "node-gpu: not built (run `npm run native` with --pip 'tensorflow[and-cuda]==2.21.0'); the @tensorflow/tfjs-node-gpu package did not load either (libtensorflow.so.2: cannot open shared object file: No such file or directory (simulated))",
    ]);
    expect(r.imported).toEqual(['node']);
  }, 600_000);

  test('with neither native package, wasm (data-parallel training on wasm: test/models/train-parallel.test.ts)', () => {
    const r = run('');
    expect([r.id, r.backend]).toEqual(['wasm', 'wasm']);
    expect(r.skipped.map((s) => s.split(':')[0])).toEqual(['node-gpu', 'node']);
    expect(r.imported).toEqual([]);
  }, 600_000);
});
