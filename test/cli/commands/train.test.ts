import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { FIXTURES, makeDataset } from '../../models/helpers.js';
import { captureIo } from '../../helpers/io.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
let data: string;
beforeAll(async () => {
  data = await makeDataset('train', 20);
});

describe('rdbm model info', () => {
  test('preset: params and MACs, text and JSON', async () => {
    const c = captureIo();
    expect(await runCli(['model', 'info', 'B'], c)).toBe(0);
    expect(c.stdout).toContain('params: 3638235 (3.64M)  (paper: 3.65M, 23.97G');
    expect(c.stdout).toMatch(/MACs at 256x256: 25\.\d\dG \(conv\+linear 23\.82G\)/);
    const j = captureIo();
    expect(await runCli(['model', 'info', 'diffuir-3.27M', '--size', '128x64', '--json'], j)).toBe(0);
    const info = JSON.parse(j.stdout);
    expect(info.params).toBe(3268643);
    expect(info.size).toEqual([128, 64]);
  });
  test('checkpoint (.pt trainer dict) and errors', async () => {
    const c = captureIo();
    expect(await runCli(['model', 'info', join(FIXTURES, 'unet_d8_m1_trainer.pt'), '--json'], c)).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ params: 31483, format: 'torch', step: 7, config: { dim: 8, dimMults: [1] } });
    const e = captureIo();
    expect(await runCli(['model', 'info', 'XL'], e)).toBe(2);
    expect(e.stderr).toMatch(/^rdbm: unknown model: "XL" \(expected a preset, one of T, S, B, L/);
    const s = captureIo();
    expect(await runCli(['model', 'info', 'T', '--size', 'big'], s)).toBe(2);
    expect(s.stderr).toContain('invalid --size: "big"');
  });
});

describe('rdbm train and restore', () => {
  test('train prints the backend and progress, then restore uses the checkpoint', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rdbm-cli-train-'));
    const t = captureIo();
    const code = await runCli(['train', '--data', data, '--out', out, '--model', 'tiny', '--crop', '16', '--batch', '2', '--steps', '2', '--timesteps', '10', '--checkpoint-every', '1', '--backend', 'wasm'], t);
    expect(t.stderr).toContain('backend: wasm (@tensorflow/tfjs-backend-wasm@');
    expect(code).toBe(0);
    expect(t.stderr).toMatch(/train 2\/2 steps, .*loss \d\.\d{4}/);
    const result = JSON.parse(t.stdout);
    expect(result.steps).toBe(2);
    expect(existsSync(join(result.checkpoint, 'manifest.json'))).toBe(true);
    const r = captureIo();
    const dest = join(out, 'restored');
    expect(await runCli(['restore', '--checkpoint', result.checkpoint, '--input', join(data, 'Dehazing', 'NH-HAZE', 'train', 'condition'), '--output', dest, '--nfe', '2', '--backend', 'wasm'], r)).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['0.png', '1.png', '2.png'].map((n) => join(dest, n)));
  });
});

describe('rdbm train', () => {
  test('objective eps with π ≠ one → exit 2, one line naming pi-eps, before any backend loads', async () => {
    for (const pi of ['zero', 'residual', 'abs-residual']) {
      const c = captureIo();
      expect(await runCli(['train', '--data', data, '--out', join(tmpdir(), 'never'), '--steps', '1', '--objective', 'eps', '--pi', pi], c)).toBe(2);
      expect(c.stderr).toBe(`rdbm: invalid objective: eps with pi ${pi} (the network would learn ε while x_t carries Σ_t·π⊙ε, so sampling is wrong; use objective pi-eps)\n`);
      expect(c.stdout).toBe('');
    }
  });
});

describe('spawned rdbm (exit codes, no stack traces)', () => {
  test('bad checkpoint → exit 2 with one line', () => {
    const r = spawnSync('node', ['bin/rdbm.js', 'restore', '--checkpoint', join(FIXTURES, 'not_unet.pt'), '--input', join(data, 'Dehazing', 'NH-HAZE', 'train', 'condition'), '--output', tmpdir(), '--backend', 'cpu'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('backend: cpu (@tensorflow/tfjs-backend-cpu@4.22.0)');
    expect(lines[lines.length - 1]).toMatch(/^rdbm: not a U-Net checkpoint: .*not_unet.pt has no init_conv.weight tensor/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
