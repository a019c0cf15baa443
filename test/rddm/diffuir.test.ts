import { beforeAll, describe, expect, it } from 'vitest';
import { samplingTimePairs } from '../../src/bridge/timesteps.js';
import { DIFFUIR_TEST_SETTINGS, diffuirEqualizeHistogram, diffuirEqualizes, diffuirSchedule, diffuirTimeCondition, sampleDiffuir, sampleRddm } from '../../src/rddm/index.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { official, randomConvNet, replay } from './fixture.js';

beforeAll(async () => {
  await initBackend();
});

describe('DiffUIR low-light histogram equalisation (cv2.equalizeHist per channel)', () => {
  const ref = official.equalize_hist;
  const [height, width] = ref.shape_hwc;
  it('matches OpenCV on a darkened photo crop, bit for bit', () => {
    const out = diffuirEqualizeHistogram({ width, height, channels: 3, data: Uint8Array.from(ref.rgb_in) });
    expect(Array.from(out.data)).toEqual(ref.rgb_out);
  });
  it('leaves a constant channel unchanged and maps two levels to 0 and 255', () => {
    expect(Array.from(diffuirEqualizeHistogram({ width: 2, height: 1, channels: 1, data: Uint8Array.from([7, 7]) }).data)).toEqual([7, 7]);
    expect(Array.from(diffuirEqualizeHistogram({ width: 2, height: 1, channels: 1, data: Uint8Array.from([3, 9]) }).data)).toEqual([0, 255]);
  });
  it('applies where DiffUIR\'s loader does: paths containing LOL (not LSRW)', () => {
    expect(diffuirEqualizes('/data/LOL/test/low/1.png')).toBe(true);
    expect(diffuirEqualizes('/data/LSRW/test/low/1.png')).toBe(false);
    expect(diffuirEqualizes('/data/Enlighening/VE-LOL-L/test/condition/1.png')).toBe(true);
  });
  it('rejects a buffer of the wrong size', () => {
    expect(() => diffuirEqualizeHistogram({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) })).toThrow(/expected 12/);
  });
});

describe('DiffUIR settings and time condition', () => {
  it('test settings as published (test.py): T 1000, 3 steps, pred_res, delta_end 1.8e-3, sum_scale 0.01', () => {
    expect(DIFFUIR_TEST_SETTINGS).toMatchObject({ timesteps: 1000, nfe: 3, mode: 'res', deltaEnd: 1.8e-3, sumScale: 0.01, eta: 0 });
    expect(Object.isFrozen(DIFFUIR_TEST_SETTINGS)).toBe(true);
  });
  it('the time condition at the official 3-step grid equals what the official network received', () => {
    const ref = official.samples.find((s) => s.family === 'diffuir' && s.nfe === 3 && s.objective === 'pred_res' && s.delta_end === 1.8e-3)!;
    const s = diffuirSchedule();
    expect(samplingTimePairs(1000, 3).map(([t]) => t)).toEqual([999, 665, 332]);
    expect(samplingTimePairs(1000, 3).map(([t]) => diffuirTimeCondition(s, t, 'res'))).toEqual(ref.times);
  });
  it('rejects res-noise (DiffUIR embeds one time value)', () => {
    expect(() => diffuirTimeCondition(diffuirSchedule(), 5, 'res-noise')).toThrow(/res-noise/);
  });
  it('sampleDiffuir with defaults equals sampleRddm with the test settings and the diffuir update', async () => {
    const ref = official.samples.find((x) => x.family === 'diffuir' && x.nfe === 3 && x.objective === 'pred_res' && x.delta_end === 1.8e-3)!;
    const mu = tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(official.mu01_nhwc, official.shape_nhwc), 2), 1)) as tf.Tensor4D;
    const schedule = diffuirSchedule();
    const predict = randomConvNet((t) => diffuirTimeCondition(schedule, t, 'res'));
    const a = await sampleDiffuir({ mu, predict, noise: replay(ref.noise).noise });
    const b = await sampleRddm({ mu, schedule, nfe: 3, mode: 'res', predict, noise: replay(ref.noise).noise, variant: 'diffuir' });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
  });
});
