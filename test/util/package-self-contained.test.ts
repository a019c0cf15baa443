/** Sources cite what ships with the package (or the paper and official code), never a path outside it. */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

it('no source file points outside the package (../shared/…, /work/…)', () => {
  const outside = files(SRC).filter((f) => /\.\.\/shared\/|\/work\/|\b(rdbm|metrics-conventions|evaluation-practice|style)\.md\b/.test(readFileSync(f, 'utf8'))).map((f) => relative(SRC, f));
  expect(outside).toEqual([]);
});
