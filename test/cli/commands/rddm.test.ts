import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { readImage, writeImage } from '../../../src/image/index.js';
import { diffuirSchedule } from '../../../src/rddm/index.js';
import { captureIo } from '../../helpers/io.js';

describe('rdbm rddm', () => {
  it('--json prints the DiffUIR coefficients equal to diffuirSchedule', async () => {
    const io = captureIo();
    expect(await runCli(['rddm', '--preset', 'diffuir', '--json'], io)).toBe(0);
    const parsed = JSON.parse(io.stdout);
    const s = diffuirSchedule();
    expect(parsed.alphaBar).toEqual(Array.from(s.alphaBar));
    expect(parsed.deltaBar).toEqual(Array.from(s.deltaBar));
    // DiffUIR's residual weight never reaches 1: Θ_{T−1} = √ā_{T−1} ≈ 0.0064
    expect(parsed.Theta[999]).toBeCloseTo(0.006353, 5);
  });
  it('prints a table with the noisy endpoint', async () => {
    const io = captureIo();
    expect(await runCli(['rddm', '--timesteps', '4'], io)).toBe(0);
    const lines = io.stdout.trim().split('\n');
    expect(lines[0]).toContain('start: 1.000000·μ + 0.100000·z');
    expect(lines).toHaveLength(2 + 4);
    expect(lines[5].trim().split(/\s+/)).toEqual(['3', '1.000000', '0.100000', '0', '0', '0.100000']);
  });
  it('rejects an unknown preset (exit 2, one line)', async () => {
    const io = captureIo();
    expect(await runCli(['rddm', '--preset', 'ddpm'], io)).toBe(2);
    expect(io.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('rdbm diffuir restore', () => {
  it('restores a folder with a DiffUIR trainer checkpoint into PNGs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'diffuir-cli-'));
    const inDir = join(dir, 'LOL', 'low');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(inDir, { recursive: true });
    const data = Uint8Array.from({ length: 10 * 12 * 3 }, (_, i) => (i * 37) % 61);
    await writeImage(join(inDir, 'a.png'), { width: 12, height: 10, channels: 3, data });
    const io = captureIo();
    const checkpoint = fileURLToPath(new URL('../../fixtures/models/unet_d8_m1_trainer.pt', import.meta.url));
    const code = await runCli(['diffuir', 'restore', '--checkpoint', checkpoint, '--out', join(dir, 'out'), inDir], io);
    expect(io.stderr.split('\n').filter((l) => /rdbm:/.test(l))).toEqual([]);
    expect(code).toBe(0);
    expect(io.stdout).toMatch(/restored 1 image/);
    const out = await readImage(join(dir, 'out', 'a.png'));
    expect([out.width, out.height, out.channels]).toEqual([12, 10, 3]);
  });
  it('--layout restores the test split into <out>/<Task>/<SubDataset>/ and rdbm metrics scores it under basicsr-y', async () => {
    const { mkdirSync } = await import('node:fs');
    const root = mkdtempSync(join(tmpdir(), 'diffuir-layout-'));
    const img = (seed: number) => ({ width: 16, height: 14, channels: 3 as const, data: Uint8Array.from({ length: 16 * 14 * 3 }, (_, i) => (i * seed) % 97) });
    for (const [task, sub, label, condition] of [['Enlighening', 'LOL', 'a.png', 'a.png'], ['Dehazing', 'SOTS', '0001.png', '0001_0.8_0.2.png']]) {
      mkdirSync(join(root, task, sub, 'test', 'label'), { recursive: true });
      mkdirSync(join(root, task, sub, 'test', 'condition'), { recursive: true });
      await writeImage(join(root, task, sub, 'test', 'label', label), img(7));
      await writeImage(join(root, task, sub, 'test', 'condition', condition), img(11));
    }
    const out = join(root, 'restored');
    const checkpoint = fileURLToPath(new URL('../../fixtures/models/unet_d8_m1_trainer.pt', import.meta.url));
    const io = captureIo();
    expect(await runCli(['diffuir', 'restore', '--checkpoint', checkpoint, '--layout', root, '--out', out], io)).toBe(0);
    expect(io.stdout).toMatch(/restored 2 image/);
    const m = captureIo();
    const code = await runCli(['metrics', '--layout', root, '--pred', out, '--convention', 'basicsr-y', '--json'], m);
    expect(code, m.stderr + m.stdout.slice(0, 2000)).toBe(0);
    expect(m.stdout).toMatch(/Enlighening/);
    expect(m.stdout).toMatch(/Dehazing/);
  });
  it('inputs and --layout together, or neither, are one-line errors', async () => {
    const a = captureIo();
    expect(await runCli(['diffuir', 'restore', '--checkpoint', 'x.pt', '--out', '/tmp/x', '--layout', '/tmp', 'y.png'], a)).toBe(2);
    expect(a.stderr).toMatch(/either --layout or input paths/);
    const b = captureIo();
    expect(await runCli(['diffuir', 'restore', '--checkpoint', 'x.pt', '--out', '/tmp/x'], b)).toBe(2);
    expect(b.stderr).toMatch(/no inputs/);
  });
  it('a missing input is a one-line error with exit 2', async () => {
    const io = captureIo();
    expect(await runCli(['diffuir', 'restore', '--checkpoint', 'x.pt', '--out', '/tmp/x', '/nonexistent/dir'], io)).toBe(2);
    expect(io.stderr).toMatch(/input not found: \/nonexistent\/dir/);
  });
  it('a file that is not a checkpoint is a one-line error with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'diffuir-cli-'));
    await writeImage(join(dir, 'a.png'), { width: 4, height: 4, channels: 3, data: new Uint8Array(48) });
    const io = captureIo();
    expect(await runCli(['diffuir', 'restore', '--checkpoint', join(dir, 'a.png'), '--out', join(dir, 'o'), dir], io)).toBe(2);
    // the backend it started is named first (every computing command does); the error is one line
    const [backend, ...error] = io.stderr.trim().split('\n');
    expect(backend).toMatch(/^backend: /);
    expect(error).toHaveLength(1);
    expect(error[0]).toMatch(/^rdbm: /);
  });
});

describe('the installed bin (dist/, built by npm test)', () => {
  it('rdbm rddm with a bad preset exits 2 with one line and no stack trace', () => {
    const bin = fileURLToPath(new URL('../../../bin/rdbm.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'rddm', '--preset', 'nope'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^rdbm: invalid --preset: "nope" \(expected one of rddm, rddm-generation, rddm-ddim, diffuir\)\n$/);
  });
});
