import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe("the public API, imported by name as notebooks do (import … from 'rdbm-lab', built package)", () => {
  it('exports tf, bridgeSchedule, qSample and sampleBridge, and they work together', () => {
    const script = `
      import { tf, initBackend, bridgeSchedule, qSample, sampleBridge } from 'rdbm-lab';
      await initBackend();
      const schedule = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: 1e-4 });
      const mu = tf.fill([1, 3, 3, 3], 0.25);
      const x0 = tf.fill([1, 3, 3, 3], -0.5);
      const xt = qSample({ x0, mu, t: 50, noise: tf.zerosLike(x0), pi: 'residual', schedule });
      const out = await sampleBridge({ mu, schedule, nfe: 10, parameterization: 'x0', predict: () => tf.clone(x0), clip: true });
      console.log(JSON.stringify({
        lengths: [schedule.theta.length, schedule.Theta.length, schedule.Sigma.length],
        xt: xt.dataSync()[0], expected: 0.25 + schedule.Theta[50] * (-0.75),
        out: Array.from(new Set(out.dataSync())), shape: out.shape,
      }));
    `;
    const r = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }));
    expect(r.lengths).toEqual([100, 100, 100]);
    expect(r.xt).toBeCloseTo(r.expected, 6);
    expect(r.out).toEqual([-0.5]);
    expect(r.shape).toEqual([1, 3, 3, 3]);
  });

  it('runs the example of docs/bridge.md as it stands (the sampler with an oracle network returns x₀)', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(readFileSync(join(root, 'docs', 'bridge.md'), 'utf8'))![1];
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', block], { cwd: root, encoding: 'utf8' });
    expect(out.trim()).toBe('[ 1, 32, 32, 3 ] true');
  });
});
