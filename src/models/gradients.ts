/**
 * Gradient functions for training. tfjs-core registers its kernels' gradients only through
 * `@tensorflow/tfjs-core/dist/register_all_gradients.js` (the `@tensorflow/tfjs` union package
 * imports it); that file is ESM with extension-less relative imports, which Node's resolver
 * rejects. We install a resolve hook limited to files inside tfjs-core/dist that appends `.js`,
 * then import it once. The gradients land in tfjs-core's global registry and are used by the
 * engine that `src/tf` exports. Inference never loads them.
 */
import { register } from 'node:module';
import { RdbmError } from '../errors.js';
import { registerWasmShims } from './wasm-grad.js';

const HOOK = `export async function resolve(spec, ctx, next) {
  if ((spec.startsWith('./') || spec.startsWith('../')) && !spec.endsWith('.js') && ctx.parentURL && ctx.parentURL.includes('/@tensorflow/tfjs-core/dist/')) return next(spec + '.js', ctx);
  return next(spec, ctx);
}`;

let loaded: Promise<void> | undefined;

export async function ensureGradients(): Promise<void> {
  loaded ??= (async () => {
    try {
      register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
      await import('@tensorflow/tfjs-core/dist/register_all_gradients.js' as string);
    } catch (error) {
      loaded = undefined;
      throw new RdbmError(`cannot load TensorFlow.js gradients for training: ${String((error as Error).message).split('\n')[0]} (needs Node >= 20.6)`);
    }
  })();
  await loaded;
  registerWasmShims(); // every call: the wasm backend may have been loaded since the first
}
