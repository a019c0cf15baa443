import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The git commit of this toolkit's checkout (`-dirty` when it has uncommitted changes; `unknown` outside a
 * checkout), for run records: a zoo checkpoint names the commit it was trained at.
 */
export function ownCommit(): string {
  if (cached !== undefined) return cached;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  try {
    const head = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no', '--', 'src', 'package.json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    cached = dirty ? `${head}-dirty` : head;
  } catch {
    cached = 'unknown';
  }
  return cached;
}
