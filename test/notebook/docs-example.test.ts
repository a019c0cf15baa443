import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

it.skipIf(!existsSync(join(root, 'dist', 'index.js')))('runs the example of docs/notebooks.md as it stands (the built package)', () => {
  const block = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, 'docs', 'notebooks.md'), 'utf8'))![1];
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', block], { cwd: root, encoding: 'utf8' });
  const header = out.split('\n').find((l) => l.startsWith('| Checkpoint'))!;
  expect(header.split(' | ').length).toBeLessThanOrEqual(12);
  expect(out).toContain('| RDBM-T (baseline) |');
  expect(out).toMatch(/^\| RDBM-B \| \d+\.\d\d \|/m);
  // the CSV of the per-task table: two tasks by key, the unrestored input first
  expect(out).toMatch(/^table,convention,scale,entry,low-light_psnr,low-light_ssim,dehazing_psnr,dehazing_ssim,avg_psnr,avg_ssim$/m);
  expect(out).toMatch(/^per-task-checkpoints,rdbm,"NFE 3, 2 test images per task",Input \(unrestored\),/m);
  expect(out.trim().split('\n').at(-1)).toBe('https://vega.github.io/schema/vega-lite/v6.json');
}, 300_000);
