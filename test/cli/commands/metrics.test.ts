/**
 * `rdbm metrics` in-process (runCli with a capturing Io): output shapes, pairing modes, and every
 * bad-input path (one line, exit 2; a bad pair in a folder run is reported, the rest saved, exit 1).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../../src/cli/command.js';
import { runCli } from '../../../src/cli/main.js';

const PAIRS = join(import.meta.dirname, '../../fixtures/metrics/pairs');
const reference = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/metrics/reference.json'), 'utf8')) as {
  pairs: { id: string; values: { convention: string; cropBorder: number; psnr: number | null; ssim: number }[] }[];
};
const golden = (id: string, convention: string, cropBorder = 0) =>
  reference.pairs.find((p) => p.id === id)!.values.find((v) => v.convention === convention && v.cropBorder === cropBorder)!;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (t) => void (out += t), err: (t) => void (err += t), errIsTTY: false };
  const code = await runCli(['metrics', ...argv], io);
  return { code, out, err };
}

let dir: string;
const p = (id: string, side: 'gt' | 'pred') => join(PAIRS, `${id}.${side}.png`);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rdbm-metrics-cli-'));
  for (const side of ['gt', 'pred'] as const) {
    mkdirSync(join(dir, side));
    for (const id of ['even-noise', 'odd-blur', 'identical']) copyFileSync(p(id, side), join(dir, side, `${id}.png`));
  }
  // layout: two tasks, the SOTS naming rule, restored outputs mirroring it
  const L = join(dir, 'layout');
  for (const [task, sub, label, cond, id] of [
    ['Deraining', 'Rain100L', 'a.png', 'a.png', 'even-noise'],
    ['Deraining', 'Rain100H', 'b.png', 'b.png', 'odd-blur'],
    ['Dehazing', 'SOTS', '0001.png', '0001_0.8_0.2.png', 'jpeg-q25'],
  ]) {
    mkdirSync(join(L, task, sub, 'test', 'label'), { recursive: true });
    mkdirSync(join(L, task, sub, 'test', 'condition'), { recursive: true });
    mkdirSync(join(dir, 'restored', task, sub), { recursive: true });
    copyFileSync(p(id, 'gt'), join(L, task, sub, 'test', 'label', label));
    copyFileSync(p(id, 'pred'), join(L, task, sub, 'test', 'condition', cond));
    copyFileSync(p(id, 'pred'), join(dir, 'restored', task, sub, cond));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rdbm metrics: one pair', () => {
  it('prints one JSON object with the reference values', async () => {
    const { code, out, err } = await cli('--gt', p('even-noise', 'gt'), '--pred', p('even-noise', 'pred'), '--convention', 'rdbm', '--json');
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out.trim().split('\n')).toHaveLength(1);
    const rep = JSON.parse(out);
    expect(rep.convention).toBe('rdbm');
    expect(rep.mean.psnr).toBeCloseTo(golden('even-noise', 'rdbm').psnr!, 6);
    expect(rep.mean.ssim).toBeCloseTo(golden('even-noise', 'rdbm').ssim, 9);
    expect(rep.images).toHaveLength(1);
    expect(rep.images[0]).toMatchObject({ name: p('even-noise', 'pred'), psnr: rep.mean.psnr, ssim: rep.mean.ssim });
  });
  it('identical images: psnr null with identical: true (basicsr-y), 100 under rdbm', async () => {
    const a = JSON.parse((await cli('--gt', p('identical', 'gt'), '--pred', p('identical', 'pred'), '--convention', 'basicsr-y', '--json')).out);
    expect(a.images[0]).toMatchObject({ psnr: null, ssim: 1, identical: true });
    const b = JSON.parse((await cli('--gt', p('identical', 'gt'), '--pred', p('identical', 'pred'), '--convention', 'rdbm', '--json')).out);
    expect(b.images[0]).toMatchObject({ psnr: 100, ssim: 1, identical: true });
  });
  it('applies --crop-border', async () => {
    const rep = JSON.parse((await cli('--gt', p('odd-blur', 'gt'), '--pred', p('odd-blur', 'pred'), '--convention', 'basicsr-y', '--crop-border', '4', '--json')).out);
    expect(rep.options.cropBorder).toBe(4);
    expect(rep.mean.psnr).toBeCloseTo(golden('odd-blur', 'basicsr-y', 4).psnr!, 8);
  });
  it('prints a human line without --json, and warns that image-ssim is a preview', async () => {
    const r = await cli('--gt', p('even-noise', 'gt'), '--pred', p('even-noise', 'pred'), '--convention', 'image-ssim');
    expect(r.out).toMatch(/^PSNR \d+\.\d{6} dB {2}SSIM 0\.\d{6} {2}\[image-ssim\]\n$/);
    expect(r.err).toMatch(/preview metric/);
  });
});

describe('rdbm metrics: bad input is one line, exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown convention (valid ids listed)', ['--gt', 'a.png', '--pred', 'b.png', '--convention', 'psnr-y'], /invalid --convention: "psnr-y" \(expected one of rdbm, basicsr-y, basicsr-rgb, skimage-gaussian, matlab-y, image-ssim\)/],
    ['size mismatch (both sizes and files)', ['--gt', p('even-noise', 'gt'), '--pred', p('odd-blur', 'pred'), '--convention', 'rdbm'], /size mismatch: .*even-noise\.gt\.png is 64×64 but .*odd-blur\.pred\.png is 97×83/],
    ['smaller than the window (convention and minimum)', ['--gt', p('min-9x7', 'gt'), '--pred', p('min-9x7', 'pred'), '--convention', 'matlab-y'], /min-9x7\.pred\.png: 9×7 is smaller than the SSIM window of matlab-y \(needs at least 11×11\)/],
    ['crop leaves too little', ['--gt', p('min-11x12', 'gt'), '--pred', p('min-11x12', 'pred'), '--convention', 'rdbm', '--crop-border', '3'], /6×5 after cropping 3 px per side is smaller than the SSIM window of rdbm \(needs at least 7×7\)/],
    ['missing file', ['--gt', p('even-noise', 'gt'), '--pred', '/nonexistent/x.png', '--convention', 'rdbm'], /\/nonexistent\/x\.png: no such file or directory/],
    ['corrupt image (file named)', ['--gt', p('even-noise', 'gt'), '--pred', join(PAIRS, '../decode/corrupt.png'), '--convention', 'rdbm'], /corrupt\.png: cannot decode image/],
    ['truncated image (file named)', ['--gt', join(PAIRS, '../decode/q75-420.jpg'), '--pred', join(PAIRS, '../decode/truncated.jpg'), '--convention', 'rdbm'], /truncated\.jpg: cannot decode image/],
    ['16-bit image', ['--gt', join(PAIRS, '../decode/grey.png'), '--pred', join(PAIRS, '../decode/deep16.png'), '--convention', 'rdbm'], /deep16\.png: 16-bit images are not supported/],
    ['resize-gt outside matlab-y', ['--gt', p('even-noise', 'gt'), '--pred', p('even-noise', 'pred'), '--convention', 'rdbm', '--resize-gt'], /resizeGt is only defined for matlab-y/],
    ['file against folder', ['--gt', p('even-noise', 'gt'), '--pred', PAIRS, '--convention', 'rdbm'], /is a file but --pred .* is a folder/],
    ['no inputs', ['--convention', 'rdbm'], /give --gt and --pred/],
  ];
  for (const [label, argv, message] of cases) {
    it(label, async () => {
      const { code, out, err } = await cli(...argv);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toMatch(message);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).not.toMatch(/\n\s+at /);
    });
  }
  it('unpaired files are listed', async () => {
    const extra = join(dir, 'unpaired');
    mkdirSync(join(extra, 'gt'), { recursive: true });
    mkdirSync(join(extra, 'pred'), { recursive: true });
    copyFileSync(p('even-noise', 'gt'), join(extra, 'gt', 'one.png'));
    copyFileSync(p('even-noise', 'pred'), join(extra, 'pred', 'one.png'));
    copyFileSync(p('odd-blur', 'gt'), join(extra, 'gt', 'two.png'));
    copyFileSync(p('odd-blur', 'pred'), join(extra, 'pred', 'three.png'));
    const r = await cli('--gt', join(extra, 'gt'), '--pred', join(extra, 'pred'), '--convention', 'rdbm');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/2 unpaired files .*gt\/two\.png \(no prediction\); .*pred\/three\.png \(no ground truth\)/);
    const lenient = await cli('--gt', join(extra, 'gt'), '--pred', join(extra, 'pred'), '--convention', 'rdbm', '--allow-unpaired', '--json');
    expect(lenient.code).toBe(0);
    expect(JSON.parse(lenient.out).images).toHaveLength(1);
  });
});

describe('rdbm metrics: folders', () => {
  it('scores same-name pairs, shows progress on stderr and writes CSV', async () => {
    const csv = join(dir, 'out', 'm.csv');
    const { code, out, err } = await cli('--gt', join(dir, 'gt'), '--pred', join(dir, 'pred'), '--convention', 'skimage-gaussian', '--json', '--csv', csv, '--workers', '1');
    expect(code).toBe(0);
    const rep = JSON.parse(out);
    expect(rep.images.map((i: { name: string }) => i.name)).toEqual(['even-noise.png', 'identical.png', 'odd-blur.png']);
    expect(rep.images[0].ssim).toBeCloseTo(golden('even-noise', 'skimage-gaussian').ssim, 9);
    expect(rep.images[1]).toMatchObject({ psnr: null, identical: true });
    expect(err).toMatch(/metrics 3\/3 images, [\d.]+ (images\/s|s\/image), took \d+s/);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/^level,name,/);
    expect(lines.filter((l) => l.startsWith('image,'))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/^overall,mean over images,/);
  });
  it('reports a bad pair, scores and saves the others, exits 1', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(join(bad, 'gt'), { recursive: true });
    mkdirSync(join(bad, 'pred'), { recursive: true });
    copyFileSync(p('even-noise', 'gt'), join(bad, 'gt', '1.png'));
    copyFileSync(p('even-noise', 'pred'), join(bad, 'pred', '1.png'));
    copyFileSync(p('even-noise', 'gt'), join(bad, 'gt', '2.png'));
    copyFileSync(p('odd-blur', 'pred'), join(bad, 'pred', '2.png'));
    copyFileSync(p('odd-blur', 'gt'), join(bad, 'gt', '3.png'));
    writeFileSync(join(bad, 'pred', '3.png'), readFileSync(p('odd-blur', 'pred')).subarray(0, 300));
    const csv = join(bad, 'm.csv');
    const { code, out, err } = await cli('--gt', join(bad, 'gt'), '--pred', join(bad, 'pred'), '--convention', 'rdbm', '--csv', csv, '--out', join(bad, 'm.json'));
    expect(code).toBe(1);
    expect(out).toMatch(/mean over images +1 +PSNR/);
    expect(err).toMatch(/rdbm: 2\.png: size mismatch: .*gt\/2\.png is 64×64 but .*pred\/2\.png is 97×83/);
    expect(err).toMatch(/rdbm: 3\.png: .*pred\/3\.png: cannot decode image/);
    expect(err).toMatch(/2 of 3 pairs failed/);
    const saved = JSON.parse(readFileSync(join(bad, 'm.json'), 'utf8'));
    expect(saved.images[0].psnr).toBeCloseTo(golden('even-noise', 'rdbm').psnr!, 6);
    expect(saved.images[1].error).toMatch(/size mismatch/);
    expect(saved.failed).toBe(2);
    expect(readFileSync(csv, 'utf8')).toMatch(/image,1\.png,.*\nimage,2\.png,,,,,,,,.*size mismatch/);
  });
  it('scores a layout (conditions vs labels) per sub-dataset, per task and overall', async () => {
    const { code, out } = await cli('--layout', join(dir, 'layout'), '--convention', 'rdbm', '--json');
    expect(code).toBe(0);
    const rep = JSON.parse(out);
    expect(rep.images.map((i: { name: string }) => i.name)).toEqual(['Dehazing/SOTS/0001_0.8_0.2.png', 'Deraining/Rain100H/b.png', 'Deraining/Rain100L/a.png']);
    expect(rep.tasks.map((t: { task: string; count: number }) => [t.task, t.count])).toEqual([['Dehazing', 1], ['Deraining', 2]]);
    const jpeg = golden('jpeg-q25', 'rdbm');
    const derain = (golden('even-noise', 'rdbm').psnr! + golden('odd-blur', 'rdbm').psnr!) / 2;
    expect(rep.tasks[0].psnr).toBeCloseTo(jpeg.psnr!, 6);
    expect(rep.tasks[1].psnr).toBeCloseTo(derain, 6);
    expect(rep.meanOfTaskMeans.psnr).toBeCloseTo((jpeg.psnr! + derain) / 2, 6);
    expect(rep.mean.psnr).toBeCloseTo((jpeg.psnr! + 2 * derain) / 3, 6);
    expect(rep.tasks[1].subDatasets.map((s: { subDataset: string }) => s.subDataset)).toEqual(['Rain100H', 'Rain100L']);
  });
  it('scores restored outputs mirroring the layout, and a mapping file', async () => {
    const restored = JSON.parse((await cli('--layout', join(dir, 'layout'), '--pred', join(dir, 'restored'), '--convention', 'basicsr-y', '--json')).out);
    expect(restored.images).toHaveLength(3);
    expect(restored.images[0].psnr).toBeCloseTo(golden('jpeg-q25', 'basicsr-y').psnr!, 8);
    writeFileSync(join(dir, 'map.csv'), `gt,pred,task\n${p('odd-blur', 'gt')},${p('odd-blur', 'pred')},Deblur\n`);
    const mapped = JSON.parse((await cli('--mapping', join(dir, 'map.csv'), '--convention', 'matlab-y', '--json')).out);
    expect(mapped.images[0].ssim).toBeCloseTo(golden('odd-blur', 'matlab-y').ssim, 9);
    expect(mapped.tasks[0].task).toBe('Deblur');
  });
});

describe('rdbm metrics on folders of task folders', () => {
  it('prints per-task means and the mean of task means, not only the overall mean', async () => {
    const { mkdtempSync, mkdirSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const sharp = (await import('sharp')).default;
    const root = mkdtempSync(join(tmpdir(), 'rdbm-metrics-tree-'));
    // <Task>/<name> and <Task>/<SubDataset>/<name> on both sides; predictions a constant per task
    for (const [side, rel, value] of [['gt', 'Deraining', 200], ['pred', 'Deraining', 90], ['gt', 'Dehazing/SOTS', 200], ['pred', 'Dehazing/SOTS', 120]] as const) {
      mkdirSync(join(root, side, rel), { recursive: true });
      for (const n of ['a', 'b']) await sharp(Buffer.alloc(8 * 8 * 3, value), { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(join(root, side, rel, `${n}.png`));
    }
    const io = captureJson();
    expect(await runCli(['metrics', '--gt', join(root, 'gt'), '--pred', join(root, 'pred'), '--convention', 'rdbm', '--json', '--workers', '1'], io.io)).toBe(0);
    const report = JSON.parse(io.out()) as { tasks: { task: string; psnr: number; count: number }[]; meanOfTaskMeans: { psnr: number; count: number } };
    // uniform 8-bit images: PSNR = 10 log10(255² / d²) (the rdbm convention computes in float32: 5 digits)
    const psnr = (d: number) => 10 * Math.log10((255 * 255) / (d * d));
    expect(report.tasks.map((t) => [t.task, t.count])).toEqual([['Dehazing', 2], ['Deraining', 2]]);
    expect(report.tasks[0].psnr).toBeCloseTo(psnr(80), 5);
    expect(report.tasks[1].psnr).toBeCloseTo(psnr(110), 5);
    expect(report.meanOfTaskMeans.count).toBe(2);
    expect(report.meanOfTaskMeans.psnr).toBeCloseTo((psnr(80) + psnr(110)) / 2, 5);
    const text = captureJson();
    expect(await runCli(['metrics', '--gt', join(root, 'gt'), '--pred', join(root, 'pred'), '--convention', 'rdbm', '--workers', '1'], text.io)).toBe(0);
    expect(text.out()).toMatch(/^Deraining +2 +PSNR/m);
    expect(text.out()).toMatch(/^mean of task means +2 +PSNR/m);
  });
});

function captureJson() {
  const out: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: () => {}, errIsTTY: false }, out: () => out.join('') };
}
