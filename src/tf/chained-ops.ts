/**
 * TF.js's chained tensor ops (`xt.mul(0.7).add(mu)`). tfjs-core's Node build leaves them out; the
 * `@tensorflow/tfjs` union package adds them by importing `dist/public/chained_ops/*.js`, ES modules
 * with extension-less imports that Node cannot load synchronously, while rdbm-lab must stay
 * require()-able (tslab compiles notebook cells to CommonJS). So each file register_all_chained_ops.js
 * lists is run here as a function of the names it imports (all public tfjs-core API): the methods
 * are TF.js's own code, not copies, and every one of them is installed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as tfcore from '@tensorflow/tfjs-core';

const IMPORT = /^import \{([^}]*)\} from '[^']*';$/gm;

/** Installs every chained op on tf.Tensor.prototype (once); returns the method names installed. */
export function registerChainedOps(tf: typeof tfcore): string[] {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist', 'public', 'chained_ops');
  const files = [...readFileSync(join(dir, 'register_all_chained_ops.js'), 'utf8').matchAll(/^import '\.\/(\w+)';$/gm)].map((m) => m[1]);
  const scope: Record<string, unknown> = { ...tf.util, ...tf.image, ...tf, getGlobalTensorClass: () => tf.Tensor };
  const before = new Set(Object.getOwnPropertyNames(tf.Tensor.prototype));
  for (const file of files) {
    const source = readFileSync(join(dir, `${file}.js`), 'utf8');
    const names = [...source.matchAll(IMPORT)].flatMap((m) => m[1].split(',').map((n) => n.trim()));
    const missing = names.filter((n) => scope[n] === undefined);
    if (missing.length) throw new Error(`tfjs-core chained op ${file}: ${missing.join(', ')} not in the tfjs-core API`);
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- TF.js's own module body, its imports passed in
    new Function(...names, source.replace(IMPORT, ''))(...names.map((n) => scope[n]));
  }
  return Object.getOwnPropertyNames(tf.Tensor.prototype).filter((n) => !before.has(n));
}
