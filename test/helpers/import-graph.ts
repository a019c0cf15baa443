/**
 * The import graph of a source tree (src/*.ts or the built dist/*.js), read from the import
 * specifiers: static imports, `export … from`, side-effect imports, dynamic `import()` and
 * type-only imports (src/ only; tsc erases those from dist/). Folders are the first path segment
 * under the root; a file at the root (index.ts, errors.ts) is a node of its own.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One import: the importing file and the imported one, both relative to the root, extension as written on disk. */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g;

function walk(dir: string, ext: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), ext) : e.name.endsWith(ext) && !e.name.endsWith(`.d${ext}`) ? [join(dir, e.name)] : []));
}

/**
 * Every relative import under `root` among files ending in `ext`. `keep` filters the files read
 * (e.g. dist/ files whose source still exists, so a stale build output is not counted).
 */
export function importEdges(root: string, ext: '.ts' | '.js', keep: (path: string) => boolean = () => true): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of walk(root, ext)) {
    const from = relative(root, file);
    if (!keep(from)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      // sources import './x.js' for './x.ts'
      const to = relative(root, resolve(dirname(file), m[1])).replace(/\.js$/, ext);
      edges.push({ from, to });
    }
  }
  return edges;
}

/** The folder a path belongs to (its first segment), or the file itself at the root. */
export const folderOf = (path: string): string => path.split('/')[0].replace(/\.(ts|js)$/, '');

/** Folder-level edges (a → b when some file in a imports one in b, a ≠ b), each with the file imports behind it. */
export function folderGraph(edges: readonly ImportEdge[]): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const { from, to } of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (!graph.has(a)) graph.set(a, new Map());
    if (!graph.has(b)) graph.set(b, new Map());
    if (a === b) continue;
    const out = graph.get(a)!;
    out.set(b, [...(out.get(b) ?? []), `${from} → ${to}`]);
  }
  return graph;
}

/** File-level edges (a → b when file a imports file b). */
export function fileGraph(edges: readonly ImportEdge[]): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const { from, to } of edges) {
    if (!graph.has(from)) graph.set(from, new Map());
    if (!graph.has(to)) graph.set(to, new Map());
    graph.get(from)!.set(to, [`${from} → ${to}`]);
  }
  return graph;
}

/** The strongly connected components with more than one node (Tarjan): each is a cycle between folders. */
export function cycles(graph: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** For a dist/ path, whether its source file is still there (tsc never deletes outputs of removed sources). */
export const hasSource = (src: string) => (distPath: string): boolean => existsSync(join(src, distPath.replace(/\.js$/, '.ts')));
