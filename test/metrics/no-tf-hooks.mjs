// Module hooks for test/metrics/spawn.test.ts: any attempt to load TensorFlow.js fails loudly.
export async function resolve(specifier, context, next) {
  if (specifier.includes('@tensorflow/')) throw new Error(`TFJS_LOADED ${specifier}`);
  return next(specifier, context);
}
