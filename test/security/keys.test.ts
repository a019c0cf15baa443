/**
 * Issue 32, defect 4: cache keys must come from what runs. A copy of the built package (dist/, src/, bin/)
 * is planned with `rdbm sweep --dry-run --json` while its files are edited the ways the probe edited them.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { BIN, ROOT, expectRefused, rdbm } from './harness.js';
import { blackPng } from './hostile.js';

let work: string;
let pkg: string;
let data: string;
let cacheDir: string;

type Keys = { train?: string; restore: string; evaluate: string }[];

async function plan(bin: string, env: Record<string, string> = {}): Promise<Keys> {
  const run = await rdbm(['sweep', 'convention', '--scale', 'smoke', '--dry-run', '--json', '--data', data, '--results', join(work, 'results')], { env: { RDBM_CACHE_DIR: cacheDir, ...env }, bin });
  expect(run.code, run.stderr).toBe(0);
  return (JSON.parse(run.stdout) as { plan: { keys: Keys[number] }[] }).plan.map((p) => p.keys);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rdbm-keys-'));
  cacheDir = join(work, 'cache');
  // the package as a checkout has it: built dist/ beside src/, the dependencies and data linked
  pkg = join(work, 'pkg');
  const source = process.env.RDBM_SECURITY_ROOT || ROOT;
  for (const d of ['bin', 'dist', 'src']) cpSync(join(source, d), join(pkg, d), { recursive: true, preserveTimestamps: true });
  cpSync(join(source, 'package.json'), join(pkg, 'package.json'));
  for (const d of ['node_modules', 'data']) symlinkSync(join(ROOT, d), join(pkg, d));
  data = join(work, 'data');
  for (const kind of ['label', 'condition']) {
    for (const split of ['train', 'test']) {
      mkdirSync(join(data, 'Deraining', 'R', split, kind), { recursive: true });
      writeFileSync(join(data, 'Deraining', 'R', split, kind, '1.png'), blackPng(16, 16));
    }
  }
});

describe('issue 32 defect 4: the code fingerprint hashes the built files that run, and the backend', () => {
  test('a change to the built metrics code (dist/) changes the evaluate keys only (before: the key hashed src/, so old dist results kept the key)', async () => {
    const bin = join(pkg, 'bin', 'rdbm.js');
    const before = await plan(bin);
    appendFileSync(join(pkg, 'dist', 'metrics', 'psnr.js'), '\n// a rebuilt metric\n');
    const after = await plan(bin);
    expect(after.map((k) => k.train)).toEqual(before.map((k) => k.train));
    expect(after.map((k) => k.restore)).toEqual(before.map((k) => k.restore));
    for (const [i, k] of after.entries()) expect(k.evaluate).not.toBe(before[i].evaluate);
  });

  test('a built file whose source is gone (moved or deleted since an earlier build) is not hashed: a fresh build and an old dist/ key the same code alike', async () => {
    const bin = join(pkg, 'bin', 'rdbm.js');
    const before = await plan(bin);
    // what an earlier build of a since-moved module leaves behind (as dist/data/cli.js after the move to src/cli/commands)
    writeFileSync(join(pkg, 'dist', 'data', 'left-behind.js'), 'export const stale = 1;\n');
    writeFileSync(join(pkg, 'dist', 'metrics', 'left-behind.js'), 'export const stale = 1;\n');
    expect(await plan(bin)).toEqual(before);
    rmSync(join(pkg, 'dist', 'data', 'left-behind.js'));
    rmSync(join(pkg, 'dist', 'metrics', 'left-behind.js'));
  });

  test('a source file newer than its build is refused, naming it (before: the old dist/ ran under the new source key)', async () => {
    const bin = join(pkg, 'bin', 'rdbm.js');
    const src = join(pkg, 'src', 'metrics', 'psnr.ts');
    const later = statSync(join(pkg, 'dist', 'metrics', 'psnr.js')).mtimeMs / 1000 + 60;
    utimesSync(src, later, later);
    const run = await rdbm(['sweep', 'convention', '--scale', 'smoke', '--dry-run', '--data', data, '--results', join(work, 'results')], { env: { RDBM_CACHE_DIR: cacheDir }, bin });
    expectRefused('stale dist', run, /^rdbm: (experiment convention, point metric=rdbm: )?dist\/ is older than src\/: src\/metrics\/psnr\.ts changed after the last build \(the evaluate stage would run the old code under the new code's key\); run npm run build$/);
  });

  test('the backend requested is part of the train and restore keys (and so of the evaluate keys after them)', async () => {
    const cpu = await plan(BIN, { RDBM_BACKEND: 'cpu' });
    const wasm = await plan(BIN, { RDBM_BACKEND: 'wasm' });
    expect(wasm[0].train).not.toBe(cpu[0].train);
    expect(wasm[0].restore).not.toBe(cpu[0].restore);
    expect(wasm[0].evaluate).not.toBe(cpu[0].evaluate);
    expect(await plan(BIN, { RDBM_BACKEND: 'cpu' })).toEqual(cpu);
    // a native build (`rdbm native build`, which auto prefers) is part of the identity too
    const native = join(work, 'native');
    mkdirSync(join(native, 'cpu'), { recursive: true });
    writeFileSync(join(native, 'cpu', 'build.json'), JSON.stringify({ variant: 'cpu', tfVersion: '2.21.0', wheel: { file: 'w.whl', sha256: 'ab'.repeat(32) }, tfjsNode: '4.22.0', nodeAbi: '115' }));
    const built = await plan(BIN, { RDBM_BACKEND: 'cpu', RDBM_NATIVE_DIR: native });
    expect(built[0].restore).not.toBe(cpu[0].restore);
  });
});

describe('issue 32 defect 4: --data keys hash file contents', () => {
  test('labels rewritten at the same size with their modification time restored change the key (before: path, size and mtime only)', async () => {
    const label = join(data, 'Deraining', 'R', 'test', 'label', '1.png');
    utimesSync(label, 1_700_000_000, 1_700_000_000); // whole seconds, restored exactly below
    const before = await plan(BIN);
    expect(await plan(BIN)).toEqual(before); // unchanged: the same keys (from the hash cache)
    const { size } = statSync(label);
    const changed = readFileSync(label);
    changed[changed.length >> 1] ^= 0xff; // other content, same size (the key never decodes it)
    writeFileSync(label, changed);
    utimesSync(label, 1_700_000_000, 1_700_000_000);
    expect(statSync(label).size).toBe(size);
    expect(statSync(label).mtimeMs).toBe(1_700_000_000_000);
    const after = await plan(BIN);
    expect(after[0].restore).not.toBe(before[0].restore);
    expect(after[0].evaluate).not.toBe(before[0].evaluate);
  });
});
