/** A dataset with a task the toolkit does not know (issue 33): `rdbm report` gives it its own columns and bars, and says how many tasks it averages. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../helpers/io.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-unknown-task-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const png = async (path: string, value: number) => {
  mkdirSync(join(path, '..'), { recursive: true });
  await sharp(Buffer.from(Array.from({ length: 16 * 16 * 3 }, (_, i) => (value + (i % 13)) % 256)), { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(path);
};

beforeAll(async () => {
  // one known task (Deraining) and one the toolkit does not know (Denoising/MyNoise)
  for (const [task, sub, shift] of [['Deraining', 'Rain100L', 30], ['Denoising', 'MyNoise', 60]] as const) {
    for (const name of ['1.png', '2.png', '3.png']) {
      await png(join(root, 'data', task, sub, 'test', 'label', name), 100);
      await png(join(root, 'data', task, sub, 'test', 'condition', name), 100 + shift);
      await png(join(root, 'runs', 'half', task, sub, name), 100 + shift / 2);
    }
  }
  writeFileSync(join(root, 'exp.json'), JSON.stringify({ name: 'mine', title: 'Mine', metric: 'rdbm', points: [{ label: 'half', restored: 'runs/half' }] }));
});

it('shows the unknown task in the per-task table, its CSV and the plot, and titles by the task count', async () => {
  const io = captureIo();
  const out = join(root, 'out');
  expect(await runCli(['report', join(root, 'exp.json'), '--data', join(root, 'data'), '--out', out, '--no-png', '--json'], io), io.stderr).toBe(0);
  const json = JSON.parse(io.stdout) as { points: { tasks: Record<string, unknown> }[] };
  expect(Object.keys(json.points[0].tasks).sort()).toEqual(['Denoising', 'deraining']);
  const csv = readFileSync(join(out, 'tables', 'per-task-mine.csv'), 'utf8').split('\n');
  expect(csv[0]).toContain('Denoising_psnr');
  expect(csv[0]).toContain('deraining_psnr');
  const md = readFileSync(join(out, 'tables', 'per-task-mine.md'), 'utf8');
  expect(md).toContain('Denoising PSNR');
  const spec = readFileSync(join(out, 'plots', 'per-task-psnr-mine.vl.json'), 'utf8');
  expect(spec).toContain('"task": "Denoising"');
  const compare = readFileSync(join(out, 'tables', 'compare-mine.md'), 'utf8');
  expect(compare).toContain('two-task average');
  expect(compare).not.toContain('five-task');
});
