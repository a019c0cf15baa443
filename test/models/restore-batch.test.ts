// Batched restoration over worker threads (the workers run the compiled package in dist/: `npm test` builds first).
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { readImage, writeImage } from '../../src/image/index.js';
import { saveCheckpoint } from '../../src/models/checkpoint.js';
import { restoreWorkerUrl } from '../../src/models/restore-parallel.js';
import { restoreImages } from '../../src/models/restore.js';
import { createUNet } from '../../src/models/unet.js';
import { initBackend } from '../../src/tf/index.js';
import { createRng } from '../../src/util/random.js';

let ckpt: string;
let inputs: string;
beforeAll(async () => {
  await initBackend('wasm');
  ckpt = mkdtempSync(join(tmpdir(), 'rdbm-restore-batch-ckpt-'));
  const net = createUNet({ dim: 8, dimMults: [1, 2] }, { seed: 2 });
  await saveCheckpoint(ckpt, net);
  net.dispose();
  inputs = mkdtempSync(join(tmpdir(), 'rdbm-restore-batch-in-'));
  const rng = createRng(9);
  // five 20×20 images and two 24×16: windows of 3 mix sizes, so groups and windows both vary
  for (let i = 0; i < 7; i++) {
    const [w, h] = i % 3 === 2 ? [24, 16] : [20, 20];
    await writeImage(join(inputs, `im${i}.png`), { width: w, height: h, channels: 3, data: new Uint8Array(w * h * 3).map(() => rng.int(256)) });
  }
});

describe('batched restoration', () => {
  test('windows of equal-sized images over 2 workers give the same pixels as one image at a time', async () => {
    expect(restoreWorkerUrl()?.pathname).toMatch(/models\/restore-worker\.js$/);
    const one = mkdtempSync(join(tmpdir(), 'rdbm-restore-one-'));
    const many = mkdtempSync(join(tmpdir(), 'rdbm-restore-many-'));
    const a = await restoreImages({ checkpoint: ckpt, inputs, outputDir: one, nfe: 3, batch: 1, workers: 1 });
    const b = await restoreImages({ checkpoint: ckpt, inputs, outputDir: many, nfe: 3, batch: 3, workers: 2 });
    expect(b.outputs.map((o) => o.name)).toEqual(a.outputs.map((o) => o.name));
    expect(readdirSync(many).sort()).toEqual(readdirSync(one).sort());
    let worst = 0;
    for (const name of readdirSync(one)) {
      const x = await readImage(join(one, name));
      const y = await readImage(join(many, name));
      expect([y.width, y.height]).toEqual([x.width, x.height]);
      for (let i = 0; i < x.data.length; i++) worst = Math.max(worst, Math.abs(x.data[i] - y.data[i]));
    }
    expect(worst).toBe(0);
  }, 600_000);
});
