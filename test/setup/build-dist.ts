/**
 * Vitest global setup: builds dist/ once, before any test file starts, when it is missing or older
 * than a source file. The tests that spawn bin/rdbm.js (or load the package as notebooks do) then
 * always see a complete, current build, and no test rebuilds dist/ while another spawns it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether dist/ needs a build: missing, or some file under src/ (or tsconfig) changed after it was written. */
export function distIsStale(root = ROOT): boolean {
  const built = join(root, 'dist', 'index.js');
  if (!existsSync(built)) return true;
  const sources = Math.max(newestSource(join(root, 'src')), statSync(join(root, 'tsconfig.json')).mtimeMs, statSync(join(root, 'tsconfig.build.json')).mtimeMs);
  return sources > statSync(built).mtimeMs;
}

export default function setup(): void {
  if (distIsStale()) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}
