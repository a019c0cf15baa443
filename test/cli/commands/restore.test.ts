import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { writeImage } from '../../../src/image/index.js';
import { restoreImages } from '../../../src/models/restore.js';
import { diffuirRestoreFiles } from '../../../src/rddm/restore-files.js';
import { initBackend } from '../../../src/tf/index.js';
import { FIXTURES } from '../../models/helpers.js';
import { captureIo } from '../../helpers/io.js';

/** a DiffUIR trainer dict (ema.ema_model.model.unet0.*), written by scripts/reference (see test/rddm/checkpoint.test.ts) */
const CHECKPOINT = join(FIXTURES, 'unet_d8_m1_trainer.pt');
let input: string;
let root: string;
beforeAll(async () => {
  await initBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'rdbm-restore-family-'));
  input = join(root, 'LOL', 'low');
  mkdirSync(input, { recursive: true });
  await writeImage(join(input, 'a.png'), { width: 12, height: 10, channels: 3, data: Uint8Array.from({ length: 10 * 12 * 3 }, (_, i) => (i * 37) % 61) });
});

describe('rdbm restore --family', () => {
  test('diffuir: DiffUIR test settings with 3 steps by default (same bytes as diffuirRestoreFiles with nfe 3)', async () => {
    const c = captureIo();
    const out = join(root, 'cli-diffuir');
    expect(await runCli(['restore', '--family', 'diffuir', '--checkpoint', CHECKPOINT, '--input', input, '--output', out, '--backend', 'cpu'], c), c.stderr).toBe(0);
    expect(c.stdout.trim()).toBe(join(out, 'a.png'));
    const ref = join(root, 'ref-diffuir');
    await diffuirRestoreFiles({ checkpoint: CHECKPOINT, inputs: [{ name: 'a.png', path: join(input, 'a.png') }], outputDir: ref, nfe: 3 });
    expect(readFileSync(join(out, 'a.png')).equals(readFileSync(join(ref, 'a.png')))).toBe(true);
    const ref1 = join(root, 'ref-diffuir-1');
    await diffuirRestoreFiles({ checkpoint: CHECKPOINT, inputs: [{ name: 'a.png', path: join(input, 'a.png') }], outputDir: ref1, nfe: 1 });
    const c1 = captureIo();
    expect(await runCli(['restore', '--family', 'diffuir', '--nfe', '1', '--checkpoint', CHECKPOINT, '--input', input, '--output', join(root, 'cli-diffuir-1'), '--backend', 'cpu'], c1)).toBe(0);
    expect(readFileSync(join(root, 'cli-diffuir-1', 'a.png')).equals(readFileSync(join(ref1, 'a.png')))).toBe(true);
    // the NFE matters for this network, so the byte equality above pins the default to 3
    expect(readFileSync(join(ref1, 'a.png')).equals(readFileSync(join(ref, 'a.png')))).toBe(false);
  });

  test('rdbm (default): the bridge sampler with 10 steps by default', async () => {
    const c = captureIo();
    const out = join(root, 'cli-rdbm');
    expect(await runCli(['restore', '--checkpoint', CHECKPOINT, '--input', input, '--output', out, '--backend', 'cpu'], c), c.stderr).toBe(0);
    const ref = join(root, 'ref-rdbm');
    await restoreImages({ checkpoint: CHECKPOINT, inputs: input, outputDir: ref, nfe: 10 });
    expect(readFileSync(join(out, 'a.png')).equals(readFileSync(join(ref, 'a.png')))).toBe(true);
  });

  test('bridge-only options with --family diffuir, and an unknown family, are one-line errors (exit 2)', async () => {
    const c = captureIo();
    expect(await runCli(['restore', '--family', 'diffuir', '--tile', '0', '--checkpoint', CHECKPOINT, '--input', input, '--output', join(root, 'x')], c)).toBe(2);
    expect(c.stderr).toMatch(/^rdbm: restore --family diffuir: --tile applies to --family rdbm only/);
    expect(c.stderr.trim().split('\n')).toHaveLength(1);
    const u = captureIo();
    expect(await runCli(['restore', '--family', 'rddm', '--checkpoint', CHECKPOINT, '--input', input, '--output', join(root, 'x')], u)).toBe(2);
    expect(u.stderr).toMatch(/family/);
  });
});
