/**
 * Why a job is not cached (`rdbm sweep --dry-run`): its record is damaged, or no record has its
 * key. For the latter the closest earlier record of the same stage (fewest differing spec fields)
 * says what changed — the stage's code, the dataset's content, a given checkpoint's content, the
 * job it needs, or a config field — or that nothing comparable ran in this results folder.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { recordsDir } from './layout.js';
import { stableStringify } from '../util/hash.js';
import type { RunStage } from './config.js';
import type { Job } from './plan.js';
import type { RecordStatus, ResultsStore } from './store.js';

interface Earlier {
  readonly key: string;
  readonly spec: Readonly<Record<string, unknown>>;
}

function earlierRecords(store: ResultsStore, kind: RunStage): Earlier[] {
  const dir = recordsDir(store.dir, kind);
  if (!existsSync(dir)) return [];
  const out: Earlier[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    try {
      const r = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { kind?: unknown; key?: unknown; spec?: unknown };
      if (r?.kind === kind && typeof r.key === 'string' && r.spec && typeof r.spec === 'object') out.push({ key: r.key, spec: r.spec as Record<string, unknown> });
    } catch {
      // unreadable records are reported by the runner; they explain nothing here
    }
  }
  return out;
}

function describeField(field: string, before: unknown, now: unknown, kind: RunStage): string {
  if (field === 'code') return `the code of the ${kind} stage changed (fingerprint ${String(before ?? 'none')} → ${String(now)})`;
  if (field === 'data') return 'the dataset changed (content key differs)';
  if (field === 'after') {
    const given = (v: unknown) => v !== null && typeof v === 'object' && 'checkpoint' in (v as object);
    if (given(before) && given(now)) return 'the given checkpoint\'s content changed';
    return `the ${kind === 'evaluate' ? 'restore' : 'train'} job it needs changed (${String(typeof before === 'string' ? before.slice(0, 8) : stableStringify(before))} → ${String(typeof now === 'string' ? now.slice(0, 8) : stableStringify(now))})`;
  }
  if (field === 'v') return 'written by an older planner (keys without code fingerprints)';
  return `${field} ${before === undefined ? 'added' : now === undefined ? 'removed' : `${stableStringify(before)} → ${stableStringify(now)}`}`;
}

/** Memoised per store and stage: explains every missing job of a plan against one folder listing. */
export function missExplainer(store: ResultsStore): (job: Job, status: RecordStatus) => string | undefined {
  const cache = new Map<RunStage, Earlier[]>();
  return (job, status) => {
    if (status.state === 'done') return undefined;
    if (status.state === 'corrupt') return `its record is damaged (${status.reason})`;
    const earlier = cache.get(job.kind) ?? earlierRecords(store, job.kind);
    cache.set(job.kind, earlier);
    let best: { key: string; diff: string[] } | undefined;
    for (const e of earlier) {
      const fields = [...new Set([...Object.keys(e.spec), ...Object.keys(job.spec)])].sort();
      const diff = fields.filter((f) => stableStringify(e.spec[f]) !== stableStringify(job.spec[f]));
      if (!best || diff.length < best.diff.length) best = { key: e.key, diff };
    }
    if (!best) return `no ${job.kind} job has run in ${store.dir}`;
    const order = ['v', 'code', 'data', 'after'];
    const sorted = [...best.diff].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
    return `not run with this key; closest earlier ${job.kind} ${best.key.slice(0, 8)}: ${sorted.map((f) => describeField(f, (earlier.find((e) => e.key === best!.key)!.spec)[f], job.spec[f], job.kind)).join('; ')}`;
  };
}
