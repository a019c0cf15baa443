/** Sources cite what ships with the package (or the paper and official code), never a path outside it. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

// the folder the checkout sits in: an absolute path into it (a sibling shared/, another clone) is machine-specific
const WORKSPACE = `${resolve(import.meta.dirname, '..', '..', '..')}/`;

it('no source file points outside the package (../shared/…, the workspace folder, the reference notes)', () => {
  const outside = files(SRC)
    .filter((f) => {
      const text = readFileSync(f, 'utf8');
      return text.includes(WORKSPACE) || /\.\.\/shared\/|\b(rdbm|metrics-conventions|evaluation-practice|style)\.md\b/.test(text);
    })
    .map((f) => relative(SRC, f));
  expect(outside).toEqual([]);
});
