import { beforeAll, describe, expect, it } from 'vitest';
import { samplingTimePairs } from '../../src/bridge/timesteps.js';
import { ddimToRddm, ddpmAlphasCumprod, rddmEtaForDdim, rddmSchedule, rddmToDdim, sampleDdim, sampleRddm } from '../../src/rddm/index.js';
import { initBackend, tf } from '../../src/tf/index.js';
import { CLAIMS, limit } from '../helpers/claims.js';
import { createRng } from '../../src/util/random.js';
import { maxAbsDiff, maxRelDiff, official, randomConvNet, replay } from './fixture.js';

beforeAll(async () => {
  await initBackend();
});

const abar = ddpmAlphasCumprod(1000);
const net = randomConvNet();
const SHAPE: [number, number, number, number] = [2, 6, 6, 3];
const zeros = () => tf.zeros(SHAPE) as tf.Tensor4D;
const epsNet = (x: tf.Tensor4D, t: number) => {
  const mu = zeros();
  const { residual, noise } = net.raw(x, mu, t);
  residual!.dispose();
  mu.dispose();
  return noise!;
};
const rddmNet = (x: tf.Tensor4D, mu: tf.Tensor4D, t: number) => ({ noise: epsNet(x, t) });
function seeded(seed: number) {
  const rng = createRng(seed);
  return (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
}

describe('the DDIM ↔ RDDM coefficient transformation (generation, μ = 0)', () => {
  it('ddpmAlphasCumprod reproduces torch.cumprod(1 − linspace(1e-4, 0.02, 1000)) (float32)', () => {
    expect(maxRelDiff(abar, official.ddim_vs_rddm.abar)).toBeLessThan(2.4e-7);
  });

  it('per step, the unclipped RDDM SM-N update equals DDIM: x_s = c_x x_t + c_ε ε̂ with equal coefficients (float64, every NFE pair, η ∈ {0, 0.5, 1})', () => {
    const s = ddimToRddm(abar);
    let worst = 0;
    for (const nfe of [2, 3, 10, 50, 1000]) {
      for (const etaD of [0, 0.5, 1]) {
        const etaR = rddmEtaForDdim(abar, etaD);
        for (const [t, n] of samplingTimePairs(1000, nfe)) {
          if (n < 0) continue;
          // RDDM: x̂₀ = (x − β̄_t ε̂)/(1 − ᾱ_t), Î_res = −x̂₀, x_s = x − α Î_res − (β̄_t − √(β̄_s² − σ²)) ε̂ + σ z
          const alpha = s.alphaBar[t] - s.alphaBar[n];
          const sigma2R = (etaR(t, n) * (s.beta2Bar[t] - s.beta2Bar[n]) * s.beta2Bar[n]) / s.beta2Bar[t];
          const rX = 1 + alpha / s.oneMinusAlphaBar[t];
          const rE = (-alpha * s.betaBar[t]) / s.oneMinusAlphaBar[t] - s.betaBar[t] + Math.sqrt(s.beta2Bar[n] - sigma2R);
          // DDIM: x_s = √ā_s x̂₀ + √(1 − ā_s − σ²) ε̂ + σ z, x̂₀ = (x − √(1 − ā_t) ε̂)/√ā_t
          const sigma2D = etaD ** 2 * ((1 - abar[n]) / (1 - abar[t])) * (1 - abar[t] / abar[n]);
          const dX = Math.sqrt(abar[n] / abar[t]);
          const dE = -Math.sqrt(abar[n] / abar[t]) * Math.sqrt(1 - abar[t]) + Math.sqrt(1 - abar[n] - sigma2D);
          worst = Math.max(worst, Math.abs(rX - dX), Math.abs(rE - dE), Math.abs(sigma2R - sigma2D));
        }
      }
    }
    console.log(`DDIM↔RDDM per-step coefficient mismatch (float64): ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(limit(CLAIMS.ddimCoefficients));
  });

  it('rddmToDdim inverts ddimToRddm and rejects non-converted schedules', () => {
    expect(maxRelDiff(rddmToDdim(ddimToRddm(abar)), abar)).toBeLessThan(1e-12);
    expect(() => rddmToDdim(rddmSchedule({ timesteps: 10 }))).toThrow(/not a converted DDIM schedule/);
  });

  const u8 = (x: tf.Tensor) => Array.from(tf.tidy(() => tf.round(tf.mul(tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1), 255))).dataSync());
  const magnitude = (x: tf.Tensor) => Math.max(...Array.from(x.dataSync(), Math.abs));

  for (const [nfe, etaD] of [[10, 0], [50, 0], [10, 1]] as const) {
    it(`the same random ε-network and noise give the same outputs through sampleDdim and sampleRddm (NFE ${nfe}, η_DDIM ${etaD}, no clipping)`, async () => {
      const ddim = await sampleDdim({ alphasCumprod: abar, shape: SHAPE, nfe, predict: epsNet, noise: seeded(5), eta: etaD });
      const mu = zeros();
      const rddm = await sampleRddm({ mu, schedule: ddimToRddm(abar), nfe, mode: 'noise', predict: rddmNet, noise: seeded(5), clip: false, eta: rddmEtaForDdim(abar, etaD) });
      // a random ε-network is no denoiser: unclipped x̂₀ reaches |x| ~ 700 (1/√ā_999 = 156), so compare relatively
      const rel = maxAbsDiff(ddim.dataSync(), rddm.dataSync()) / magnitude(ddim);
      console.log(`DDIM vs RDDM, random ε-network (NFE ${nfe}, η ${etaD}): max |Δ| / max |x| = ${rel.toExponential(2)} (|x| ≤ ${magnitude(ddim).toFixed(0)})`);
      expect(rel).toBeLessThan(2e-6);
      [ddim, rddm, mu].forEach((x) => x.dispose());
    });
  }

  // a near-oracle ε-network towards a photo x★: ε̂ = (x_t − √ā_t x★)/√(1 − ā_t) + 0.1 √ā_t · net(x_t, t), so images stay in range
  const target = () => tf.tidy(() => tf.sub(tf.mul(tf.tensor4d(official.mu01_nhwc, official.shape_nhwc), 2), 1)) as tf.Tensor4D;
  const nearOracle = (x: tf.Tensor4D, t: number) => {
    const star = target();
    const mu = tf.zerosLike(x) as tf.Tensor4D;
    const { residual, noise } = net.raw(x, mu, t);
    const eps = tf.tidy(() => tf.add(tf.div(tf.sub(x, tf.mul(Math.sqrt(abar[t]), star)), Math.sqrt(1 - abar[t])), tf.mul(0.1 * Math.sqrt(abar[t]), noise!))) as tf.Tensor4D;
    [star, mu, residual!, noise!].forEach((v) => v.dispose());
    return eps;
  };
  for (const [nfe, etaD] of [[10, 0], [10, 1]] as const) {
    it(`a near-oracle ε-network gives the same 8-bit images through both samplers (NFE ${nfe}, η_DDIM ${etaD})`, async () => {
      const shape = official.shape_nhwc;
      const ddim = await sampleDdim({ alphasCumprod: abar, shape, nfe, predict: nearOracle, noise: seeded(9), eta: etaD });
      const mu = tf.zeros(shape) as tf.Tensor4D;
      const rddm = await sampleRddm({ mu, schedule: ddimToRddm(abar), nfe, mode: 'noise', predict: (x, _m, t) => ({ noise: nearOracle(x, t) }), noise: seeded(9), clip: false, eta: rddmEtaForDdim(abar, etaD) });
      const d = maxAbsDiff(ddim.dataSync(), rddm.dataSync());
      const levels = maxAbsDiff(u8(ddim), u8(rddm));
      console.log(`DDIM vs RDDM, near-oracle network (NFE ${nfe}, η ${etaD}): max |Δ| = ${d.toExponential(2)} (|x| ≤ ${magnitude(ddim).toFixed(2)}), 8-bit: ${levels} level(s)`);
      expect(d).toBeLessThan(1e-4);
      expect(levels).toBe(0);
      [ddim, rddm, mu].forEach((x) => x.dispose());
    });
  }

  it('with clipping the identity breaks (RDDM re-derives its update from the clipped Î_res): the gap is reported', async () => {
    const ddim = await sampleDdim({ alphasCumprod: abar, shape: SHAPE, nfe: 10, predict: epsNet, noise: seeded(5), clip: true });
    const mu = zeros();
    const rddm = await sampleRddm({ mu, schedule: ddimToRddm(abar), nfe: 10, mode: 'noise', predict: rddmNet, noise: seeded(5), clip: true });
    const d = maxAbsDiff(ddim.dataSync(), rddm.dataSync());
    console.log(`DDIM (clip_sample) vs RDDM (clip): max |Δ| = ${d.toExponential(2)}`);
    expect(d).toBeGreaterThan(1e-2);
  });

  for (const ref of official.ddim_vs_rddm.cases) {
    it(`official RDDM sampler with converted coefficients and a torch DDIM loop (NFE ${ref.nfe}, clip ${ref.clip}) match ours`, async () => {
      const mu = zeros();
      const rddm = await sampleRddm({ mu, schedule: ddimToRddm(abar), nfe: ref.nfe, mode: 'noise', predict: rddmNet, noise: replay(ref.noise).noise, clip: ref.clip });
      const ddim = await sampleDdim({ alphasCumprod: abar, shape: SHAPE, nfe: ref.nfe, predict: epsNet, noise: replay(ref.noise).noise, clip: ref.clip });
      const eR = maxAbsDiff(rddm.dataSync(), ref.rddm_official);
      const eD = maxAbsDiff(ddim.dataSync(), ref.ddim_torch);
      console.log(`official-converted RDDM NFE ${ref.nfe} clip ${ref.clip}: ours vs torch ${eR.toExponential(2)} (RDDM), ${eD.toExponential(2)} (DDIM); torch RDDM vs torch DDIM ${ref.max_abs_diff.toExponential(2)}`);
      // unclipped outputs reach |x| ~ 700 (see above): compare relatively there
      const scale = ref.clip ? 1 : Math.max(...ref.ddim_torch.map(Math.abs));
      expect(eR / scale).toBeLessThan(ref.clip ? 1e-4 : 1e-5);
      expect(eD / scale).toBeLessThan(ref.clip ? 1e-4 : 1e-5);
      [rddm, ddim, mu].forEach((x) => x.dispose());
    });
  }
});
