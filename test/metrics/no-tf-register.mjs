// `node --import ./test/metrics/no-tf-register.mjs …`: installs no-tf-hooks.mjs (inherited by worker threads).
import { register } from 'node:module';
import Module from 'node:module';
register('./no-tf-hooks.mjs', import.meta.url);
// CommonJS requires do not pass through the ESM hooks: guard them too
const load = Module._load;
Module._load = function (request, ...rest) {
  if (String(request).includes('@tensorflow/')) throw new Error(`TFJS_LOADED ${request}`);
  return load.call(this, request, ...rest);
};
