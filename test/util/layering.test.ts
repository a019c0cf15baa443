/**
 * Layering (style: functional core, thin shell): modules below the command layer never import from
 * src/cli/, and the low layers never import from experiments/ or reports/ (rddm's CLI included: the
 * experiments import rddm, so rddm may not import them back).
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
const isCommand = (path: string) => path.startsWith('cli/') || path.endsWith('/cli.ts') || path.includes('/cli/');

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
