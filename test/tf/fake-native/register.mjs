// `node --import` preload: simulates @tensorflow/tfjs-node(-gpu) for the backend selection tests. Worker threads
// inherit execArgv, so they run this preload too and see the same simulated modules.
import { register } from 'node:module';

register(new URL('./hooks.mjs', import.meta.url));
