/**
 * Issue 32: `rdbm restore` with sampling options that contradict the checkpoint's training (defect 8), and with
 * a zoo checkpoint whose manifest was edited (defect 5, every use). Both are refused before the backend starts.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ROOT, expectRefused, literal, rdbm } from './harness.js';
import { blackPng } from './hostile.js';

let dir: string;
const zooT = join(ROOT, 'data', 'zoo', 'T', 'checkpoint');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rdbm-hostile-restore-'));
  writeFileSync(join(dir, 'in.png'), blackPng(16, 16));
  cpSync(join(ROOT, 'data', 'zoo', 'T'), join(dir, 'zoo', 'T'), { recursive: true });
  const manifest = join(dir, 'zoo', 'T', 'checkpoint', 'manifest.json');
  const m = JSON.parse(readFileSync(manifest, 'utf8'));
  m.training.objective = 'pi-eps';
  writeFileSync(manifest, JSON.stringify(m));
});

const restore = (checkpoint: string, ...flags: string[]) => rdbm(['restore', '--checkpoint', checkpoint, '--input', join(dir, 'in.png'), '--output', join(dir, 'out'), '--backend', 'cpu', '--workers', '1', '--nfe', '2', ...flags]);

describe('issue 32 defect 8: a sampling option that contradicts the checkpoint\'s training is refused, naming the flag and the recorded value', () => {
  for (const p of ['pi-eps', 'eps']) {
    test(`--parameterization ${p} on an x0-trained checkpoint (before: ${p === 'pi-eps' ? 'garbage at 3.4 dB' : 'a message about "objective"'})`, async () => {
      expectRefused(`--parameterization ${p}`, await restore(zooT, '--parameterization', p), new RegExp(`^rdbm: invalid --parameterization: "${p}" \\(checkpoint ${literal(zooT)} was trained with objective x0, recorded in its manifest\\.json: its network predicts x0; omit the flag or pass --parameterization x0\\)$`));
    });
  }
  test('repeating the recorded objective restores', async () => {
    const run = await restore(zooT, '--parameterization', 'x0');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(join(dir, 'out', 'in.png'));
  });
});

describe('issue 32 defect 5: a zoo checkpoint given to restore by path is used only when its entry verifies', () => {
  test('an edited objective in the manifest is refused, naming the field', async () => {
    expectRefused('restore edited zoo checkpoint', await restore(join(dir, 'zoo', 'T', 'checkpoint')), /^rdbm: zoo entry .*T: checkpoint\/manifest\.json training field objective is "pi-eps", but the run zoo\.json records \(bound to its lookup key\) has "x0"/);
  });
});
