// Child process of test/tf/native.test.ts: selects the backend in auto order, then (with `train`) trains two
// steps over 2 worker threads (each of which selects the same backend) and prints what happened as JSON.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, tf } from '../../../dist/tf/index.js';
import { trainModel } from '../../../dist/models/index.js';

const [dataRoot, train] = process.argv.slice(2);
const info = await initBackend('auto');
const r = train !== 'train' ? {} : await trainModel({ model: 'tiny', steps: 2, batchSize: 2, cropSize: 16, timesteps: 20, seed: 1 }, { dataRoot, outDir: mkdtempSync(join(tmpdir(), 'rdbm-native-')), workers: 2 });
console.log(JSON.stringify({ id: info.id, tfName: info.tfName, skipped: info.skipped, backend: tf.getBackend(), imported: globalThis.fakeNativeImported ?? [], workers: r.workers, loss: r.finalLoss }));
