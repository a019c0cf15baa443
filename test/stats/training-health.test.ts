import { describe, expect, it } from 'vitest';
import { zooHistories } from '../helpers/zoo-histories.js';
import { RdbmError } from '../../src/errors.js';
import { DIVERGED_RATIO, UNSTABLE_RATIO, trainingHealth } from '../../src/stats/index.js';

const zoo = zooHistories();

describe('trainingHealth: final window, largest spike, verdict', () => {
  // whole64's RDBM-L at lr 2e-3 (the recipe chosen on RDBM-T): two of its three seeds rose and came back
  const unstable: Record<string, { window: [number, number]; ratio: number; reason: string }> = {
    // a rise through the learning-rate warm-up (200 steps to 2e-3); its final window is its best
    'w64-L': { window: [101, 500], ratio: 1.6281, reason: 'steps 101–500 at 1.63 × the best before (steps 11–100)' },
    // a loss near 9 around step 920, back to 0.1 by step 1100; its final window (0.397) stays above its best (0.234)
    'w64-L-seed-1': { window: [501, 1000], ratio: 28.6370, reason: 'steps 501–1000 at 28.64 × the best before (steps 11–100)' },
  };

  it('the zoo: the cpu RDBM-L diverged (final 3.6371 = 38.1 × its best 0.0955), w64-L seeds 0 and 1 unstable, every other entry ok with no rise at all', () => {
    expect(zoo.length).toBeGreaterThanOrEqual(34);
    for (const entry of zoo) {
      const h = trainingHealth(entry.history);
      const known = unstable[entry.name];
      if (known) {
        expect(h.verdict).toBe('unstable');
        expect(h.spike!.window).toMatchObject({ fromStep: known.window[0], toStep: known.window[1] });
        expect(h.spike!.best).toMatchObject({ fromStep: 11, toStep: 100 });
        expect(h.spike!.ratio).toBeCloseTo(known.ratio, 4);
        expect(h.reason).toBe(known.reason);
        continue;
      }
      if (entry.name !== 'L') {
        expect([entry.name, h.verdict, h.spike]).toEqual([entry.name, 'ok', null]);
        continue;
      }
      expect(h.verdict).toBe('diverged');
      expect(h.finalWindow).toMatchObject({ fromStep: 2501, toStep: 3000 });
      expect(h.finalWindow.loss).toBeCloseTo(3.6371, 4);
      expect(h.bestBefore).toMatchObject({ fromStep: 1501, toStep: 2000 });
      expect(h.bestBefore!.loss).toBeCloseTo(0.0955, 4);
      expect(h.spike!.ratio).toBeCloseTo(h.finalWindow.loss / h.bestBefore!.loss, 12);
      expect(h.spike!.ratio).toBeGreaterThan(38);
      expect(h.spike!.ratio).toBeLessThan(38.2);
      expect(h.reason).toBe('final window 38.1 × the best (steps 1501–2000)');
      // before its last window it was unstable: steps 2001–2500 at 0.1526 = 1.60 × 0.0955
      const before = trainingHealth(entry.history.slice(0, -1));
      expect(before.verdict).toBe('unstable');
      expect(before.spike!.ratio).toBeCloseTo(0.1526 / 0.0955, 2);
      expect(before.reason).toBe('steps 2001–2500 at 1.60 × the best before (steps 1501–2000)');
    }
  });

  it('thresholds: a rise just under UNSTABLE_RATIO is ok, at it unstable; a final window at DIVERGED_RATIO × the best is diverged', () => {
    const run = (...losses: number[]) => losses.map((loss, k) => ({ step: 100 * (k + 1), loss }));
    expect(UNSTABLE_RATIO).toBe(1.2);
    expect(DIVERGED_RATIO).toBe(2);
    const small = trainingHealth(run(0.5, 0.2, 0.1, 0.119, 0.09));
    expect([small.verdict, small.spike!.ratio]).toEqual(['ok', 0.119 / 0.1]);
    expect(small.reason).toBe('largest rise 1.19 × (steps 301–400)');
    expect(trainingHealth(run(0.5, 0.2, 0.1, 0.12, 0.09)).verdict).toBe('unstable');
    expect(trainingHealth(run(0.5, 0.2, 0.1, 0.19)).verdict).toBe('unstable');
    expect(trainingHealth(run(0.5, 0.2, 0.1, 0.2)).verdict).toBe('diverged');
    expect(trainingHealth(run(0.5, 0.2, Number.NaN, 0.1))).toMatchObject({ verdict: 'diverged', reason: 'loss NaN over steps 201–300' });
    expect(trainingHealth(run(0.5))).toMatchObject({ verdict: 'ok', spike: null, finalWindow: { fromStep: 1, toStep: 100, loss: 0.5 } });
    expect(trainingHealth(run(0.5)).bestBefore).toBeUndefined();
    expect(trainingHealth(run(0.2, 0.1, 0.12), { unstableRatio: 1.5 }).verdict).toBe('ok');
  });

  it('refuses an empty or unordered history naming the line', () => {
    expect(() => trainingHealth([])).toThrow(RdbmError);
    expect(() => trainingHealth([])).toThrow('trainingHealth: no recorded loss (expected at least one history line)');
    expect(() => trainingHealth([{ step: 10, loss: 1 }, { step: 10, loss: 1 }])).toThrow('trainingHealth: history line 1 has step 10 (expected increasing positive integer steps)');
  });
});
