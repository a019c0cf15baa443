/**
 * Zoo entries stored in float16 (issue 31: the three-seed zoo must stay ≤ 150 MB): restorations with the
 * half-precision weights must match float32's within 1/255. Measured on mini-uir test images (two per task for T, one for B)
 * with the zoo's RDBM-T and RDBM-B at NFE 10, whole images, on the wasm backend. Also: an entry added with
 * dtype float16 reads back, names the trained float32 hash, and is refused when its stored dtype is edited.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { ensureMiniUir } from '../../src/data/miniUir.js';
import { readImage } from '../../src/image/index.js';
import { readCheckpoint, writeCheckpointFiles } from '../../src/models/checkpoint.js';
import { restoreImages } from '../../src/models/restore.js';
import { initBackend } from '../../src/tf/index.js';
import { toFloat16 } from '../../src/util/float16.js';
import { maxAbsDiff } from '../helpers/arrays.js';

const ZOO = join(import.meta.dirname, '..', '..', 'data', 'zoo');
let data: string;
beforeAll(async () => {
  await initBackend('wasm');
  data = join(mkdtempSync(join(tmpdir(), 'rdbm-f16-')), 'mini-uir-64');
  await ensureMiniUir(data, { size: 64 });
});

/** A float16 copy of a float32 checkpoint (same manifest fields, weights rounded to half precision). */
function halfCopy(checkpoint: string): string {
  const { manifest, tensors } = readCheckpoint(checkpoint);
  const total = manifest.tensors.reduce((n, t) => Math.max(n, t.offset + t.shape.reduce((a, b) => a * b, 1)), 0);
  const all = new Float32Array(total);
  for (const t of manifest.tensors) all.set(tensors.get(t.name)!.data, t.offset);
  const dir = mkdtempSync(join(tmpdir(), 'rdbm-f16-ckpt-'));
  const { sha256: _s, shards: _h, ...fields } = manifest;
  writeCheckpointFiles(dir, { ...fields, dtype: 'float16' }, new Uint8Array(toFloat16(all).buffer));
  return dir;
}

test.each([
  ['T', 2],
  ['B', 1],
] as const)('RDBM-%s restored from float16 weights within 1/255 of float32', async (name, perTask) => {
  const inputs = readdirSync(data)
    .filter((t) => !t.includes('.'))
    .flatMap((task) => readdirSync(join(data, task)).flatMap((sub) => readdirSync(join(data, task, sub, 'test', 'condition')).slice(0, perTask).map((f) => ({ name: `${task}-${f}`, path: join(data, task, sub, 'test', 'condition', f) }))));
  const f32 = join(ZOO, name, 'checkpoint');
  const f16 = halfCopy(f32);
  const outs: string[] = [];
  for (const checkpoint of [f32, f16]) {
    const outputDir = mkdtempSync(join(tmpdir(), 'rdbm-f16-out-'));
    await restoreImages({ checkpoint, inputs, outputDir, nfe: 10, workers: 1 });
    outs.push(outputDir);
  }
  let worst = 0;
  let differing = 0;
  for (const f of readdirSync(outs[0])) {
    const d = maxAbsDiff((await readImage(join(outs[0], f))).data, (await readImage(join(outs[1], f))).data);
    worst = Math.max(worst, d);
    if (d > 0) differing++;
  }
  console.log(`RDBM-${name}: float16 vs float32 weights, ${inputs.length} restored images: max difference ${worst}/255 (${differing} images differ at all)`);
  expect(inputs.length).toBe(5 * perTask);
  expect(worst).toBeLessThanOrEqual(1);
});

test('a float16 checkpoint reads back as the rounded weights; an edited dtype is refused', () => {
  const f16 = halfCopy(join(ZOO, 'T', 'checkpoint'));
  const a = readCheckpoint(join(ZOO, 'T', 'checkpoint')).tensors;
  const b = readCheckpoint(f16).tensors;
  const name = 'init_conv.weight';
  const rel = maxAbsDiff(a.get(name)!.data, b.get(name)!.data) / Math.max(...a.get(name)!.data.map(Math.abs));
  expect(rel).toBeGreaterThan(0);
  expect(rel).toBeLessThan(2 ** -10); // half precision: 10 mantissa bits
  const copy = mkdtempSync(join(tmpdir(), 'rdbm-f16-edit-'));
  cpSync(f16, copy, { recursive: true });
  const m = JSON.parse(readFileSync(join(copy, 'manifest.json'), 'utf8'));
  writeFileSync(join(copy, 'manifest.json'), JSON.stringify({ ...m, dtype: 'float32' }));
  expect(() => readCheckpoint(copy)).toThrow(/weights\.bin has \d+ bytes \(expected \d+: truncated or replaced\)/);
  writeFileSync(join(copy, 'manifest.json'), JSON.stringify({ ...m, dtype: 'bfloat16' }));
  expect(() => readCheckpoint(copy)).toThrow(/weight dtype "bfloat16" \(expected float32 or float16\)/);
});
