/**
 * Layering (style: functional core, thin shell; issue 33's acceptance "an import graph without cycles
 * between folders"): the folder graph of src/ (type-only imports included) and of the built dist/ has
 * no strongly connected component larger than one folder; every command lives in src/cli/commands/
 * and no module outside src/cli/ imports from it; the low layers never import experiments/ or
 * reports/ (the experiments import rddm, so rddm may not import them back).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, fileGraph, folderGraph, hasSource, importEdges } from './helpers/import-graph.js';

const ROOT = join(import.meta.dirname, '..');
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');
const LOW = ['util', 'tf', 'bridge', 'image', 'metrics', 'models', 'data', 'datasets', 'rddm'];

/** The file imports behind each cycle, so a failure names the lines to change. */
function describeCycles(graph: ReturnType<typeof folderGraph>): string[] {
  return cycles(graph).map((scc) => `${scc.join(' ↔ ')}: ${scc.flatMap((a) => scc.flatMap((b) => graph.get(a)?.get(b) ?? [])).join('; ')}`);
}

describe('the cycle finder', () => {
  it('finds a planted cycle between folders and only that one', () => {
    const edges = [
      { from: 'a/x.ts', to: 'b/y.ts' },
      { from: 'b/y.ts', to: 'c/z.ts' },
      { from: 'c/z.ts', to: 'a/w.ts' },
      { from: 'd/v.ts', to: 'a/x.ts' },
      { from: 'index.ts', to: 'd/v.ts' },
      { from: 'd/v.ts', to: 'errors.ts' },
    ];
    expect(cycles(folderGraph(edges))).toEqual([['a', 'b', 'c']]);
    expect(cycles(folderGraph(edges.slice(1)))).toEqual([]);
    // imports inside one folder are not edges between folders
    expect(cycles(folderGraph([{ from: 'a/x.ts', to: 'a/y.ts' }, { from: 'a/y.ts', to: 'a/x.ts' }]))).toEqual([]);
  });
});

describe.each([
  ['src/', () => importEdges(SRC, '.ts')],
  ['dist/ (the built graph)', () => importEdges(DIST, '.js', hasSource(SRC))],
])('the import graph of %s', (_, edges) => {
  it('has no cycle between folders', () => {
    const all = edges();
    expect(all.length).toBeGreaterThan(300); // the graph was read, not empty
    expect(describeCycles(folderGraph(all))).toEqual([]);
  });

  it('has no import of src/cli/ from outside it', () => {
    expect(edges().filter((e) => !e.from.startsWith('cli/') && e.to.startsWith('cli/')).map((e) => `${e.from} → ${e.to}`)).toEqual([]);
  });
});

it('has no cycle between files either', () => {
  // reports/reproduce.ts ↔ reports/runs.ts, experiments/api.ts ↔ experiments/zoo.ts and models/restore.ts ↔
  // models/restore-parallel.ts were the last (the restore settings now live in models/types.ts)
  expect(cycles(fileGraph(importEdges(SRC, '.ts')))).toEqual([]);
});

it('no command module is left in a domain folder', () => {
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [relative(SRC, join(dir, e.name))]));
  const all = files(SRC);
  expect(all).toContain('cli/commands/sweep.ts');
  expect(all.filter((p) => !p.startsWith('cli/') && (p.endsWith('/cli.ts') || p.includes('/cli/')))).toEqual([]);
});

it('no low layer imports experiments/ or reports/', () => {
  const up = importEdges(SRC, '.ts').filter((e) => LOW.includes(e.from.split('/')[0]) && /^(experiments|reports)\//.test(e.to));
  expect(up.map((e) => `${e.from} → ${e.to}`)).toEqual([]);
});
