/**
 * Run configs ↔ the checkpoint zoo (src/zoo). A training point whose config matches a zoo entry restores with
 * the zoo's weights instead of training (unless retraining is asked for); the match is on the training
 * fields and the identity of the bundled data, not on the code, so later code changes do not force a retrain.
 */
import { miniUirIdentity } from '../data/miniUir.js';
import { resolveZoo } from '../zoo/entry.js';
import { type RunConfig, RUN_FIELD_NAMES, RUN_FIELDS } from './config.js';

/** The fields a zoo entry is looked up by: every training field but the checkpoint and the family. */
export function zooTraining(config: RunConfig): Record<string, unknown> {
  return Object.fromEntries(RUN_FIELD_NAMES.filter((f) => RUN_FIELDS[f].stage === 'train' && f !== 'checkpoint' && f !== 'family').map((f) => [f, config[f]]));
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

function valueName(field: string, value: unknown): string {
  if (field === 'lambda' && typeof value === 'number') {
    const k = value * 255;
    if (Math.abs(k - Math.round(k)) < 1e-9) return `${Math.round(k)}_255`;
  }
  return String(value);
}

/** A readable entry name: the model, then `-field-value` for each training field that differs from `base`. */
export function zooName(config: RunConfig, base: RunConfig): string {
  const differs = Object.entries(zooTraining(config)).filter(([f, v]) => f !== 'model' && f !== 'dataset' && f !== 'datasetSize' && v !== base[f as keyof RunConfig]);
  return [config.model, ...differs.map(([f, v]) => `${f}-${valueName(f, v)}`)].join('-');
}
