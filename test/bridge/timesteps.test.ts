import { describe, expect, it } from 'vitest';
import { samplingTimePairs } from '../../src/bridge/timesteps.js';
import { official } from './fixture.js';

describe('samplingTimePairs reproduces the official float32 linspace grid', () => {
  const observed = official.versions[0].time_pairs;
  for (const [T, grids] of Object.entries(observed)) {
    it(`T = ${T}: the steps the official sampler calls the model at, for ${Object.keys(grids).length} NFE values`, () => {
      for (const [nfe, calls] of Object.entries(grids)) {
        const pairs = samplingTimePairs(Number(T), Number(nfe));
        expect(pairs.map(([t]) => t), `NFE ${nfe}`).toEqual(calls);
        expect(pairs.at(-1)![1]).toBe(-1);
      }
    });
  }
  it('NFE = 10 at T = 100 is 99, 89, …, 9 → −1', () => {
    expect(samplingTimePairs(100, 10)).toEqual([
      [99, 89], [89, 79], [79, 69], [69, 59], [59, 49], [49, 39], [39, 29], [29, 19], [19, 9], [9, -1],
    ]);
  });
});
