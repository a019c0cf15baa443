/**
 * Issue 32, defect 3: decompression bombs. The pixel limit (64 MP, --max-pixels) is checked from the header,
 * before anything is decoded. Every file is generated here (the 20000² bomb is 1.2 MB).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { FIXTURES } from '../models/helpers.js';
import { expectRefused, literal, measured, rdbm } from './harness.js';
import { blackPng } from './hostile.js';

let dir: string;
const file = (name: string) => join(dir, name);
const over = (path: string, w: number, h: number, limit = 64_000_000) =>
  new RegExp(`${literal(path)}: ${w}×${h} = ${w * h} pixels, over the limit ${limit} pixels per image; raise it with --max-pixels$`);

/** A BMP header (BITMAPINFOHEADER, 24 bits) declaring `width` × `height`, with no pixel data. */
function bmpHeader(width: number, height: number): Uint8Array {
  const b = new Uint8Array(54);
  const v = new DataView(b.buffer);
  b.set([0x42, 0x4d]);
  v.setUint32(2, 54, true);
  v.setUint32(10, 54, true);
  v.setUint32(14, 40, true);
  v.setInt32(18, width, true);
  v.setInt32(22, height, true);
  v.setUint16(26, 1, true);
  v.setUint16(28, 24, true);
  return b;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rdbm-hostile-img-'));
  writeFileSync(file('bomb-20000.png'), blackPng(20000, 20000));
  writeFileSync(file('header-100000.png'), blackPng(100000, 100000, { headerOnly: true }));
  writeFileSync(file('header-100000.bmp'), bmpHeader(100000, 100000));
  writeFileSync(file('small.png'), blackPng(100, 100));
  mkdirSync(file('in'));
  writeFileSync(join(file('in'), 'bomb.png'), blackPng(20000, 20000));
});


describe('issue 32 defect 3: images have a pixel limit, checked from the header before decoding', () => {
  test('a 1.2 MB PNG of 20000 × 20000 pixels (62 s and 2.4 GB before) is refused by metrics', async () => {
    const bomb = file('bomb-20000.png');
    expectRefused('png bomb 20000² metrics', await rdbm(['metrics', '--gt', bomb, '--pred', bomb, '--convention', 'rdbm']), new RegExp(`^rdbm: ${over(bomb, 20000, 20000).source}`));
  });

  test('and by restore, before the network runs', async () => {
    const run = await rdbm(['restore', '--checkpoint', join(FIXTURES, 'unet_d8_m1_trainer.pt'), '--input', file('in'), '--output', file('out'), '--backend', 'cpu', '--workers', '1']);
    expectRefused('png bomb 20000² restore', run, new RegExp(`^rdbm: ${over(join(file('in'), 'bomb.png'), 20000, 20000).source}`));
  });

  test('headers of 100000 × 100000 pixels (PNG, BMP) are refused from the header', async () => {
    for (const name of ['header-100000.png', 'header-100000.bmp']) {
      const path = file(name);
      expectRefused(name, await rdbm(['metrics', '--gt', path, '--pred', path, '--convention', 'rdbm']), new RegExp(`^rdbm: ${over(path, 100000, 100000).source}`));
    }
  });

  test('--max-pixels sets the limit (for every command): a 100 × 100 image over a limit of 5000, scored under the default', async () => {
    const small = file('small.png');
    expectRefused('lowered pixel limit', await rdbm(['metrics', '--gt', small, '--pred', small, '--convention', 'rdbm', '--max-pixels', '5000']), new RegExp(`^rdbm: ${over(small, 100, 100, 5000).source}`));
    const ok = await rdbm(['metrics', '--gt', small, '--pred', small, '--convention', 'rdbm', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).mean).toMatchObject({ psnr: 100, ssim: 1, count: 1 });
  });
});
