// Resolve hook: the native packages become native.mjs (loads) or missing.mjs (throws as a missing libtensorflow
// does), as RDBM_FAKE_NATIVE lists (comma-separated ids: node-gpu, node).
const working = (process.env.RDBM_FAKE_NATIVE ?? '').split(',');
const PACKAGES = { '@tensorflow/tfjs-node-gpu': 'node-gpu', '@tensorflow/tfjs-node': 'node' };

export async function resolve(spec, context, next) {
  const id = PACKAGES[spec];
  if (!id) return next(spec, context);
  const file = working.includes(id) ? './native.mjs' : './missing.mjs';
  return { url: `${new URL(file, import.meta.url).href}?id=${id}`, shortCircuit: true };
}
