/**
 * `rdbm zoo add`: the finished training jobs of a sweep enter the checkpoint zoo (src/zoo), named by
 * how their run config differs from the scale's base. Apart from zoo.ts (which the planner asks for
 * zoo checkpoints) because it plans the sweep itself.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RdbmError } from '../errors.js';
import { addZooEntry } from '../zoo/add.js';
import { BUNDLED_ZOO_DIR, ZOO_FILE, readZooEntry } from '../zoo/entry.js';
import { type StorageChecks, chooseStorage, formatsToMeasure } from '../zoo/storage.js';
import type { Io } from '../util/io.js';
import type { WeightDtype } from '../models/weight-files.js';
import { measureStorage } from './zoo-storage.js';
import { planExperiments } from './api.js';
import { type RunConfig, runConfig } from './config.js';
import { PAPER_CONFIG } from './paper.js';
import { datasetsDir, recordsDir } from './layout.js';
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
  /** entries written, in the format stored; `checks` when the scale stores the narrowest format its measurements allow */
  readonly added: readonly { name: string; steps: number; seconds: number; dtype: WeightDtype; checks?: StorageChecks }[];
  /** entries already in the zoo from the same training job, their format decided by recorded measurements: left as they are */
  readonly kept: readonly string[];
  /** training jobs of the plan that have not finished */
  readonly pending: readonly { name: string; key: string }[];
}

/**
 * Adds every finished training job of the experiments (at a scale, in a results folder) to the zoo. A scale with
 * Scale.zooNarrow first measures each run's restorations from rounded weights against its float32 ones
 * (zoo-storage.ts; needs a started backend) and stores the narrowest format within 1/255, recording the checks.
 */
export async function addSweepToZoo(experiments: readonly string[], options: { scale: ScaleName; resultsDir: string; zooDir?: string; io?: Pick<Io, 'err' | 'errIsTTY'>; narrow?: boolean }): Promise<ZooAddReport> {
  const plan = planExperiments(experiments, { scale: options.scale, zoo: false });
  const store = openResults(options.resultsDir);
  const base: RunConfig = runConfig({ ...PAPER_CONFIG, ...SCALES[options.scale].overrides });
  const added: ZooAddReport['added'][number][] = [];
  const kept: string[] = [];
  const zooDir = options.zooDir ?? BUNDLED_ZOO_DIR;
  // narrow storage as the scale asks (a test may ask it of another)
  const narrow = options.narrow ?? SCALES[options.scale].zooNarrow ?? false;
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
    const config = { ...((record.config as RunConfig | undefined) ?? job.config) };
    const runCheckpoint = store.resolve(String(record.checkpoint));
    // (read only where narrow storage is measured: reading an entry hashes its weights)
    const existing = narrow && existsSync(join(zooDir, name, ZOO_FILE)) ? readZooEntry(join(zooDir, name)) : undefined;
    // measurements of the same run are kept; an entry whose format they decide is left as it is
    const known = existing?.trainKey === done.key ? (existing.weights.checks ?? {}) : {};
    if (existing?.trainKey === done.key && formatsToMeasure(known).length === 0 && existing.weights.dtype === chooseStorage(known)) {
      kept.push(name);
      continue;
    }
    const measured = narrow ? await measureStorage({ config: runConfig(config), float32: runCheckpoint, known, datasetsDir: datasetsDir(store.dir), io: options.io ?? { err: () => {}, errIsTTY: false } }) : undefined;
    const dtype = measured?.dtype;
    const checks = measured?.checks;
    const entry = addZooEntry({
      zooDir,
      name,
      runDir: dirname(runCheckpoint),
      training: zooTraining(job.config),
      dataset,
      // the sweep point as it ran (a record by an earlier commit has that commit's config, e.g. other restore fields)
      config,
      trainKey: done.key,
      commit: versions['rdbm-lab commit'] ?? 'unknown',
      backend: record.backend ?? 'unknown',
      versions,
      ...(dtype ? { dtype } : {}),
      ...(checks ? { checks } : {}),
    });
    added.push({ name, steps: entry.steps, seconds: entry.seconds, dtype: entry.weights.dtype, ...(checks ? { checks } : {}) });
  }
  return { added, kept, pending };
}
