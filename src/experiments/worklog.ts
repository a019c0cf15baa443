/**
 * What workers leave in a results folder besides job records, so `rdbm results status` can tell every job's
 * state without being told the experiments: the plan of each sweep started on the folder (plans/<hash>.json,
 * written once: identical sweeps and every shard of one share the file) and the last failure of a job
 * (failures/<key>.json, removed when the job finishes).
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileExclusive, writeJsonAtomic } from '../util/fs.js';
import { configHash } from '../util/hash.js';
import type { RunStage } from './config.js';
import type { Plan } from './plan.js';
import { failurePath, plansDir } from './layout.js';

export interface PlannedJob {
  readonly kind: RunStage;
  readonly key: string;
  readonly needs?: string;
  readonly group: string;
  readonly points: readonly string[];
}

export interface PlanFile {
  readonly experiments: readonly string[];
  readonly scale: string;
  /** every job of the sweep (all shards), in execution order */
  readonly jobs: readonly PlannedJob[];
}

export interface JobFailure {
  readonly kind: RunStage;
  readonly key: string;
  /** the error's first line */
  readonly error: string;
  /** `host pid N (worker)` */
  readonly by: string;
  /** ISO time */
  readonly at: string;
}

/** The plan as recorded in the folder. */
export function planFile(plan: Plan): PlanFile {
  return {
    experiments: plan.experiments,
    scale: plan.scale,
    jobs: plan.jobs.map((j) => ({ kind: j.kind, key: j.key, ...(j.needs ? { needs: j.needs } : {}), group: j.group, points: j.points })),
  };
}

/** Records a sweep's plan (once per distinct plan). */
export function recordPlan(dir: string, plan: Plan): void {
  const file = planFile(plan);
  writeFileExclusive(join(plansDir(dir), `${configHash(file)}.json`), `${JSON.stringify(file, null, 2)}\n`);
}

/** Every recorded plan (unreadable files are skipped: they only feed the status view). */
export function readPlans(dir: string): PlanFile[] {
  const plans = plansDir(dir);
  if (!existsSync(plans)) return [];
  return readdirSync(plans)
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .sort()
    .flatMap((f) => {
      try {
        const file = JSON.parse(readFileSync(join(plans, f), 'utf8')) as PlanFile;
        return Array.isArray(file?.jobs) ? [file] : [];
      } catch {
        return [];
      }
    });
}

export function recordFailure(dir: string, failure: JobFailure): void {
  writeJsonAtomic(failurePath(dir, failure.key), failure);
}

export function clearFailure(dir: string, key: string): void {
  rmSync(failurePath(dir, key), { force: true });
}

export function readFailure(dir: string, key: string): JobFailure | undefined {
  const path = failurePath(dir, key);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JobFailure;
  } catch {
    return undefined;
  }
}
