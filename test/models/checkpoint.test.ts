import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { checkpointInfo, loadCheckpoint, readCheckpoint, saveCheckpoint, writeCheckpointFiles } from '../../src/models/checkpoint.js';
import { createUNet } from '../../src/models/unet.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { FIXTURES } from './helpers.js';

beforeAll(async () => {
  await initBackend('cpu');
});
const tmp = () => mkdtempSync(join(tmpdir(), 'rdbm-ckpt-'));

describe('our checkpoint format', () => {
  test('save → load is bit-exact (weights and outputs), manifest carries config, step and hash', async () => {
    const net = createUNet({ dim: 8, dimMults: [1, 2] }, { seed: 5 });
    const dir = await saveCheckpoint(join(tmp(), 'ck'), net, { step: 42 });
    const { manifest, tensors } = readCheckpoint(dir);
    expect(manifest.step).toBe(42);
    expect(manifest.architecture.dimMults).toEqual([1, 2]);
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const [name, v] of net.variables) {
      const a = v.dataSync() as Float32Array;
      const b = tensors.get(name)!.data;
      expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toBe(true);
    }
    const loaded = await loadCheckpoint(dir);
    expect(loaded.paramCount).toBe(net.paramCount);
    const x = tf.randomUniform([1, 12, 12, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    const a = await net.apply(x, x, [4]).data();
    const b = await loadCheckpoint(join(dir, 'manifest.json')).then((m) => m.apply(x, x, [4]).data());
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(await loaded.apply(x, x, 4).data())).toEqual(Array.from(a));
    expect(checkpointInfo(dir)).toMatchObject({ format: 'rdbm', step: 42 });
  });

  test('a corrupted weights file is refused by its hash', async () => {
    const dir = await saveCheckpoint(join(tmp(), 'ck'), createUNet({ dim: 8, dimMults: [1] }));
    const bytes = readFileSync(join(dir, 'weights.bin'));
    bytes[100] ^= 1;
    writeFileSync(join(dir, 'weights.bin'), bytes);
    await expect(loadCheckpoint(dir)).rejects.toThrow(/is corrupt: weights\.bin has been modified \(sha256 [0-9a-f]{12}…, the manifest records [0-9a-f]{12}…\)$/);
  });

  test('sharded weights read back bit-exact; the manifest hash is that of the joined bytes, and a bad shard is named', async () => {
    const net = createUNet({ dim: 8, dimMults: [1, 2] }, { seed: 5 });
    const whole = readCheckpoint(await saveCheckpoint(join(tmp(), 'ck'), net, { step: 3 }));
    const bytes = readFileSync(join(whole.dir, 'weights.bin'));
    const { sha256: _hash, ...fields } = whole.manifest;
    const dir = join(tmp(), 'sharded');
    mkdirSync(dir);
    // 10 000-byte shards: the last one holds the rest
    const manifest = writeCheckpointFiles(dir, fields, bytes, 10_000);
    const count = Math.ceil(bytes.length / 10_000);
    expect(manifest.sha256).toBe(whole.manifest.sha256);
    expect(manifest.shards!.map((s) => s.file)).toEqual(Array.from({ length: count }, (_, i) => `weights-${i + 1}-of-${count}.bin`));
    expect(manifest.shards!.map((s) => s.bytes)).toEqual([...Array(count - 1).fill(10_000), bytes.length - (count - 1) * 10_000]);
    expect(existsSync(join(dir, 'weights.bin'))).toBe(false);
    const read = readCheckpoint(dir);
    for (const [name, t] of whole.tensors) expect(Array.from(read.tensors.get(name)!.data)).toEqual(Array.from(t.data));
    const x = tf.randomUniform([1, 12, 12, 3], -1, 1, 'float32', 1) as tf.Tensor4D;
    expect(Array.from(await (await loadCheckpoint(dir)).apply(x, x, [4]).data())).toEqual(Array.from(await net.apply(x, x, [4]).data()));

    const second = join(dir, 'weights-2-of-' + count + '.bin');
    const part = readFileSync(second);
    part[7] ^= 1;
    writeFileSync(second, part);
    expect(() => readCheckpoint(dir)).toThrow(new RegExp(`is corrupt: weights-2-of-${count}\\.bin has been modified \\(sha256 [0-9a-f]{12}…, the manifest records [0-9a-f]{12}…\\)$`));
    truncateSync(second, 10);
    expect(() => readCheckpoint(dir)).toThrow(`is corrupt: weights-2-of-${count}.bin has 10 bytes (expected 10000: truncated or replaced)`);
    rmSync(second);
    expect(() => readCheckpoint(dir)).toThrow(`is corrupt: weights-2-of-${count}.bin is missing next to the manifest`);
  });
});

describe('bad checkpoints and inputs: one-line errors', () => {
  test('unreadable paths and files', async () => {
    await expect(loadCheckpoint('/nonexistent/ck')).rejects.toThrow(/^cannot read checkpoint \/nonexistent\/ck: .*expected a checkpoint directory/);
    const bad = join(tmp(), 'bad.pt');
    writeFileSync(bad, 'not a zip');
    await expect(loadCheckpoint(bad)).rejects.toThrow(/^cannot read checkpoint .*bad.pt: not a zip archive/);
  });

  test('mismatched architecture lists missing and unexpected tensors', async () => {
    const p = join(FIXTURES, 'unet_d8_m12_state.pt');
    await expect(loadCheckpoint(p, { dimMults: [1] })).rejects.toThrow(/does not match the U-Net \(dim 8, mults 1\): missing 2: ups\.0\.3\.weight, ups\.0\.3\.bias; unexpected 60: downs\.1\.0\.mlp\.1\.weight, .* and 55 more; wrong shape 54: downs\.0\.3\.weight \[8,8,4,4\] \(expected \[8,8,3,3\]\)/);
    const dir = await saveCheckpoint(join(tmp(), 'ck'), createUNet({ dim: 8, dimMults: [1, 2] }));
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    m.architecture.dimMults = [1, 2, 2];
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/missing \d+: downs\.2\.0\.mlp\.1\.weight.*; unexpected \d+: ups\.1\.3\.weight/);
    await expect(loadCheckpoint(join(FIXTURES, 'unet_d8_m12_state.pt'), { dim: 16 })).rejects.toThrow(/wrong shape \d+: init_conv.weight \[8,6,7,7\] \(expected \[16,6,7,7\]\)/);
  });

  test('a .pt without a U-Net, and a pickle asking for os.system, are refused', async () => {
    await expect(loadCheckpoint(join(FIXTURES, 'not_unet.pt'))).rejects.toThrow(/^not a U-Net checkpoint: .*not_unet.pt has no init_conv.weight tensor \(found 2 tensors: linear.weight, linear.bias\)/);
    await expect(loadCheckpoint(join(FIXTURES, 'evil.pt'))).rejects.toThrow(/^cannot read checkpoint .*evil.pt: refusing to load global (posix|os)\.system/);
  });

  test('wrong channel count and mismatched μ', async () => {
    const m = await loadCheckpoint(join(FIXTURES, 'unet_d8_m1_module.pt'));
    const x4 = tf.zeros([1, 8, 8, 4]) as tf.Tensor4D;
    expect(() => m.apply(x4, x4, [0])).toThrow(/^wrong channel count: x_t has 4 channels \(expected 3 for this model\)/);
    const x3 = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    expect(() => m.apply(x3, tf.zeros([1, 8, 9, 3]) as tf.Tensor4D, [0])).toThrow(/wrong μ shape/);
    expect(() => m.apply(x3, x3, [0, 1])).toThrow(/2 steps for a batch of 1/);
    expect(() => m.apply(x3, x3, [0.5])).toThrow(/non-negative integer/);
  });
});
