import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanLayout, resideLabelName, pairingRuleFor } from '../../src/datasets/layout.js';
import { conditionPairs, pairFolders, pairFoldersReside, pairRestored } from '../../src/datasets/pairs.js';
import { readMapping } from '../../src/datasets/mapping.js';

const dirs: string[] = [];
function tree(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), 'rdbm-layout-'));
  dirs.push(root);
  for (const f of files) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), 'x');
  }
  return root;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('RESIDE naming rule', () => {
  it('pairs 0001_0.8_0.2.jpg with 0001.jpg', () => {
    expect(resideLabelName('0001_0.8_0.2.jpg')).toBe('0001.jpg');
    expect(resideLabelName('1400_10_0.74.png')).toBe('1400.png');
    expect(resideLabelName('0001.jpg')).toBe('0001.jpg');
  });
  it('applies to ITS_v2 and SOTS (and RESIDE in train)', () => {
    expect(pairingRuleFor('SOTS')).toBe('reside-prefix');
    expect(pairingRuleFor('ITS_v2')).toBe('reside-prefix');
    expect(pairingRuleFor('RESIDE')).toBe('same-name');
    expect(pairingRuleFor('RESIDE', 'train')).toBe('reside-prefix');
    expect(pairingRuleFor('Rain100H')).toBe('same-name');
  });
});

describe('scanLayout', () => {
  const root = tree([
    'Dehazing/SOTS/test/label/0001.jpg',
    'Dehazing/SOTS/test/label/0002.png',
    'Dehazing/SOTS/test/condition/0001_0.8_0.2.jpg',
    'Dehazing/SOTS/test/condition/0001_0.9_0.1.jpg',
    'Dehazing/SOTS/test/condition/0002_0.8_0.2.jpg',
    'Deraining/Rain100L/test/label/b.png',
    'Deraining/Rain100L/test/label/a.png',
    'Deraining/Rain100L/test/condition/a.png',
    'Deraining/Rain100L/test/condition/b.png',
    'Deraining/Rain100L/train/label/c.png',
    'Deraining/Rain100L/train/condition/c.png',
  ]);
  it('lists pairs sorted by task, sub-dataset and name, with the SOTS rule', () => {
    const entries = scanLayout(root);
    expect(entries.map((e) => [e.task, e.subDataset, e.name])).toEqual([
      ['Dehazing', 'SOTS', '0001_0.8_0.2.jpg'],
      ['Dehazing', 'SOTS', '0001_0.9_0.1.jpg'],
      ['Dehazing', 'SOTS', '0002_0.8_0.2.jpg'],
      ['Deraining', 'Rain100L', 'a.png'],
      ['Deraining', 'Rain100L', 'b.png'],
    ]);
    expect(entries[1].label).toBe(join(root, 'Dehazing/SOTS/test/label/0001.jpg'));
    expect(entries[1].condition).toBe(join(root, 'Dehazing/SOTS/test/condition/0001_0.9_0.1.jpg'));
    // SOTS ships .png labels for .jpg inputs: the unique same-stem label is used
    expect(entries[2].label).toBe(join(root, 'Dehazing/SOTS/test/label/0002.png'));
  });
  it('reads the train split on request', () => {
    expect(scanLayout(root, { split: 'train' }).map((e) => e.name)).toEqual(['c.png']);
  });
  it('lists unpaired files in one line', () => {
    const bad = tree(['Deblur/GoPro/test/label/a.png', 'Deblur/GoPro/test/label/b.png', 'Deblur/GoPro/test/condition/a.png', 'Deblur/GoPro/test/condition/z.png']);
    expect(() => scanLayout(bad)).toThrow(/2 unpaired or missing files .*condition\/z\.png \(no label z\.png\).*label\/b\.png \(no condition b\.png\)/);
    const warnings: string[] = [];
    expect(scanLayout(bad, { strict: false, warn: (m) => warnings.push(m) }).map((e) => e.name)).toEqual(['a.png']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain('\n');
  });
  it('names a missing condition folder and an empty root', () => {
    const bad = tree(['Deblur/GoPro/test/label/a.png']);
    expect(() => scanLayout(bad)).toThrow(/condition \(missing folder\)/);
    expect(() => scanLayout(tree([]))).toThrow(/no <Task>\/<SubDataset>\/test/);
    expect(() => scanLayout('/nonexistent/x')).toThrow(/not a directory/);
  });
  it('turns entries into condition-vs-label pairs', () => {
    const p = conditionPairs(scanLayout(root));
    expect(p[3]).toMatchObject({ name: 'Deraining/Rain100L/a.png', task: 'Deraining', subDataset: 'Rain100L' });
  });
});

describe('pairFolders', () => {
  it('pairs same names, then unique same stems, and lists the rest', () => {
    const root = tree(['gt/1.png', 'gt/2.png', 'gt/3.png', 'pred/1.png', 'pred/2.jpg', 'pred/4.png']);
    expect(() => pairFolders(join(root, 'gt'), join(root, 'pred'))).toThrow(/2 unpaired files.*gt\/3\.png \(no prediction\).*pred\/4\.png \(no ground truth\)/);
    const pairs = pairFolders(join(root, 'gt'), join(root, 'pred'), { strict: false });
    expect(pairs.map((p) => [p.name, p.pred.slice(root.length)])).toEqual([['1.png', '/pred/1.png'], ['2.png', '/pred/2.jpg']]);
  });
});

describe('pairFoldersReside', () => {
  it('pairs SOTS outputs with their clear image (prefix, then unique stem), listing the rest', () => {
    const root = tree(['gt/0001.png', 'gt/0002.jpg', 'pred/0001_0.8_0.2.jpg', 'pred/0001_0.9_0.1.jpg', 'pred/0002_1_0.5.jpg', 'pred/0003_1_0.5.jpg']);
    expect(() => pairFoldersReside(join(root, 'gt'), join(root, 'pred'))).toThrow(/1 unpaired files .*pred\/0003_1_0\.5\.jpg \(no ground truth 0003\.jpg\)/);
    const pairs = pairFoldersReside(join(root, 'gt'), join(root, 'pred'), { strict: false });
    expect(pairs.map((p) => [p.name, p.gt.slice(root.length)])).toEqual([
      ['0001_0.8_0.2.jpg', '/gt/0001.png'],
      ['0001_0.9_0.1.jpg', '/gt/0001.png'],
      ['0002_1_0.5.jpg', '/gt/0002.jpg'],
    ]);
  });
});

describe('pairRestored', () => {
  it('finds DGSolver outputs at <restored>/<Task>/<SubDataset>/<name>, or by stem', () => {
    const root = tree([
      'data/Dehazing/SOTS/test/label/0001.jpg',
      'data/Dehazing/SOTS/test/condition/0001_0.8_0.2.jpg',
      'data/Deraining/R/test/label/a.png',
      'data/Deraining/R/test/condition/a.png',
      'data/Deraining/R/test/label/b.jpg',
      'data/Deraining/R/test/condition/b.jpg',
      'out/Dehazing/SOTS/0001_0.8_0.2.jpg',
      'out/Deraining/R/a.png',
      'out/Deraining/R/b.png',
    ]);
    const pairs = pairRestored(join(root, 'data'), join(root, 'out'));
    expect(pairs.map((p) => p.pred.slice(root.length))).toEqual(['/out/Dehazing/SOTS/0001_0.8_0.2.jpg', '/out/Deraining/R/a.png', '/out/Deraining/R/b.png']);
    expect(pairs[0].gt).toBe(join(root, 'data/Dehazing/SOTS/test/label/0001.jpg'));
  });
  it('lists missing outputs', () => {
    const root = tree(['data/T/S/test/label/a.png', 'data/T/S/test/condition/a.png', 'out/T/S/other.png']);
    expect(() => pairRestored(join(root, 'data'), join(root, 'out'))).toThrow(/1 missing restored outputs.*out\/T\/S\/a\.png/);
  });
});

describe('readMapping', () => {
  it('reads CSV with quoted fields, relative to the file', () => {
    const root = tree(['g/a.png', 'p/a, b.png', 'g/c.png', 'p/c.png']);
    writeFileSync(join(root, 'map.csv'), 'gt,pred,task,sub_dataset\r\ng/a.png,"p/a, b.png",Deraining,R\ng/c.png,p/c.png,,\n');
    const pairs = readMapping(join(root, 'map.csv'));
    expect(pairs).toEqual([
      { name: 'p/a, b.png', gt: join(root, 'g/a.png'), pred: join(root, 'p/a, b.png'), task: 'Deraining', subDataset: 'R' },
      { name: 'p/c.png', gt: join(root, 'g/c.png'), pred: join(root, 'p/c.png') },
    ]);
  });
  it('reads JSON and lists missing files', () => {
    const root = tree(['g/a.png', 'p/a.png']);
    writeFileSync(join(root, 'map.json'), JSON.stringify({ pairs: [{ gt: 'g/a.png', pred: 'p/a.png', name: 'A' }, { gt: 'g/x.png', pred: 'p/y.png' }] }));
    expect(() => readMapping(join(root, 'map.json'))).toThrow(/2 missing files .*g\/x\.png.*p\/y\.png/);
    writeFileSync(join(root, 'ok.json'), JSON.stringify([{ gt: 'g/a.png', pred: 'p/a.png', name: 'A' }]));
    expect(readMapping(join(root, 'ok.json'))[0].name).toBe('A');
    writeFileSync(join(root, 'bad.csv'), 'a,b\n1,2\n');
    expect(() => readMapping(join(root, 'bad.csv'))).toThrow(/header must name the columns gt and pred/);
  });
});
