/**
 * `node bin/rdbm.js metrics` as a real process (compiled dist/): exit codes, no stack traces,
 * worker threads, and no TensorFlow.js anywhere in the process (a module hook throws on any
 * @tensorflow import, in the main thread and in the workers).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const PAIRS = join(ROOT, 'test/fixtures/metrics/pairs');
let dir: string;

function rdbm(args: string[], hooks = true) {
  return spawnSync(process.execPath, [...(hooks ? ['--import', join(ROOT, 'test/metrics/no-tf-register.mjs')] : []), join(ROOT, 'bin/rdbm.js'), 'metrics', ...args], {
    encoding: 'utf8',
    cwd: ROOT,
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rdbm-metrics-spawn-'));
  for (const side of ['gt', 'pred']) {
    mkdirSync(join(dir, side));
    for (const id of ['even-noise', 'odd-blur', 'jpeg-q25', 'occluded', 'dark-noise']) copyFileSync(join(PAIRS, `${id}.${side}.png`), join(dir, side, `${id}.png`));
  }
  copyFileSync(join(PAIRS, 'even-noise.gt.png'), join(dir, 'gt', 'zz-bad.png'));
  copyFileSync(join(PAIRS, 'odd-blur.pred.png'), join(dir, 'pred', 'zz-bad.png'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rdbm metrics as a process', () => {
  it('the hook really catches TensorFlow.js', () => {
    const r = spawnSync(process.execPath, ['--import', join(ROOT, 'test/metrics/no-tf-register.mjs'), '-e', "import('@tensorflow/tfjs-core').then(() => process.exit(0), (e) => { console.error(String(e)); process.exit(3); })"], { encoding: 'utf8', cwd: ROOT });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/TFJS_LOADED/);
  });
  it('scores a folder with 2 worker threads without loading TensorFlow.js; a bad pair exits 1', () => {
    const r = rdbm(['--gt', join(dir, 'gt'), '--pred', join(dir, 'pred'), '--convention', 'basicsr-y', '--workers', '2', '--json']);
    expect(r.stderr).not.toMatch(/TFJS_LOADED|internal error/);
    expect(r.status).toBe(1);
    const rep = JSON.parse(r.stdout);
    expect(rep.images).toHaveLength(6);
    expect(rep.images.filter((i: { error?: string }) => !i.error)).toHaveLength(5);
    expect(rep.images[5].error).toMatch(/size mismatch/);
    expect(r.stderr).toMatch(/zz-bad\.png: size mismatch/);
  });
  it('worker and in-process results are identical', () => {
    const a = JSON.parse(rdbm(['--gt', join(dir, 'gt'), '--pred', join(dir, 'pred'), '--convention', 'rdbm', '--workers', '2', '--json', '--allow-unpaired']).stdout);
    const b = JSON.parse(rdbm(['--gt', join(dir, 'gt'), '--pred', join(dir, 'pred'), '--convention', 'rdbm', '--workers', '1', '--json']).stdout);
    expect(a.images).toEqual(b.images);
  });
  it('bad input: one line on stderr, exit 2, no stack trace', () => {
    for (const args of [
      ['--gt', join(PAIRS, 'even-noise.gt.png'), '--pred', join(PAIRS, 'odd-blur.pred.png'), '--convention', 'rdbm'],
      ['--gt', join(PAIRS, 'even-noise.gt.png'), '--pred', join(PAIRS, 'even-noise.pred.png'), '--convention', 'ssim'],
      ['--gt', join(PAIRS, 'even-noise.gt.png'), '--pred', join(ROOT, 'test/fixtures/metrics/decode/truncated.jpg'), '--convention', 'rdbm'],
    ]) {
      const r = rdbm(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^rdbm: /);
    }
  });
  it('prints exactly one JSON object for a single pair', () => {
    const r = rdbm(['--gt', join(PAIRS, 'identical.gt.png'), '--pred', join(PAIRS, 'identical.pred.png'), '--convention', 'matlab-y', '--json']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ convention: 'matlab-y', mean: { psnr: null, ssim: 1 }, images: [{ psnr: null, ssim: 1, identical: true }] });
  });
});
