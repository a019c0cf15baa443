/**
 * `rdbm zoo add`: the finished training jobs of a sweep become zoo entries (src/zoo). The zoo is trained by the
 * toolkit's own sweep (`rdbm sweep reproduce --scale cpu --results DIR --shard i/n`), then added from DIR.
 */
import { dirname, join } from 'node:path';
import type { Command } from '../cli/command.js';
import { RdbmError } from '../errors.js';
import { BUNDLED_ZOO_DIR } from '../zoo/entry.js';
import { addZooEntry } from '../zoo/add.js';
import { planExperiments } from './api.js';
import { PAPER_CONFIG, type RunConfig, runConfig } from './config.js';
import { SCALE_NAMES, SCALES, type ScaleName } from './scales.js';
import { openResults } from './store.js';
import { zooDataset, zooName, zooTraining } from './zoo.js';

export interface ZooAddReport {
  readonly added: readonly { name: string; steps: number; seconds: number }[];
  /** training jobs of the plan that have not finished */
  readonly pending: readonly { name: string; key: string }[];
}

/** Adds every finished training job of the experiments (at a scale, in a results folder) to the zoo. */
export function addSweepToZoo(experiments: readonly string[], options: { scale: ScaleName; resultsDir: string; zooDir?: string }): ZooAddReport {
  const plan = planExperiments(experiments, { scale: options.scale, zoo: false });
  const store = openResults(options.resultsDir);
  const base: RunConfig = runConfig({ ...PAPER_CONFIG, ...SCALES[options.scale].overrides });
  const added: ZooAddReport['added'][number][] = [];
  const pending: ZooAddReport['pending'][number][] = [];
  for (const job of plan.jobs.filter((j) => j.kind === 'train')) {
    const name = zooName(job.config, base);
    const dataset = zooDataset(job.config);
    if (!dataset) throw new RdbmError(`experiment point ${job.points[0]}: only runs on the bundled mini-uir can enter the zoo`);
    const status = store.read(job);
    if (status.state !== 'done') {
      pending.push({ name, key: job.key });
      continue;
    }
    const record = status.record as { checkpoint?: string; backend?: string; versions?: Record<string, string> };
    const versions = record.versions ?? {};
    const entry = addZooEntry({
      zooDir: options.zooDir ?? BUNDLED_ZOO_DIR,
      name,
      runDir: dirname(store.resolve(String(record.checkpoint))),
      training: zooTraining(job.config),
      dataset,
      config: { ...job.config },
      trainKey: job.key,
      commit: versions['rdbm-lab commit'] ?? 'unknown',
      backend: record.backend ?? 'unknown',
      versions,
    });
    added.push({ name, steps: entry.steps, seconds: entry.seconds });
  }
  return { added, pending };
}

export const zooAddCommand: Command = {
  name: 'zoo add',
  summary: 'add the finished training jobs of a sweep (at a scale) to the checkpoint zoo',
  description: 'Train with `rdbm sweep reproduce --scale cpu --results DIR` (shards welcome), then `rdbm zoo add --results DIR`.',
  positionals: [{ name: 'experiment', description: 'experiments whose training jobs to add (default: reproduce)', variadic: true }],
  options: [
    { name: 'results', type: 'string', valueName: '<dir>', description: 'the sweep results folder', required: true },
    { name: 'scale', type: 'string', description: 'the scale the sweep ran at', default: 'cpu', choices: SCALE_NAMES },
    { name: 'zoo', type: 'string', valueName: '<dir>', description: `zoo folder (default: the bundled ${join('data', 'zoo')})` },
  ],
  run({ options, positionals }, io) {
    const report = addSweepToZoo(positionals.length ? positionals : ['reproduce'], {
      scale: options.scale as ScaleName,
      resultsDir: options.results as string,
      ...(options.zoo ? { zooDir: options.zoo as string } : {}),
    });
    for (const a of report.added) io.out(`added ${a.name} (${a.steps} steps, ${(a.seconds / 60).toFixed(1)} min of training)\n`);
    for (const p of report.pending) io.out(`not finished: ${p.name} (train job ${p.key})\n`);
    return 0;
  },
};
