/**
 * Layering (style: functional core, thin shell): every command lives in src/cli/commands/, no module
 * outside src/cli/ imports from it, and the low layers never import from experiments/ or reports/
 * (the experiments import rddm, so rddm may not import them back).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

/** Every relative import (static or dynamic) of a file, as a path under src/. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)].map((m) => relative(SRC, resolve(dirname(file), m[1])));
}

const LOW = ['util', 'tf', 'bridge', 'image', 'metrics', 'models', 'data', 'datasets', 'rddm'];
const isCommand = (path: string) => path.startsWith('cli/');

it('no command module is left in a domain folder', () => {
  expect(files(SRC).map((f) => relative(SRC, f)).filter((p) => !isCommand(p) && (p.endsWith('/cli.ts') || p.includes('/cli/')))).toEqual([]);
});

it('no module outside the command layer imports src/cli/; no low layer imports experiments/ or reports/', () => {
  const violations: string[] = [];
  for (const file of files(SRC)) {
    const path = relative(SRC, file);
    for (const target of imports(file)) {
      if (!isCommand(path) && target.startsWith('cli/')) violations.push(`${path} → ${target}`);
      if (LOW.includes(path.split('/')[0]) && /^(experiments|reports)\//.test(target)) violations.push(`${path} → ${target}`);
    }
  }
  expect(violations).toEqual([]);
});
