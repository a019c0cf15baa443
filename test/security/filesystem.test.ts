/**
 * Issue 32, defects 7 and 8: file-system faults are bad input (one line naming the path, exit 2), and entries
 * that are skipped are said to be. Links, loops and folders are made here.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ROOT, expectRefused, literal, rdbm } from './harness.js';
import { blackPng } from './hostile.js';

let dir: string;
const path = (...p: string[]) => join(dir, ...p);

/** A one-task dataset in the RDBM layout under `root`. */
function dataset(root: string): string {
  for (const split of ['train', 'test']) {
    for (const kind of ['label', 'condition']) {
      mkdirSync(join(root, 'Deraining', 'R', split, kind), { recursive: true });
      writeFileSync(join(root, 'Deraining', 'R', split, kind, '1.png'), blackPng(16, 16));
    }
  }
  return root;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rdbm-hostile-fs-'));
  const loop = dataset(path('loop'));
  symlinkSync(join(loop, 'Deraining', 'R', 'test', 'label', '2.png'), join(loop, 'Deraining', 'R', 'test', 'label', '2.png'));
  const dangling = dataset(path('dangling'));
  symlinkSync(path('nowhere.png'), join(dangling, 'Deraining', 'R', 'test', 'condition', '2.png'));
  const cycle = dataset(path('cycle'));
  symlinkSync(join(cycle, 'Deraining'), join(cycle, 'Deraining', 'R', 'back'));
  for (const side of ['gt', 'pred']) {
    mkdirSync(path(side, 'folder.png'), { recursive: true });
    writeFileSync(path(side, '1.png'), blackPng(8, 8));
  }
});

describe('issue 32 defect 7: link loops and dangling links under --data are one-line errors (were internal errors)', () => {
  const sweep = (data: string) => rdbm(['sweep', 'nfe', '--scale', 'smoke', '--dry-run', '--data', data, '--results', path('results')], { env: { RDBM_CACHE_DIR: path('cache') } });
  test('a symbolic link loop', async () => {
    const link = path('loop', 'Deraining', 'R', 'test', 'label', '2.png');
    expectRefused('--data link loop', await sweep(path('loop')), new RegExp(`^rdbm: (experiment nfe, point [^:]+: )?${literal(path('loop'))}: ${literal(link)} is a symbolic link loop \\(ELOOP\\); remove or fix the link$`));
  });
  test('a dangling link', async () => {
    const link = path('dangling', 'Deraining', 'R', 'test', 'condition', '2.png');
    expectRefused('--data dangling link', await sweep(path('dangling')), new RegExp(`${literal(link)} is a dangling symbolic link \\(its target ${literal(path('nowhere.png'))} does not exist\\); remove or fix it$`));
  });
  test('a link back to a folder above it', async () => {
    expectRefused('--data directory cycle', await sweep(path('cycle')), new RegExp(`${literal(path('cycle', 'Deraining', 'R', 'back'))} links back to ${literal(path('cycle', 'Deraining'))}, a folder above it \\(a directory cycle\\); remove or fix the link$`));
  });
});

describe('issue 32 defect 8: entries named like images that are not files are skipped with a warning', () => {
  test('folders named *.png in a folder pair (were skipped silently)', async () => {
    const run = await rdbm(['metrics', '--gt', path('gt'), '--pred', path('pred'), '--convention', 'rdbm', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).mean.count).toBe(1);
    for (const side of ['gt', 'pred']) expect(run.stderr).toContain(`rdbm: warning: 1 entries named like images that are not files, skipped, in ${path(side)}: folder.png/`);
  });
});


describe('issue 32 defect 7: full disks and permissions are one line naming the path (were internal errors)', () => {
  const faults = join(ROOT, 'test', 'security', 'fault-fs.mjs');
  test('metrics --csv on a full disk keeps the scores it computed: printed, and saved to the temporary folder', async () => {
    const full = path('full');
    mkdirSync(full);
    const csv = join(full, 'scores.csv');
    const run = await rdbm(['metrics', '--gt', path('gt'), '--pred', path('pred'), '--convention', 'rdbm', '--csv', csv], { preload: [faults], env: { RDBM_FAULT_DIR: full } });
    const m = new RegExp(`^rdbm: ${literal(csv)}: no space left on the device; free some space or choose another location \\(ENOSPC\\); the scores were saved to (\\S+) instead$`, 'm').exec(run.stderr);
    expectRefused('metrics --csv on a full disk', run, /the scores were saved to \S+ instead$/);
    expect(run.stdout).toMatch(/mean over images\s+1\s+PSNR 100\.0000 dB\s+SSIM 1\.000000/);
    expect(readFileSync(m![1], 'utf8')).toMatch(/^level,name,.*\nimage,1\.png,/);
    expect(readdirSync(full)).toEqual([]);
  });
  test('EACCES under report --out', async () => {
    const locked = path('locked');
    mkdirSync(join(path('rep'), 'restored', 'T', 'S'), { recursive: true });
    for (const kind of ['label', 'condition']) {
      mkdirSync(path('rep', 'data', 'T', 'S', 'test', kind), { recursive: true });
      writeFileSync(path('rep', 'data', 'T', 'S', 'test', kind, '1.png'), blackPng(16, 16));
    }
    writeFileSync(path('rep', 'restored', 'T', 'S', '1.png'), blackPng(16, 16));
    writeFileSync(path('rep', 'p.json'), JSON.stringify({ name: 'p', metric: 'rdbm', points: [{ label: 'a', restored: 'restored' }] }));
    const run = await rdbm(['report', path('rep', 'p.json'), '--data', path('rep', 'data'), '--out', locked, '--no-png'], { preload: [faults], env: { RDBM_FAULT_DIR: locked, RDBM_FAULT_CODE: 'EACCES' } });
    expectRefused('report --out without permission', run, new RegExp(`^rdbm: ${literal(locked)}/\\S+: permission denied; check the permissions or choose another location \\(EACCES\\)$`));
    expect(existsSync(join(locked, 'README.md'))).toBe(false);
  });
});
