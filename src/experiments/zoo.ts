/**
 * Run configs ↔ the checkpoint zoo (src/zoo). A training point whose config matches a zoo entry restores with
 * the zoo's weights instead of training (unless retraining is asked for); the match is on the training
 * fields and the identity of the bundled data, not on the code, so later code changes do not force a retrain.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { miniUirIdentity } from '../data/miniUir.js';
import { BUNDLED_ZOO_DIR, readZooEntry, resolveZoo, ZOO_FILE, type ZooEntry } from '../zoo/entry.js';
import type { AwaitingPoint } from './plan.js';
import { keyedField, type RunConfig, RUN_FIELD_NAMES, RUN_FIELDS } from './config.js';
import type { ScaleName } from './scales.js';

/** The fields a zoo entry is looked up by: every keyed training field but the checkpoint and the family. */
export function zooTraining(config: RunConfig): Record<string, unknown> {
  return Object.fromEntries(RUN_FIELD_NAMES.filter((f) => RUN_FIELDS[f].stage === 'train' && f !== 'checkpoint' && f !== 'family' && keyedField(config, f)).map((f) => [f, config[f]]));
}

/** The training data's identity (only the bundled mini-uir can match a zoo entry). */
export function zooDataset(config: RunConfig): Readonly<Record<string, unknown>> | undefined {
  return config.dataset === 'mini-uir' ? miniUirIdentity({ size: config.datasetSize }) : undefined;
}

/** The zoo checkpoint standing in for this point's training, if any (verified), else undefined. */
export function zooCheckpointFor(config: RunConfig, zooDir?: string): string | undefined {
  if (config.family !== 'rdbm' || config.checkpoint) return undefined;
  const dataset = zooDataset(config);
  if (!dataset) return undefined;
  return resolveZoo(zooTraining(config), dataset, zooDir)?.checkpoint;
}

/**
 * One line per experiment with points a zoo-only plan left out, e.g.
 * `size: model=S, model=B (no checkpoint-zoo entry yet: rdbm sweep size --scale cpu --retrain trains them)`.
 */
export function awaitingZooNotes(awaiting: readonly AwaitingPoint[], scale: ScaleName): string[] {
  const byExperiment = new Map<string, string[]>();
  for (const p of awaiting) byExperiment.set(p.experiment, [...(byExperiment.get(p.experiment) ?? []), p.label]);
  return [...byExperiment].map(([experiment, labels]) => `${experiment}: ${labels.join(', ')} (no checkpoint-zoo entry yet: \`rdbm sweep ${experiment} --scale ${scale} --train-missing\` trains ${labels.length === 1 ? 'it' : 'them'})`);
}

/** The zoo entry a checkpoint path belongs to (`<zoo>/<name>/checkpoint`), verified; undefined for any other checkpoint. */
export function zooEntryOf(checkpoint: string): ZooEntry | undefined {
  const dir = dirname(checkpoint);
  return existsSync(join(dir, ZOO_FILE)) ? readZooEntry(dir) : undefined;
}
