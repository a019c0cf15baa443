import { describe, expect, it } from 'vitest';
import { RdbmError } from '../../src/errors.js';
import { describeBackend, initBackend, tf } from '../../src/tf/index.js';

describe('backend selection', () => {
  it('auto falls back past the absent native backends to wasm and says why', async () => {
    const info = await initBackend('auto');
    // here @tensorflow/tfjs-node(-gpu) cannot be installed (libtensorflow download), so wasm runs
    expect(['node-gpu', 'node', 'wasm']).toContain(info.id);
    if (info.id === 'wasm') {
      expect(info.skipped.map((s) => s.split(':')[0])).toEqual(['node-gpu', 'node']);
      expect(describeBackend(info)).toBe('backend: wasm (@tensorflow/tfjs-backend-wasm@4.22.0)');
    }
    expect(tf.getBackend()).toBe(info.tfName);
    expect(Array.from(tf.add(tf.tensor([1, 2]), 1).dataSync())).toEqual([2, 3]);
  });
  it('cpu can be requested explicitly', async () => {
    const info = await initBackend('cpu');
    expect(info.id).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
  it('an unknown backend is a one-line error listing the valid ones', () => {
    expect(() => initBackend('gpu' as 'cpu')).toThrow(RdbmError);
    expect(() => initBackend('gpu' as 'cpu')).toThrow('invalid backend: "gpu" (expected one of auto, node-gpu, node, wasm, cpu; set by --backend or RDBM_BACKEND)');
  });
});
