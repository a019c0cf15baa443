/**
 * The main job: run the bundled experiments at a scale, then write results/ (tables, plots,
 * README). A thin composition: the experiments runner builds the benchmark, trains or reuses
 * checkpoints and evaluates (resumable, content-hashed); this file orders the steps, reports
 * progress and turns the finished runs into the report.
 */
import type { Io } from '../util/io.js';
import { RdbmError } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../util/fs.js';
import { keyword } from '../util/validate.js';
import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_SCALE, SCALE_NAMES, type ScaleName } from '../experiments/scales.js';
import { deltasPath, reproducedPath } from '../experiments/layout.js';
import { type ReportPlan, planReport, type PlannedPlot } from './plan.js';
import { imageDeltasCsv } from './csv.js';
import type { ImageDeltaRow } from './statistics.js';
import type { ReproducedSet } from './types.js';
import { type WrittenReport, writeReport } from './write.js';

/** the experiments' scales (one definition, src/experiments/scales.ts) */
export const REPRODUCE_SCALES = SCALE_NAMES;
export type ReproduceScale = ScaleName;

/** Which runs: the scale, the results folder and the dataset (`--data`; default the bundled mini-uir). */
export interface RunnerScope {
  readonly scale: ReproduceScale;
  readonly resultsDir: string;
  readonly dataset?: string;
  /** train every point, ignoring the checkpoint zoo (which otherwise stands in for matching training points) */
  readonly retrain?: boolean;
}

/** What reproduce needs from the experiments side; `experimentsRunner()` supplies the real one. */
export interface ExperimentsRunner {
  /** experiment names the bundled job runs, in order */
  readonly experiments: readonly string[];
  /** runs (or resumes) one experiment; finished jobs are reused */
  run(name: string, options: RunnerScope & { io: Io }): Promise<void>;
  /** the finished runs of the given experiments, reduced to one entry per configuration */
  collect(names: readonly string[], options: RunnerScope): Promise<ReproducedSet[]>;
  /** seconds spent by the distinct finished jobs behind the given experiments, per stage */
  jobSeconds?(names: readonly string[], options: RunnerScope): Promise<{ train: number; restore: number; evaluate: number }>;
  /** per-image differences of every entry from its set's default entry (written to deltas/<experiment>.csv) */
  imageDeltas?(names: readonly string[], options: RunnerScope): Promise<{ experiment: string; rows: ImageDeltaRow[] }[]>;
  /** one note per experiment whose points were left out for want of a checkpoint-zoo entry (a zoo-only scale) */
  awaiting?(names: readonly string[], options: RunnerScope): Promise<string[]>;
  /** the checkpoint-zoo entries that stood in for training points of the given experiments */
  zooCheckpoints?(names: readonly string[], options: RunnerScope): Promise<{ name: string; commit: string; steps: number; seconds: number; backend: string }[]>;
  /** optional restoration grids from the finished runs */
  grids?(names: readonly string[], options: RunnerScope): Promise<PlannedPlot[]>;
}

export interface ReproduceOptions {
  readonly scale: ReproduceScale;
  readonly resultsDir: string;
  readonly io: Io;
  /** a subset of the runner's experiments (default: all) */
  readonly only?: readonly string[];
  /** skip PNG rendering (SVG and specs are still written) */
  readonly noPng?: boolean;
  /** run nothing: rebuild the report from the finished runs already in resultsDir (e.g. after sharded runs) */
  readonly reportOnly?: boolean;
  /** a dataset root in the RDBM/DGSolver layout instead of the bundled mini-uir (with reportOnly: the one the sweep ran on) */
  readonly dataset?: string;
  /** train every point, ignoring the checkpoint zoo (which otherwise stands in for matching training points) */
  readonly retrain?: boolean;
  readonly runner?: ExperimentsRunner;
}

export interface ReproduceResult {
  readonly sets: readonly ReproducedSet[];
  readonly plan: ReportPlan;
  readonly report: WrittenReport;
  /** experiments that failed, with the one-line reason */
  readonly failed: readonly { name: string; reason: string }[];
  readonly seconds: number;
}

function minutes(seconds: number): string {
  return seconds < 60 ? `${seconds.toFixed(0)}s` : `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

export async function reproduce(options: ReproduceOptions): Promise<ReproduceResult> {
  const scale = keyword('scale', options.scale, REPRODUCE_SCALES) as ReproduceScale;
  const { io, resultsDir } = options;
  const scope: RunnerScope = { scale, resultsDir, ...(options.dataset ? { dataset: options.dataset } : {}), ...(options.retrain ? { retrain: true } : {}) };
  const start = performance.now();
  if (options.dataset && !existsSync(options.dataset)) throw new RdbmError(`dataset folder not found: ${options.dataset} (expected <root>/<Task>/<SubDataset>/{train,test}/{label,condition})`);
  const runner = options.runner ?? (await experimentsRunner());
  const names = options.only?.length ? options.only : runner.experiments;
  for (const name of names) {
    if (!runner.experiments.includes(name)) throw new RdbmError(`invalid experiment: ${JSON.stringify(name)} (expected one of ${runner.experiments.join(', ')})`);
  }
  const failed: { name: string; reason: string }[] = [];
  const done: string[] = [];
  for (const [i, name] of names.entries()) {
    if (options.reportOnly) {
      done.push(name);
      continue;
    }
    const elapsed = (performance.now() - start) / 1000;
    io.err(`reproduce [${i + 1}/${names.length}] ${name} (scale ${scale}; ${minutes(elapsed)} so far)\n`);
    try {
      await runner.run(name, { ...scope, io });
      done.push(name);
    } catch (error) {
      // one failing experiment must not lose the others' report; RdbmErrors are user-facing one-liners
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      failed.push({ name, reason });
      io.err(`reproduce: ${name} failed: ${reason}\n`);
    }
  }
  io.err('reproduce: collecting runs\n');
  const sets = await runner.collect(done, scope);
  if (options.reportOnly && sets.length === 0) {
    // nothing to report: keep the existing report rather than overwrite it with an empty one
    throw new RdbmError(`no finished runs at scale ${scale}${options.dataset ? ` on ${options.dataset}` : ''} in ${resultsDir} (run \`rdbm reproduce --scale ${scale}${options.dataset ? ` --data ${options.dataset}` : ''}\` without --report-only first)`);
  }
  const jobs = runner.jobSeconds ? await runner.jobSeconds(done, scope).catch(() => undefined) : undefined;
  const grids = runner.grids ? await runner.grids(done, scope).catch(() => []) : [];
  const zoo = runner.zooCheckpoints ? await runner.zooCheckpoints(done, scope) : [];
  const awaiting = runner.awaiting ? await runner.awaiting(names, scope) : [];
  for (const note of awaiting) io.err(`reproduce: left out ${note}\n`);
  // the reduced results, for notebooks and `rdbm report`-style re-rendering
  const runSeconds = options.reportOnly ? previousRunSeconds(reproducedPath(resultsDir)) : (performance.now() - start) / 1000;
  writeJsonAtomic(reproducedPath(resultsDir), { scale, ...(runSeconds !== undefined ? { runSeconds } : {}), sets });
  const deltas = runner.imageDeltas ? await runner.imageDeltas(done, { scale, resultsDir }) : [];
  for (const d of deltas) writeFileAtomic(deltasPath(resultsDir, d.experiment), imageDeltasCsv(d.rows));
  const plan = planReport(sets);
  const convention = [...new Set(sets.map((s) => s.convention))].join(', ') || 'none';
  const dataset = [...new Set(sets.map((s) => s.dataset).filter(Boolean))].join(', ') || undefined;
  const report = await writeReport(plan, {
    dir: resultsDir,
    io,
    png: !options.noPng,
    extraPlots: grids,
    meta: {
      scale,
      convention,
      dataset,
      command: scale === DEFAULT_SCALE && !options.dataset ? 'npm run reproduce' : `rdbm reproduce --scale ${scale}${options.dataset ? ` --data ${options.dataset}` : ''}`,
      facts: [
        `experiments: ${done.join(', ') || 'none'}`,
        runSeconds === undefined
          ? 'report rebuilt with --report-only from finished runs (run time not recorded)'
          : `wall time of the last \`reproduce\` run: ${minutes(runSeconds)} (finished jobs are reused, so a rerun only re-renders)${options.reportOnly ? '; report rebuilt since with --report-only' : ''}`,
        ...(zoo.length
          ? [`checkpoints from the zoo (data/zoo; restored, not trained in this run): ${zoo.map((z) => `${z.name} (trained at commit ${z.commit.slice(0, 12)}, ${z.steps} steps in ${minutes(z.seconds)} on ${z.backend})`).join(', ')}`]
          : []),
        ...(deltas.length ? [`per-image differences from each set's default entry: ${deltas.map((d) => deltasPath('', d.experiment)).join(', ')}`] : []),
        ...(jobs
          ? [`compute time of the finished jobs (each counted once): ${minutes(jobs.train + jobs.restore + jobs.evaluate)} = train ${minutes(jobs.train)} + restore ${minutes(jobs.restore)} + evaluate ${minutes(jobs.evaluate)}`]
          : []),
      ],
      missing: [...failed.map((f) => `${f.name}: ${f.reason}`), ...awaiting],
    },
  });
  io.err(`reproduce: wrote ${report.files.length} files to ${resultsDir} in ${minutes((performance.now() - start) / 1000)}\n`);
  return { sets, plan, report, failed, seconds: (performance.now() - start) / 1000 };
}

/** `runSeconds` of an earlier reproduced.json, if readable. */
function previousRunSeconds(path: string): number | undefined {
  try {
    const value = (JSON.parse(readFileSync(path, 'utf8')) as { runSeconds?: unknown }).runSeconds;
    return typeof value === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The experiments runner (runs.ts over src/experiments), loaded lazily so `--report-only` and tests need none of it. */
export async function experimentsRunner(): Promise<ExperimentsRunner> {
  const { runsRunner } = await import('./runs.js');
  return runsRunner();
}
