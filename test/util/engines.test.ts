import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

it('engines asks for the Node the gradient hook needs (module.register: 20.6), and README says the same', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
  expect(pkg.engines.node).toBe('>=20.6');
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node: string } }> };
  expect(lock.packages[''].engines?.node).toBe('>=20.6');
  expect(readFileSync(join(ROOT, 'src/models/gradients.ts'), 'utf8')).toContain('(needs Node >= 20.6)');
  expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('Node ≥ 20.6');
});
