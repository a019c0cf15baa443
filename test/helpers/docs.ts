/**
 * The prose the tests pin: docs/*.md (the README keeps only what it is, install, the two commands, one
 * library example, the command table and the map of src/; test/readme.test.ts checks those).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const DOCS_DIR = join(import.meta.dirname, '..', '..', 'docs');

/** Every docs/*.md, concatenated in name order. */
export function docsText(): string {
  return readdirSync(DOCS_DIR)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => readFileSync(join(DOCS_DIR, f), 'utf8'))
    .join('\n');
}

/** One docs file. */
export function doc(name: string): string {
  return readFileSync(join(DOCS_DIR, name), 'utf8');
}
