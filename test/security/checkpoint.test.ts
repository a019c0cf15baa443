/**
 * Issue 32, defects 1 and 2: PyTorch checkpoints that exhaust memory or the call stack. Every file is built
 * here; each is refused (or, for the unreferenced bomb, read) by the real CLI within 30 s and 1.5 GB.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { listZip, readZipEntry } from '../../src/models/torch/zip.js';
import { FIXTURES } from '../models/helpers.js';
import { ROOT, expectRefused, literal, measured, rdbm } from './harness.js';
import { Pickle, concat, deflatedZeros, torchArchive, zip } from './hostile.js';

let dir: string;
const file = (name: string) => join(dir, name);
const f32 = (...values: number[]) => new Uint8Array(new Float32Array(values).buffer);

/** A state dict {w: tensor(size, stride)} over a one-float storage. */
function strided(size: number[], stride: number[]): Uint8Array {
  const p = new Pickle();
  p.dict([['w', () => p.tensor('0', 1, 0, size, stride)]]);
  return torchArchive(p.bytes(), { '0': f32(1) });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rdbm-hostile-pt-'));
  writeFileSync(file('stride0-4e9.pt'), strided([4e9], [0]));
  writeFileSync(file('stride0-3e8.pt'), strided([3e8], [0]));
  writeFileSync(file('past-storage.pt'), strided([2, 3], [3, 1]));
  // the fixture U-Net, plus an entry of 2 GiB of zeros its pickle never references (2 MB on disk)
  const real = readFileSync(join(FIXTURES, 'unet_d8_m1_module.pt'));
  const entries = [...listZip(real).values()].map((e) => ({ name: e.name, data: readZipEntry(real, e).slice() }));
  writeFileSync(file('unreferenced-2gib.pt'), zip([...entries, { name: 'archive/extra/zeros', data: { deflated: deflatedZeros(2 ** 31), size: 2 ** 31 } }]));
  // a referenced storage that declares 4 floats but inflates to 1 GiB
  const p = new Pickle();
  p.dict([['w', () => p.tensor('0', 4, 0, [4], [1])]]);
  writeFileSync(file('lying-size.pt'), zip([{ name: 'archive/data.pkl', data: p.bytes() }, { name: 'archive/data/0', data: { deflated: deflatedZeros(2 ** 30), size: 16 } }]));
  // a referenced storage declaring 3 GiB (over the 2 GiB default)
  const q = new Pickle();
  q.dict([['w', () => q.tensor('0', 4, 0, [4], [1])]]);
  writeFileSync(file('huge-storage.pt'), zip([{ name: 'archive/data.pkl', data: q.bytes() }, { name: 'archive/data/0', data: { deflated: deflatedZeros(2 ** 20), size: 3 * 2 ** 30 } }]));
  // a dict that contains itself: EMPTY_DICT, BINPUT 0, 'a', BINGET 0, SETITEM
  const self = new Pickle().raw(0x7d, 0x71, 0).str('a').raw(0x68, 0, 0x73);
  writeFileSync(file('self-dict.pt'), torchArchive(self.bytes(), {}));
  // 100 000 nested dicts: {'a': {'a': … {}}}
  const nested = new Pickle();
  for (let i = 0; i < 100_000; i++) nested.raw(0x7d).str('a');
  nested.raw(0x7d);
  for (let i = 0; i < 100_000; i++) nested.raw(0x73);
  writeFileSync(file('nested-100k.pt'), torchArchive(nested.bytes(), {}));
  // a list of 200 000 items appended at once (APPENDS spread into push() overflowed the stack)
  const appends = new Pickle().raw(0x5d, 0x28, concat(Array(200_000).fill(new Uint8Array([0x4b, 0]))), 0x65);
  writeFileSync(file('appends-200k.pt'), torchArchive(appends.bytes(), {}));
}, 60_000);


describe('issue 32 defect 1: a checkpoint cannot make the reader allocate more than its limits', () => {
  test('size [4e9] with stride 0 over a 4-byte storage (12 GB before): refused by model info, restore and diffuir restore', async () => {
    const message = new RegExp(`^rdbm: cannot read checkpoint ${literal(file('stride0-4e9.pt'))}: tensor \\[4000000000\\] has 4000000000 elements but its storage data/0 holds 1 \\(an expanded view`);
    expectRefused('stride0-4e9 model info', await rdbm(['model', 'info', file('stride0-4e9.pt')]), message);
    expectRefused('stride0-4e9 restore', await rdbm(['restore', '--checkpoint', file('stride0-4e9.pt'), '--input', join(ROOT, 'data', 'photos', 'coffee.png'), '--output', file('out'), '--backend', 'cpu']), message);
    expectRefused('stride0-4e9 diffuir restore', await rdbm(['diffuir', 'restore', '--checkpoint', file('stride0-4e9.pt'), '--out', file('out2'), join(ROOT, 'data', 'photos', 'coffee.png')]), message);
  });

  test('size [3e8] with stride 0 (22 s and 1.25 GB before): refused', async () => {
    expectRefused('stride0-3e8', await rdbm(['model', 'info', file('stride0-3e8.pt')]), /^rdbm: cannot read checkpoint .*stride0-3e8\.pt: tensor \[300000000\] has 300000000 elements but its storage data\/0 holds 1/);
  });

  test('a tensor whose extent runs past its storage is refused, naming the element it would read', async () => {
    expectRefused('past-storage', await rdbm(['model', 'info', file('past-storage.pt')]), /^rdbm: cannot read checkpoint .*past-storage\.pt: tensor \[2, 3\] with stride \[3, 1\] at offset 0 reads element 5 of storage data\/0, which holds 1/);
  });

  test('an unreferenced 2 GiB entry of zeros (2.1 GB and 40 s before) is never inflated: the U-Net beside it loads', async () => {
    const run = await rdbm(['model', 'info', file('unreferenced-2gib.pt'), '--json']);
    measured.push({ name: 'unreferenced-2gib model info', seconds: Number(run.seconds.toFixed(2)), peakMB: Math.round(run.peakBytes / 2 ** 20) });
    expect(run.killed).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ params: 31483, format: 'torch', config: { dim: 8, dimMults: [1] } });
    expect(run.seconds).toBeLessThan(30);
    expect(run.peakBytes).toBeLessThan(1.5e9);
  });

  test('a referenced entry is inflated only up to the size it declares; a declared size over the limit is refused before inflating', async () => {
    expectRefused('lying-size', await rdbm(['model', 'info', file('lying-size.pt')]), /^rdbm: cannot read checkpoint .*lying-size\.pt: archive\/data\/0 inflates past the 16 bytes it declares/);
    expectRefused('huge-storage', await rdbm(['model', 'info', file('huge-storage.pt')]), new RegExp(`^rdbm: checkpoint .*huge-storage\\.pt refused: its pickle and the storages it references take \\d+ bytes, over the limit ${2 ** 31} bytes of a PyTorch checkpoint once read; raise it with --max-checkpoint-bytes$`));
  });

  test('the byte limit is a global option: a real checkpoint over a lowered limit is refused naming it, and loads under the default', async () => {
    const pt = join(FIXTURES, 'unet_d8_m1_trainer.pt');
    expectRefused('lowered limit', await rdbm(['model', 'info', pt, '--max-checkpoint-bytes', '100000']), /^rdbm: checkpoint .*unet_d8_m1_trainer\.pt refused: the file has \d+ bytes, over the limit 100000 bytes of a PyTorch checkpoint once read; raise it with --max-checkpoint-bytes$/);
    expectRefused('lowered limit (env)', await rdbm(['model', 'info', pt], { env: { RDBM_MAX_CHECKPOINT_BYTES: '400000' } }), /^rdbm: checkpoint .*unet_d8_m1_trainer\.pt refused: its .* take \d+ bytes, over the limit 400000 bytes of a PyTorch checkpoint once read; raise it with --max-checkpoint-bytes$/);
    const ok = await rdbm(['model', 'info', pt, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).params).toBe(31483);
    expectRefused('bad limit value', await rdbm(['model', 'info', pt, '--max-checkpoint-bytes', 'lots']), /^rdbm: invalid --max-checkpoint-bytes: "lots" \(expected an integer/);
  });
});

describe('issue 32 defect 2: recursion and nesting are bounded (was: internal error: Maximum call stack size exceeded)', () => {
  test('a dict that contains itself', async () => {
    expectRefused('self-dict', await rdbm(['model', 'info', file('self-dict.pt')]), /^rdbm: cannot read checkpoint .*self-dict\.pt: a container contains itself \(at a\)/);
  });
  test('100 000 nested dicts', async () => {
    expectRefused('nested-100k', await rdbm(['model', 'info', file('nested-100k.pt')]), /^rdbm: checkpoint .*nested-100k\.pt refused: containers nest deeper than 100 levels \(limit\)$/);
  });
  test('a list of 200 000 items appended at once is read (no U-Net in it: refused as such)', async () => {
    expectRefused('appends-200k', await rdbm(['model', 'info', file('appends-200k.pt')]), /^rdbm: not a U-Net checkpoint: .*appends-200k\.pt has no init_conv\.weight tensor \(found 0 tensors\)/);
  });
});
