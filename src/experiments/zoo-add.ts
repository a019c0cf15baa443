/**
 * `rdbm zoo add`: the finished training jobs of a sweep enter the checkpoint zoo (src/zoo), named by
 * how their run config differs from the scale's base. Apart from zoo.ts (which the planner asks for
 * zoo checkpoints) because it plans the sweep itself.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RdbmError } from '../errors.js';
import { addZooEntry } from '../zoo/add.js';
import { BUNDLED_ZOO_DIR } from '../zoo/entry.js';
import { planExperiments } from './api.js';
import { type RunConfig, runConfig } from './config.js';
import { PAPER_CONFIG } from './paper.js';
import { recordsDir } from './layout.js';
import type { Job } from './plan.js';
import { SCALES, type ScaleName } from './scales.js';
import { type JobRecord, type ResultsStore, openResults } from './store.js';
import { zooDataset, zooTraining } from './zoo.js';

function valueName(field: string, value: unknown): string {
  if (field === 'lambda' && typeof value === 'number') {
    const k = value * 255;
    if (Math.abs(k - Math.round(k)) < 1e-9) return `${Math.round(k)}_255`;
  }
  return String(value);
}

/** A readable entry name: the model, then `-field-value` for each training field that differs from `base`. */
export function zooName(config: RunConfig, base: RunConfig, prefix = ''): string {
  const differs = Object.entries(zooTraining(config)).filter(([f, v]) => f !== 'model' && f !== 'dataset' && f !== 'datasetSize' && v !== base[f as keyof RunConfig]);
  return prefix + [config.model, ...differs.map(([f, v]) => `${f}-${valueName(f, v)}`)].join('-');
}

/** A job spec without the code fingerprint: the run config and the data, which is what a zoo entry stands for. */
function withoutCode(spec: Readonly<Record<string, unknown>>): string {
  const { code: _code, ...rest } = spec;
  return JSON.stringify(rest);
}

/**
 * The finished training job of a planned train job: its own record, or else one the results folder holds for the
 * same run config and data trained by another version of the code (its spec differs only in the code
 * fingerprint; the most recently finished if several). The zoo is looked up by run config, so a run that an
 * earlier commit trained (and records as its commit) enters it as it is.
 */
function finishedTraining(store: ResultsStore, job: Job): JobRecord | undefined {
  const own = store.read(job);
  if (own.state === 'done') return own.record;
  const jobsDir = recordsDir(store.dir, 'train');
  if (!existsSync(jobsDir)) return undefined;
  const wanted = withoutCode(job.spec);
  const found = readdirSync(jobsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      try {
        return JSON.parse(readFileSync(join(jobsDir, f), 'utf8')) as JobRecord;
      } catch {
        return undefined;
      }
    })
    .filter((r): r is JobRecord => r?.kind === 'train' && typeof r.key === 'string' && r.spec !== null && typeof r.spec === 'object' && withoutCode(r.spec) === wanted)
    .map((r) => store.read({ kind: 'train', key: r.key }))
    .flatMap((status) => (status.state === 'done' ? [status.record] : []))
    .sort((a, b) => String(b.finishedAt).localeCompare(String(a.finishedAt)));
  return found[0];
}

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
    const name = zooName(job.config, base, SCALES[options.scale].zooPrefix);
    const dataset = zooDataset(job.config);
    if (!dataset) throw new RdbmError(`experiment point ${job.points[0]}: only runs on the bundled mini-uir can enter the zoo`);
    const done = finishedTraining(store, job);
    if (!done) {
      pending.push({ name, key: job.key });
      continue;
    }
    const record = done as JobRecord & { checkpoint?: string; backend?: string; versions?: Record<string, string> };
    const versions = record.versions ?? {};
    const entry = addZooEntry({
      zooDir: options.zooDir ?? BUNDLED_ZOO_DIR,
      name,
      runDir: dirname(store.resolve(String(record.checkpoint))),
      training: zooTraining(job.config),
      dataset,
      // the sweep point as it ran (a record by an earlier commit has that commit's config, e.g. other restore fields)
      config: { ...((record.config as RunConfig | undefined) ?? job.config) },
      trainKey: done.key,
      commit: versions['rdbm-lab commit'] ?? 'unknown',
      backend: record.backend ?? 'unknown',
      versions,
      ...(SCALES[options.scale].zooDtype ? { dtype: SCALES[options.scale].zooDtype } : {}),
    });
    added.push({ name, steps: entry.steps, seconds: entry.seconds });
  }
  return { added, pending };
}
