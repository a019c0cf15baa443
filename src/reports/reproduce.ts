/**
 * The main job: run the bundled experiments at a scale, then write results/ (tables, plots,
 * README). A thin composition: the experiments side plans once, builds the benchmark, trains or
 * reuses checkpoints, evaluates (resumable, content-hashed) and collects the finished runs once
 * (runAndCollect); this file reports progress and hands the sets to the report pipeline.
 */
import { unknownName } from '../util/registry.js';
import type { Io } from '../util/io.js';
import { RdbmError } from '../errors.js';
import { keyword } from '../util/validate.js';
import { existsSync, readFileSync } from 'node:fs';
import { DEFAULT_SWEEP } from '../experiments/builtins.js';
import { runAndCollect } from '../experiments/collect.js';
import type { Executors } from '../experiments/executors.js';
import { reproducedPath } from '../experiments/layout.js';
import { DEFAULT_SCALE, SCALE_NAMES, type ScaleName } from '../experiments/scales.js';
import type { ReportPlan } from './plan.js';
import { reportSets } from './pipeline.js';
import type { ReproducedSet } from './types.js';
import type { WrittenReport } from './write.js';

/** the experiments' scales (one definition, src/experiments/scales.ts) */
export const REPRODUCE_SCALES = SCALE_NAMES;
export type ReproduceScale = ScaleName;

export interface ReproduceOptions {
  readonly scale: ReproduceScale;
  readonly resultsDir: string;
  readonly io: Io;
  /** a subset of the bundled experiments (default: all) */
  readonly only?: readonly string[];
  /** skip PNG rendering (SVG and specs are still written) */
  readonly noPng?: boolean;
  /** run nothing: rebuild the report from the finished runs already in resultsDir (e.g. after sharded runs) */
  readonly reportOnly?: boolean;
  /** a dataset root in the RDBM/DGSolver layout instead of the bundled mini-uir (with reportOnly: the one the sweep ran on) */
  readonly dataset?: string;
  /** train every point, ignoring the checkpoint zoo (which otherwise stands in for matching training points) */
  readonly retrain?: boolean;
  /** the checkpoint zoo folder (default: the bundled data/zoo) */
  readonly zoo?: string;
  /** the bundled job's experiments (default DEFAULT_SWEEP) */
  readonly experiments?: readonly string[];
  /** train, restore and evaluate with these instead of the real executors (tests) */
  readonly executors?: Executors;
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
  const start = performance.now();
  if (options.dataset && !existsSync(options.dataset)) throw new RdbmError(`dataset folder not found: ${options.dataset} (expected <root>/<Task>/<SubDataset>/{train,test}/{label,condition})`);
  const bundled = options.experiments ?? DEFAULT_SWEEP;
  const names = options.only?.length ? options.only : bundled;
  for (const name of names) {
    if (!bundled.includes(name)) throw unknownName('experiment', name, bundled);
  }
  // the experiments side: plan once, run each experiment, collect the finished runs once
  const collected = await runAndCollect(names, {
    scale,
    resultsDir,
    io,
    ...(options.dataset ? { dataset: options.dataset } : {}),
    ...(options.retrain ? { zoo: false as const } : options.zoo ? { zoo: options.zoo } : {}),
    ...(options.reportOnly ? { reportOnly: true } : {}),
    ...(options.executors ? { executors: options.executors } : {}),
    onExperiment: (name, i, n) => io.err(`reproduce [${i + 1}/${n}] ${name} (scale ${scale}; ${minutes((performance.now() - start) / 1000)} so far)\n`),
    onFailed: (name, reason) => io.err(`reproduce: ${name} failed: ${reason}\n`),
  });
  const { done, failed, seconds: jobs, zoo, awaiting } = collected;
  if (options.reportOnly && collected.sets.length === 0) {
    // nothing to report: keep the existing report rather than overwrite it with an empty one
    throw new RdbmError(`no finished runs at scale ${scale}${options.dataset ? ` on ${options.dataset}` : ''} in ${resultsDir} (run \`rdbm reproduce --scale ${scale}${options.dataset ? ` --data ${options.dataset}` : ''}\` without --report-only first)`);
  }
  for (const note of awaiting) io.err(`reproduce: left out ${note}\n`);
  const runSeconds = options.reportOnly ? previousRunSeconds(reproducedPath(resultsDir)) : (performance.now() - start) / 1000;
  const sets = collected.sets;
  const convention = [...new Set(sets.map((s) => s.scores.convention))].join(', ') || 'none';
  const dataset = [...new Set(sets.map((s) => s.scores.dataset).filter(Boolean))].join(', ') || undefined;
  const { sets: reduced, plan, report } = await reportSets(sets, {
    dir: resultsDir,
    io,
    png: !options.noPng,
    // grids for the experiments that compare models (one axis: model)
    grid: (set) => set.axis === 'model',
    trained: zoo.map((z) => ({ name: z.name, history: z.history })),
    reproduced: { scale, ...(runSeconds !== undefined ? { runSeconds } : {}) },
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
        `compute time of the finished jobs (each counted once): ${minutes(jobs.train + jobs.restore + jobs.evaluate)} = train ${minutes(jobs.train)} + restore ${minutes(jobs.restore)} + evaluate ${minutes(jobs.evaluate)}`,
      ],
      missing: [...failed.map((f) => `${f.name}: ${f.reason}`), ...awaiting],
    },
  });
  io.err(`reproduce: wrote ${report.files.length} files to ${resultsDir} in ${minutes((performance.now() - start) / 1000)}\n`);
  return { sets: reduced, plan, report, failed, seconds: (performance.now() - start) / 1000 };
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
