// A stand-in for a native TensorFlow.js package: registers the `tensorflow` backend (as tfjs-node does on
// import), computing with the CPU backend's kernels, and records which package was imported.
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

const id = new URL(import.meta.url).searchParams.get('id');
if (!tf.findBackendFactory('tensorflow')) {
  tf.registerBackend('tensorflow', () => new MathBackendCPU(), 3);
  for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });
}
globalThis.fakeNativeImported = [...(globalThis.fakeNativeImported ?? []), id];
