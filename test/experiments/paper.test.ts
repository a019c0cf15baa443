/** The paper in one module (src/experiments/paper.ts): its configuration, the defaults that follow it, and its published figures. */
import { describe, expect, it } from 'vitest';
import { BRIDGE_PRESETS } from '../../src/bridge/presets.js';
import { bridgeCommand } from '../../src/cli/commands/bridge.js';
import { trainCommand } from '../../src/cli/commands/train.js';
import { runCli } from '../../src/cli/main.js';
import { bridgeSchedule } from '../../src/bridge/schedule.js';
import { EXPERIMENTS } from '../../src/experiments/builtins.js';
import { ABLATION_IDS, PAPER_CONFIG, PUBLISHED_ABLATIONS, PUBLISHED_MAIN, ablationAxis, lambdaLabel } from '../../src/experiments/paper.js';
import { TRAIN_DEFAULTS } from '../../src/models/train-config.js';
import { captureIo } from '../helpers/io.js';

const option = (command: typeof trainCommand, name: string) => command.options!.find((o) => o.name === name)!.default;

describe('the paper configuration', () => {
  it('is each published ablation\'s default row', () => {
    for (const id of ABLATION_IDS) {
      const ablation = PUBLISHED_ABLATIONS[id];
      const def = ablation.rows.filter((r) => r.isDefault);
      expect(def, id).toHaveLength(1);
      expect(def[0].value, id).toBe(String(PAPER_CONFIG[ablation.axis as keyof typeof PAPER_CONFIG]));
    }
    expect(lambdaLabel(PAPER_CONFIG.lambda)).toBe('10/255');
    expect(lambdaLabel(1e-4)).toBe('0.0001');
  });

  it('gives rdbm train its defaults, and the models\' own TRAIN_DEFAULTS agree with it', () => {
    expect(option(trainCommand, 'lambda')).toBe('10/255');
    expect([option(trainCommand, 'objective'), option(trainCommand, 'pi'), option(trainCommand, 'schedule'), option(trainCommand, 'timesteps')]).toEqual([PAPER_CONFIG.objective, PAPER_CONFIG.pi, PAPER_CONFIG.schedule, PAPER_CONFIG.timesteps]);
    expect([option(trainCommand, 'crop'), option(trainCommand, 'batch'), option(trainCommand, 'lr'), option(trainCommand, 'ema'), option(trainCommand, 'seed'), option(trainCommand, 'grad-clip')]).toEqual([PAPER_CONFIG.cropSize, PAPER_CONFIG.batchSize, PAPER_CONFIG.lr, PAPER_CONFIG.emaDecay, PAPER_CONFIG.seed, PAPER_CONFIG.gradClip]);
    // src/models keeps a copy for trainConfig() (owned elsewhere): it may not drift from the paper's
    const { objective, pi, lambda, schedule, timesteps, cropSize, lr, emaDecay, seed } = PAPER_CONFIG;
    expect(TRAIN_DEFAULTS).toMatchObject({ objective, pi, lambda, schedule, timesteps, cropSize, lr, emaDecay, seed });
  });

  it('gives rdbm bridge its λ (aligned with train; the official code\'s 1e-4 is the rdbm-official preset)', async () => {
    expect(option(bridgeCommand, 'lambda')).toBe('10/255');
    const io = captureIo();
    expect(await runCli(['bridge', '--json', '--timesteps', '10'], io)).toBe(0);
    const printed = JSON.parse(io.stdout) as { Sigma: number[] };
    const paper = bridgeSchedule({ schedule: 'cosine', timesteps: 10, lambda: 10 / 255 });
    expect(printed.Sigma).toEqual(Array.from(paper.Sigma));
    expect(Array.from(BRIDGE_PRESETS['rdbm-official'].schedule(10).Sigma)).toEqual(Array.from(bridgeSchedule({ schedule: 'cosine', timesteps: 10, lambda: 1e-4 }).Sigma));
  });
});

describe('the published figures', () => {
  it('are what the built-in ablations sweep and cite', () => {
    for (const id of ABLATION_IDS) {
      expect(EXPERIMENTS[id].axes[PUBLISHED_ABLATIONS[id].axis as keyof (typeof EXPERIMENTS)[string]['axes']], id).toEqual(ablationAxis(id));
      for (const row of PUBLISHED_ABLATIONS[id].rows) if (row.psnr !== null) expect(EXPERIMENTS[id].reference, id).toContain(`${row.label} → ${row.psnr}`);
    }
    expect(ablationAxis('lambda')).toEqual([1 / 255, 10 / 255, 100 / 255]);
    for (const row of PUBLISHED_MAIN.filter((r) => r.ours && r.psnr !== null)) expect(EXPERIMENTS.main.reference).toContain(`${row.method} ${row.psnr}/${row.ssim}`);
  });
});
