/**
 * `rdbm native build|status` and a native train-and-restore smoke test through bin/rdbm.js, as a new user runs
 * them after `npm run native`. Under CI=true a missing native build fails (.ci/run builds it first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { nativeUnavailable } from '../../../src/tf/native.js';
import { requireTool } from '../../helpers/requirements.js';
import { makeDataset } from '../../models/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const missing = nativeUnavailable('cpu');
const rdbm = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'rdbm.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
/** stderr without TensorFlow's own start-up lines (absl logging before TF_CPP_MIN_LOG_LEVEL applies) */
const ours = (err: string) => err.split('\n').filter((l) => l && !/^(I0000|W0000|WARNING: All log messages|To enable the following)/.test(l));

let data: string;
beforeAll(async () => {
  data = await makeDataset('train', 24);
});

describe('rdbm native', () => {
  test('bad input: one line naming the value, exit 2, nothing built', () => {
    const root = mkdtempSync(join(tmpdir(), 'rdbm-native-root-'));
    const r1 = rdbm(['native', 'build', '--wheel', join(root, 'nope.whl')], { RDBM_NATIVE_DIR: root });
    expect(r1.code).toBe(2);
    expect(ours(r1.err)).toEqual([`rdbm: native build: wheel not found: ${join(root, 'nope.whl')}`]);
    const r2 = rdbm(['native', 'build', '--pip', 'numpy==2.0'], { RDBM_NATIVE_DIR: root });
    expect(r2.code).toBe(2);
    expect(ours(r2.err)[0]).toMatch(/^rdbm: cannot tell the TensorFlow build of "numpy==2.0" \(expected a tensorflow-cpu or tensorflow wheel or pip spec/);
    expect(readdirSync(root)).toEqual([]);
    // an empty build folder: status says what is missing and how to build it
    const s = rdbm(['native', 'status', '--json'], { RDBM_NATIVE_DIR: root });
    expect(s.code).toBe(0);
    const j = JSON.parse(s.out);
    expect(j.builds.map((b: { variant: string; usable: boolean }) => [b.variant, b.usable])).toEqual([['cpu', false], ['cuda', false]]);
    expect(j.builds[0].why).toBe('not built (run `npm run native`)');
    const n = rdbm(['train', '--data', data, '--out', join(root, 'run'), '--model', 'tiny', '--crop', '16', '--batch', '2', '--steps', '1', '--backend', 'node'], { RDBM_NATIVE_DIR: root });
    expect(n.code).toBe(2);
    expect(ours(n.err)[0]).toMatch(/^rdbm: backend node is not available: not built \(run `npm run native`\)/);
  });

  test('status and an idempotent second build', (ctx) => {
    requireTool(ctx, missing, 'the native build checks');
    const s = rdbm(['native', 'status', '--json']);
    const cpu = JSON.parse(s.out).builds[0];
    expect(cpu.usable).toBe(true);
    expect(cpu.build.tfVersion).toBe('2.21.0');
    const again = rdbm(['native', 'build']);
    expect(again.code).toBe(0);
    expect(again.out).toBe(`reused cpu: TensorFlow 2.21.0 in ${cpu.dir}\n`);
    expect(ours(again.err)[0]).toMatch(/^native: reusing the cpu build in .* \(TensorFlow 2\.21\.0, tfjs-node 4\.22\.0, built .*\); --force rebuilds$/);
  });

  test('train --backend node, then restore --backend node; same seed and threads give the same weights', (ctx) => {
    requireTool(ctx, missing, 'the native train-and-restore smoke test');
    const work = mkdtempSync(join(tmpdir(), 'rdbm-native-smoke-'));
    const train = (out: string) => rdbm(['train', '--data', data, '--out', out, '--model', 'tiny', '--crop', '24', '--batch', '4', '--steps', '10', '--checkpoint-every', '10', '--backend', 'node', '--threads', '2', '--lr', '1e-3']);
    const a = train(join(work, 'a'));
    expect(a.code, a.err).toBe(0);
    expect(ours(a.err)[0]).toBe('backend: node (@tensorflow/tfjs-node@4.22.0, TensorFlow 2.21.0 rdbm native build, 2 threads)');
    const b = train(join(work, 'b'));
    expect(b.code).toBe(0);
    const history = (d: string) => readFileSync(join(work, d, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number; sha256: string });
    const [ha, hb] = [history('a'), history('b')];
    expect(ha.map((h) => h.step)).toEqual([10]);
    expect(hb[0].sha256).toBe(ha[0].sha256); // TF CPU, same thread count: bit-identical weights
    expect(hb[0].loss).toBe(ha[0].loss);
    const input = join(data, 'Deraining', 'Rain100L', 'train', 'condition');
    const r = rdbm(['restore', '--checkpoint', join(work, 'a', 'checkpoint-0000010'), '--input', input, '--output', join(work, 'restored'), '--nfe', '3', '--backend', 'node']);
    expect(r.code, r.err).toBe(0);
    expect(ours(r.err)[0]).toMatch(/^backend: node \(@tensorflow\/tfjs-node@4\.22\.0, TensorFlow 2\.21\.0 rdbm native build, \d+ threads?\)$/);
    expect(readdirSync(join(work, 'restored')).sort()).toEqual(readdirSync(input).sort());
    expect(existsSync(join(work, 'restored', '0.png'))).toBe(true);
  });
});
