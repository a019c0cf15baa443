/**
 * Collect once: a plan's finished runs → the sets the report shows, with what the report says about
 * them (compute time of the distinct jobs, the zoo checkpoints that stood in for training, points
 * left out). The plan is made once and its job records read once; `runAndCollect` is the bundled
 * job's experiments side (`rdbm reproduce`): plan once, run each experiment, collect.
 */
import type { Io } from '../util/io.js';
import { jobStatuses, planExperiments, planResults } from './api.js';
import type { Executors } from './executors.js';
import { scoreInputs } from './input.js';
import { type Plan, selectExperiments } from './plan.js';
import { runPlan } from './runner.js';
import type { ScaleName } from './scales.js';
import type { ImageScore } from '../metrics/image-score.js';
import { type CollectedSet, INPUT_KEY, defaultPoint, experimentSet } from './sets.js';
import { awaitingZooNotes, zooEntryOf } from './zoo.js';

/** A checkpoint-zoo entry that stood in for training points. */
export interface ZooUse {
  readonly name: string;
  readonly commit: string;
  readonly steps: number;
  readonly seconds: number;
  readonly backend: string;
  /** the run's recorded loss windows (zoo.json history), for the training-health table */
  readonly history: readonly { readonly step: number; readonly loss: number }[];
}

export interface Collection {
  /** one per experiment with a finished point, in the plan's order */
  readonly sets: readonly CollectedSet[];
  /** seconds spent by the distinct finished jobs behind the sets, per stage (a shared job counted once) */
  readonly seconds: { readonly train: number; readonly restore: number; readonly evaluate: number };
  /** the zoo entries that stood in for training points of the plan */
  readonly zoo: readonly ZooUse[];
  /** one note per experiment whose points were left out for want of a zoo entry (a zoo-only scale) */
  readonly awaiting: readonly string[];
}

export interface CollectOptions {
  readonly resultsDir: string;
  /** scores the unrestored input (default: the real executors) */
  readonly executors?: Executors;
  readonly io?: Pick<Io, 'err' | 'errIsTTY'>;
}

/**
 * The sets of a plan's experiments from the finished runs in `resultsDir`: each experiment's
 * finished points as per-image scores, the unrestored input (scored once per test set and
 * convention, under the default point's settings) first.
 */
export async function collect(plan: Plan, options: CollectOptions): Promise<Collection> {
  const status = jobStatuses(plan, options.resultsDir);
  const inputs = new Map<string, Promise<ImageScore[]>>();
  const sets: CollectedSet[] = [];
  const seen = new Set<string>();
  const seconds = { train: 0, restore: 0, evaluate: 0 };
  for (const name of plan.experiments) {
    const results = planResults(plan, name, options.resultsDir, status);
    const def = defaultPoint(results);
    let input: ImageScore[] | undefined;
    if (def) {
      const c = def.config;
      const id = JSON.stringify([c.dataset, c.datasetSize, c.testLimit, c.metric]);
      if (!inputs.has(id)) inputs.set(id, scoreInputs(c, { resultsDir: options.resultsDir, ...(options.executors ? { executors: options.executors } : {}), ...(options.io ? { io: options.io } : {}) }));
      input = await inputs.get(id)!;
    }
    const set = experimentSet(results, input);
    if (set.scores.points.some((p) => p.key !== INPUT_KEY)) sets.push(set);
    for (const point of results.points) {
      const run = point.run;
      if (!run) continue;
      for (const stage of ['train', 'restore', 'evaluate'] as const) {
        const key = run.jobs[stage];
        const s = run.timings[stage];
        if (key === undefined || s === null || seen.has(`${stage}:${key}`)) continue;
        seen.add(`${stage}:${key}`);
        seconds[stage] += s;
      }
    }
  }
  const zoo = new Map<string, ZooUse>();
  for (const point of plan.points) {
    const entry = point.config.checkpoint ? zooEntryOf(point.config.checkpoint) : undefined;
    if (entry) zoo.set(entry.name, { name: entry.name, commit: entry.commit, steps: entry.steps, seconds: entry.seconds, backend: entry.backend, history: entry.history.map((h) => ({ step: h.step, loss: h.loss })) });
  }
  return { sets, seconds, zoo: [...zoo.values()], awaiting: awaitingZooNotes(plan.awaitingZoo ?? [], plan.scale) };
}

export interface RunAndCollectOptions extends CollectOptions {
  readonly scale: ScaleName;
  /** a dataset root in the RDBM/DGSolver layout instead of the bundled mini-uir */
  readonly dataset?: string;
  /** the checkpoint zoo folder (default: the bundled data/zoo); false trains every point (`--retrain`) */
  readonly zoo?: string | false;
  /** run nothing: collect the finished runs already in resultsDir */
  readonly reportOnly?: boolean;
  /** called before each experiment runs (progress) */
  readonly onExperiment?: (name: string, index: number, count: number) => void;
  /** called when an experiment's run fails (the others go on) */
  readonly onFailed?: (name: string, reason: string) => void;
}

export interface RunAndCollectResult extends Collection {
  /** the experiments that ran (or, with reportOnly, were collected) */
  readonly done: readonly string[];
  /** experiments whose run failed, with the one-line reason */
  readonly failed: readonly { readonly name: string; readonly reason: string }[];
}

/**
 * Plans the experiments once, runs (or resumes) each in turn — one failing does not stop the
 * others — and collects the finished ones. Finished jobs are reused.
 */
export async function runAndCollect(names: readonly string[], options: RunAndCollectOptions): Promise<RunAndCollectResult> {
  const plan = planExperiments(names, { scale: options.scale, ...(options.dataset ? { dataset: options.dataset } : {}), ...(options.zoo !== undefined ? { zoo: options.zoo } : {}) });
  const done: string[] = [];
  const failed: { name: string; reason: string }[] = [];
  const executors = options.reportOnly ? options.executors : (options.executors ?? (await import('./real.js')).realExecutors());
  for (const [i, name] of plan.experiments.entries()) {
    if (options.reportOnly) {
      done.push(name);
      continue;
    }
    options.onExperiment?.(name, i, plan.experiments.length);
    try {
      await runPlan(selectExperiments(plan, [name]), { resultsDir: options.resultsDir, executors: executors!, ...(options.io ? { io: options.io } : {}) });
      done.push(name);
    } catch (error) {
      // one failing experiment must not lose the others' report; RdbmErrors are user-facing one-liners
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      failed.push({ name, reason });
      options.onFailed?.(name, reason);
    }
  }
  const collection = await collect(selectExperiments(plan, done), { ...options, ...(executors ? { executors } : {}) });
  // points left out are listed for every experiment asked for, run or failed
  return { ...collection, awaiting: awaitingZooNotes(plan.awaitingZoo ?? [], plan.scale), done, failed };
}
