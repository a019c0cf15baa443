/**
 * compareCheckpoints on a small dataset (fixture.ts): the bundled zoo's RDBM-T in its recorded
 * windows beside an imported PyTorch file. Each per-image score must equal scorePair on the files it
 * wrote, each restoration restoreImages with the same settings, the reduction reduceSet's; tasks show
 * by their display names; no tensor is left allocated; the default list is the zoo's trained sizes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '../../src/image/index.js';
import { scorePair } from '../../src/metrics/index.js';
import { loadCheckpoint, restoreImages } from '../../src/models/index.js';
import { compareCheckpoints, resolveCheckpoints } from '../../src/notebook/index.js';
import { reduceSet } from '../../src/reports/index.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { BUNDLED_ZOO_DIR } from '../../src/zoo/index.js';
import { LAYOUT, writeLayout } from './fixture.js';

const root = mkdtempSync(join(tmpdir(), 'rdbm-compare-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const PT = join(import.meta.dirname, '..', 'fixtures', 'models', 'unet_d8_m12_state.pt');
const STATS = { resamples: 2000 };
let data: string;

beforeAll(async () => {
  await initBackend('wasm');
  data = await writeLayout(root);
});

describe('resolveCheckpoints', () => {
  it('defaults to the bundled zoo\'s trained sizes (seed 0 of the whole64 zoo), each restored whole as its results were (no random-weights row)', () => {
    const rows = resolveCheckpoints();
    expect(rows.map((r) => r.label)).toEqual(['RDBM-T', 'RDBM-S', 'RDBM-B', 'RDBM-L']);
    expect(rows.map((r) => r.path)).toEqual(['T', 'S', 'B', 'L'].map((s) => join(BUNDLED_ZOO_DIR, `w64-${s}`, 'checkpoint')));
    expect(rows.every((r) => !r.path.endsWith('.pt'))).toBe(true);
    // whole64 entries record tile auto: the restore default (whole images here), no windows
    expect(rows.map((r) => r.tile)).toEqual(Array(4).fill(undefined));
    // the one-seed zoo's RDBM-T by name still reads as RDBM-T, in its recorded 32-px windows
    expect(resolveCheckpoints(['T'])).toEqual([{ label: 'RDBM-T', path: join(BUNDLED_ZOO_DIR, 'T', 'checkpoint'), tile: { size: 32, overlap: 4 } }]);
  });

  it('names a non-size zoo entry after itself and a file after its name; refuses a missing path and a repeated label in one line', () => {
    expect(resolveCheckpoints(['T-pi-one', { path: PT }, { path: PT, label: 'mine', tile: false }]).map((r) => [r.label, r.tile])).toEqual([['T-pi-one', { size: 32, overlap: 4 }], ['unet_d8_m12_state.pt', undefined], ['mine', false]]);
    expect(() => resolveCheckpoints(['nope/ckpt'])).toThrow(/^checkpoint not found: nope\/ckpt \(expected a zoo entry name such as w64-T, a checkpoint folder with manifest.json, or a .pt\/.pth file\)$/);
    expect(() => resolveCheckpoints(['T', 'data/zoo/T'])).toThrow('the label "RDBM-T" is used twice or reserved');
  });
});

describe('compareCheckpoints', () => {
  it('scores every restoration and the input as scorePair does, restores as restoreImages does, reduces as reduceSet does, and leaves no tensor', async () => {
    const before = tf.memory().numTensors;
    const out = join(root, 'out');
    const cmp = await compareCheckpoints({ checkpoints: ['T', { path: PT, label: 'imported' }], nfe: 2, data, outputDir: out, statistics: STATS });
    expect(tf.memory().numTensors).toBe(before);

    expect(cmp.scores.points.map((p) => p.key)).toEqual(['input', 'RDBM-T', 'imported']);
    expect(cmp.folders).toEqual({ 'RDBM-T': join(out, '1-RDBM-T'), imported: join(out, '2-imported') });
    for (const p of cmp.scores.points) {
      // six images, keyed by the report's task keys (Enlighening → low-light)
      expect(p.images.map((im) => `${im.task}/${im.name}`)).toEqual(LAYOUT.flatMap(([task, , names]) => names.map((n) => `${task === 'Enlighening' ? 'low-light' : 'deraining'}/${n}`)));
      for (const im of p.images) {
        const [task, sub] = LAYOUT.find(([, , names]) => (names as readonly string[]).includes(im.name))!;
        const gt = await readImage(join(data, task, sub, 'test', 'label', im.name));
        const pred = await readImage(p.key === 'input' ? join(data, task, sub, 'test', 'condition', im.name) : join(cmp.folders[p.key], task, sub, im.name));
        const s = scorePair(gt, pred, 'rdbm');
        expect([im.psnr, im.ssim]).toEqual([s.psnr, s.ssim]);
      }
    }
    // the zoo entry's restorations are restoreImages' in 32-px windows at NFE 2
    const model = await loadCheckpoint(join(BUNDLED_ZOO_DIR, 'T', 'checkpoint'));
    const again = await restoreImages({ model, inputs: [{ name: 'Deraining/Rain100L/1.png', path: join(data, 'Deraining/Rain100L/test/condition/1.png') }], outputDir: join(root, 'again'), nfe: 2, tile: { size: 32, overlap: 4 } });
    model.dispose();
    expect(readFileSync(again.outputs[0].output)).toEqual(readFileSync(join(cmp.folders['RDBM-T'], 'Deraining/Rain100L/1.png')));

    expect(cmp.set).toEqual(reduceSet(cmp.scores, STATS));
    expect(cmp.set.default).toBe('RDBM-T');
    const t = cmp.set.entries.find((e) => e.key === 'RDBM-T')!;
    expect(t.paramsM).toBeCloseTo(0.45, 1);
    expect(Object.keys(cmp.seconds)).toEqual(['RDBM-T', 'imported']);
    expect(cmp.seconds['RDBM-T']).toBeGreaterThan(0);
  });

  it('shows tasks by their display names (Low-light, never the folder Enlighening) in ≤ 12 columns, and keeps only the tasks asked for', async () => {
    const cmp = await compareCheckpoints({ checkpoints: ['T'], tasks: ['low-light'], nfe: 1, data, statistics: STATS });
    expect(cmp.scores.points.every((p) => p.images.every((im) => im.task === 'low-light'))).toBe(true);
    const text = [cmp.table(), cmp.table('per-task'), JSON.stringify(cmp.plot()), JSON.stringify(cmp.plot('ssim'))].join('\n');
    expect(text).toContain('Low-light');
    expect(text).not.toContain('Enlighening');
    const header = cmp.table().split('\n').find((l) => l.startsWith('| Checkpoint'))!;
    expect(header.split(' | ').length).toBeLessThanOrEqual(12);
    expect(header).toContain('s / image');
    expect(cmp.table()).toContain('| RDBM-T (baseline) |');
    // the grid: one row (one task), input, RDBM-T, ground truth and the error map
    const grid = (await cmp.grid()) as unknown as { data: { values: { row: string; column: string }[] } };
    expect([...new Set(grid.data.values.map((v) => v.row))]).toEqual(['Low-light']);
    expect([...new Set(grid.data.values.map((v) => v.column))]).toHaveLength(4);
  });

  it('refuses an unknown task, an unknown baseline and a bad nfe in one line naming them', async () => {
    await expect(compareCheckpoints({ checkpoints: ['T'], tasks: ['dehazing'], data })).rejects.toThrow('unknown task: "dehazing" (expected one of deraining, low-light)');
    await expect(compareCheckpoints({ checkpoints: ['T'], baseline: 'RDBM-B', data })).rejects.toThrow('unknown baseline: "RDBM-B" (expected one of RDBM-T)');
    await expect(compareCheckpoints({ checkpoints: ['T'], nfe: 0, data })).rejects.toThrow(/nfe/);
  });
});
