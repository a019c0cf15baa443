/** The results layout (src/experiments/layout.ts): every path of a results folder, spelled in that one file. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bundledDatasetRoot,
  checkpointDir,
  datasetsDir,
  deltasPath,
  inputRestoredDir,
  plotPath,
  readmePath,
  recordPath,
  reproducedPath,
  restoredDir,
  restoredImage,
  tablePath,
} from '../../src/experiments/layout.js';

const SRC = join(import.meta.dirname, '..', '..', 'src');

describe('the results layout', () => {
  it('spells every path of a results folder', () => {
    expect(recordPath('r', { kind: 'evaluate', key: 'k1' })).toBe(join('r', 'runs', 'k1.json'));
    expect(recordPath('r', { kind: 'train', key: 'k2' })).toBe(join('r', 'jobs', 'k2.json'));
    expect(recordPath('r', { kind: 'restore', key: 'k3' })).toBe(join('r', 'jobs', 'k3.json'));
    expect(checkpointDir('r', 't')).toBe(join('r', 'checkpoints', 't'));
    expect(restoredDir('r', 'x')).toBe(join('r', 'restored', 'x'));
    expect(inputRestoredDir('r', 'x')).toBe(join('r', 'restored', 'input-x'));
    expect(bundledDatasetRoot(datasetsDir('r'), 'mini-uir', 48)).toBe(join('r', 'datasets', 'mini-uir-48'));
    expect(restoredImage('out', { task: 'Deraining', subDataset: 'Rain100H', name: 'rain-1.jpg' })).toBe(join('out', 'Deraining', 'Rain100H', 'rain-1.png'));
    expect(reproducedPath('r')).toBe(join('r', 'reproduced.json'));
    expect(readmePath('r')).toBe(join('r', 'README.md'));
    expect(tablePath('r', 'main', 'csv')).toBe(join('r', 'tables', 'main.csv'));
    expect(plotPath('r', 'psnr-vs-nfe', 'vl.json')).toBe(join('r', 'plots', 'psnr-vs-nfe.vl.json'));
    expect(deltasPath('r', 'lambda')).toBe(join('r', 'deltas', 'lambda.csv'));
  });

  it("gives the path relative to the folder with '' (the README's links)", () => {
    expect(tablePath('', 'main', 'tex')).toBe('tables/main.tex');
    expect(plotPath('', 'bridge-curves', 'svg')).toBe('plots/bridge-curves.svg');
    expect(deltasPath('', 'pi')).toBe('deltas/pi.csv');
  });

  it('is the only module of src/ that builds a results path from its folder names', () => {
    const NAMES = 'runs|jobs|checkpoints|restored|datasets|tables|plots|deltas';
    const spelled = [
      new RegExp(`join\\([^)]*'(${NAMES}|reproduced\\.json|README\\.md|rdbm-results\\.json)'`),
      new RegExp(`\`(${NAMES})/\\$\\{`),
      new RegExp(`'(${NAMES})/`),
    ];
    // the patterns catch what the layout replaced
    expect(spelled.some((p) => p.test("join(dir, 'runs', `${key}.json`)"))).toBe(true);
    expect(spelled.some((p) => p.test('put(`tables/${table.id}.md`, text)'))).toBe(true);
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const offending = files(SRC)
      .filter((f) => relative(SRC, f) !== join('experiments', 'layout.ts'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line: line.replace(/\/\/.*$/, ''), at: `${relative(SRC, f)}:${i + 1}` }))
          .filter(({ line }) => !/^\s*\*/.test(line) && spelled.some((p) => p.test(line)))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(offending).toEqual([]);
  });
});
