// Restoration in windows of the training crop (the zoo's `tile: crop`: 64-px test images in 3 × 3 overlapping
// 32-px windows, RDBM-T/S/B/L): one network call per tile position (the windows of one 16-image window per call,
// as restoration ran before) against every tile position stacked into one call (9 × 16 = 144 windows), and the
// memory a window holds in a forward pass without and with block-scoped intermediates (tf.profile peak bytes).
// Same process, same weights, alternating RDBM_BENCH_REPEAT rounds (default 3); the minimum per side is reported.
import { describeBackend, initBackend, tf } from '../dist/tf/index.js';
import { MODEL_PRESETS, createUNet } from '../dist/models/index.js';
import { lookup, unetForward } from '../dist/models/unet.js';

const REPEAT = Number(process.env.RDBM_BENCH_REPEAT ?? 3);
const IMAGES = 16;
const TILES = 9;
const SIDE = 32;

console.log(describeBackend(await initBackend('wasm')));
console.log(`forward per 32-px window, NFE-independent (ms per window): ${IMAGES} windows per call (one tile position) | ${IMAGES * TILES} (all 9 stacked) = speedup; MB per window in a call unscoped → block-scoped`);
for (const name of ['T', 'S', 'B', 'L']) {
  const net = createUNet(MODEL_PRESETS[name].config, { seed: 0 });
  const time = (n) => {
    const x = tf.randomUniform([n, SIDE, SIDE, 3], -1, 1, 'float32', 1);
    const run = () => {
      const y = net.apply(x, x, 50);
      y.dataSync();
      y.dispose();
    };
    run();
    const t0 = performance.now();
    run();
    const ms = (performance.now() - t0) / n;
    x.dispose();
    return ms;
  };
  let one = Infinity;
  let stacked = Infinity;
  for (let r = 0; r < REPEAT; r++) {
    one = Math.min(one, time(IMAGES));
    stacked = Math.min(stacked, time(IMAGES * TILES));
  }
  const x = tf.randomUniform([8, SIDE, SIDE, 3], -1, 1, 'float32', 2);
  const peak = async (f) => (await tf.profile(f).then((p) => { const b = p.peakBytes; tf.dispose(p.result); return b; })) / 8 / 1e6;
  const scoped = await peak(() => net.apply(x, x, 50));
  const plain = await peak(() => tf.tidy(() => unetForward(net.config, lookup(net.variables), [x, x], Array(8).fill(50))));
  x.dispose();
  net.dispose();
  console.log(`  ${name}: ${one.toFixed(1)} | ${stacked.toFixed(1)} ms = ${(one / stacked).toFixed(2)}×; ${plain.toFixed(1)} → ${scoped.toFixed(1)} MB (${(plain / scoped).toFixed(1)}× less)`);
}
