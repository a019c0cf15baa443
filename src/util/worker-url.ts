/**
 * The compiled worker-thread entry `file` beside the module at `here` (import.meta.url), or, when
 * `here` is a TypeScript source under src/ (tests), its compiled copy under dist/. Undefined if absent.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function compiledWorkerUrl(here: string, file: string): URL | undefined {
  const sibling = new URL(`./${file}`, here);
  const built = new URL(sibling.href.replace(/\/src\/([^/]+)\/[^/]+$/, `/dist/$1/${file}`));
  return [sibling, built].find((u) => u.protocol === 'file:' && existsSync(fileURLToPath(u)));
}
