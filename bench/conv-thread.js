// Worker thread for training.bench.js: times the conv-peak convolution (3×3, 64 → 64 channels on 64×64) in its own
// wasm backend instance, `workerData` calls after a warm-up, and posts the mean ms per call.
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, tf } from '../dist/tf/index.js';

await initBackend('wasm');
const x = tf.randomUniform([1, 64, 64, 64], -1, 1, 'float32', 1);
const w = tf.randomUniform([3, 3, 64, 64], -1, 1, 'float32', 2);
const conv = async () => { const y = tf.conv2d(x, w, 1, 'same'); await y.data(); y.dispose(); };
for (let i = 0; i < 5; i++) await conv();
const t0 = performance.now();
for (let i = 0; i < workerData; i++) await conv();
parentPort.postMessage((performance.now() - t0) / workerData);
