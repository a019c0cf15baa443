import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The installed version of an npm package (`unknown` when it cannot be resolved), for logs and run records. */
export function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** rdbm-lab's own version, from its package.json (two levels above dist/util and src/util). */
export function ownVersion(): string {
  try {
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
