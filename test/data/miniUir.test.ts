import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { ensureMiniUir, generateMiniUir, manifestText, readManifest, verifyMiniUir } from '../../src/data/miniUir.js';
import { scanLayout } from '../../src/datasets/index.js';
import { readImage } from '../../src/image/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'rdbm-mini-uir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const committed = readFileSync(new URL('../../data/mini-uir/manifest.json', import.meta.url), 'utf8');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), errIsTTY: false }, out, err };
}

describe('mini-uir', () => {
  it('regenerates the committed manifest byte for byte with the default options', async () => {
    const manifest = await generateMiniUir(join(tmp, 'a'));
    expect(manifestText(manifest)).toBe(committed);
    expect(readFileSync(join(tmp, 'a', 'manifest.json'), 'utf8')).toBe(committed);
    expect(Object.keys(manifest.files)).toHaveLength(1260); // 5 tasks × 42 photos × 3 crops × {label, condition}
    expect(readFileSync(join(tmp, 'a', 'SOURCES.md'), 'utf8')).toContain('Hubble eXtreme Deep Field');
  });

  it('gives identical files on a second run and different ones for another seed', async () => {
    const again = await generateMiniUir(join(tmp, 'b'));
    expect(manifestText(again)).toBe(committed);
    expect(verifyMiniUir(join(tmp, 'a'), again)).toEqual([]);
    const other = await generateMiniUir(join(tmp, 'c'), { seed: 1, size: 32, cropsPerPhoto: 1 });
    expect(Object.keys(other.files)).toHaveLength(420);
    const sameName = 'Deraining/MiniRain/train/condition/astronaut_0.png';
    expect(other.files[sameName]).not.toBe(again.files[sameName]);
  });

  it('is read by the RDBM/DGSolver layout scanner, split by photograph', async () => {
    const test = scanLayout(join(tmp, 'a'), { split: 'test' });
    const train = scanLayout(join(tmp, 'a'), { split: 'train' });
    // 8 test photographs and 34 train photographs, 3 crops each, 5 tasks
    expect(test).toHaveLength(120);
    expect(train).toHaveLength(510);
    expect(new Set(test.map((e) => e.task))).toEqual(new Set(['Deraining', 'Enlighening', 'Desnowing', 'Dehazing', 'Deblur']));
    const testPhotos = ['chelsea', 'cv-building', 'cv-fruits', 'cv-leuvenA', 'cv-squirrel_cls', 'hubble_deep_field', 'kde-bythewater', 'kde-fallenleaf'];
    expect(new Set(test.map((e) => e.name.replace(/_\d+\.png$/, '')))).toEqual(new Set(testPhotos));
    for (const task of ['Deraining', 'Enlighening', 'Desnowing', 'Dehazing', 'Deblur']) expect(test.filter((e) => e.task === task)).toHaveLength(24);
    const stem = (name: string) => name.replace(/_\d+\.png$/, '');
    expect(train.filter((e) => testPhotos.includes(stem(e.name)))).toEqual([]);
    const img = await readImage(test[0].condition);
    expect([img.width, img.height, img.channels]).toEqual([64, 64, 3]);
  });

  it('detects a damaged copy and ensureMiniUir repairs it', async () => {
    const dir = join(tmp, 'd');
    cpSync(join(tmp, 'a'), dir, { recursive: true });
    const rel = 'Dehazing/MiniHaze/test/label/chelsea_1.png';
    writeFileSync(join(dir, rel), 'not a png');
    const manifest = readManifest(dir)!;
    expect(verifyMiniUir(dir, manifest)).toEqual([rel]);
    await ensureMiniUir(dir);
    expect(verifyMiniUir(dir, manifest)).toEqual([]);
  });

  it('a copy killed while it was generated leaves a .partial-* folder that the next run removes (issue 32, defect 8); a live process\'s is kept', async () => {
    const dir = join(tmp, 'killed');
    const entry = new URL('../../dist/data/miniUir.js', import.meta.url).href;
    const child = spawn(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); await m.ensureMiniUir(${JSON.stringify(dir)}, { size: 32, cropsPerPhoto: 1 });`], { stdio: 'ignore' });
    const partial = () => readdirSync(tmp).filter((n) => n.startsWith('killed.partial-'));
    const t0 = Date.now();
    while (!partial().some((n) => existsSync(join(tmp, n, 'Deraining'))) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    expect(partial()).toHaveLength(1);
    expect(partial()[0]).toMatch(new RegExp(`^killed\\.partial-${child.pid}\\.\\d+\\.[0-9a-f]{8}-`));
    const alive = join(tmp, `killed.partial-${process.pid}-0-0`); // this process's: running, so kept
    mkdirSync(alive);
    await ensureMiniUir(dir, { size: 32, cropsPerPhoto: 1 });
    expect(partial()).toEqual([`killed.partial-${process.pid}-0-0`]);
    expect(verifyMiniUir(dir, readManifest(dir)!)).toEqual([]);
  });

  it('two processes (shards) ensuring the same copy at once both get an intact one', async () => {
    const dir = join(tmp, 'shared');
    const [a, b] = await Promise.all([ensureMiniUir(dir, { size: 32, cropsPerPhoto: 1 }), ensureMiniUir(dir, { size: 32, cropsPerPhoto: 1 })]);
    expect(manifestText(a)).toBe(manifestText(b));
    expect(verifyMiniUir(dir, a)).toEqual([]);
  });

  it('rdbm data mini-uir writes and verifies; bad options exit 2 with one line', async () => {
    const dir = join(tmp, 'cli');
    const c = capture();
    expect(await runCli(['data', 'mini-uir', '--out', dir, '--size', '32', '--crops', '1'], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/wrote 210 pairs/);
    const v = capture();
    expect(await runCli(['data', 'mini-uir', '--out', dir, '--verify'], v.io)).toBe(0);
    expect(v.out.join('')).toMatch(/all 420 files match/);
    const bad = capture();
    expect(await runCli(['data', 'mini-uir', '--out', dir, '--size', '8'], bad.io)).toBe(2);
    expect(bad.err.join('')).toMatch(/^rdbm: invalid --size: 8 .*\n$/);
    const missing = capture();
    expect(await runCli(['data', 'mini-uir', '--out', join(tmp, 'nothing'), '--verify'], missing.io)).toBe(2);
    expect(missing.err.join('')).toMatch(/manifest.json: not found/);
  });
});
