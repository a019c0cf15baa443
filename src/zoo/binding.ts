/**
 * A zoo entry's checkpoint manifest is bound to its zoo.json (issue 32, defect 5). zoo.json's training block
 * is bound to its lookup key (a hash of it and the dataset) and its weights to their sha256; the manifest's
 * training block, architecture, step and tensor layout are what sampling and planning read, so each must be
 * exactly what that training block and those weights determine. An edited field is refused by name.
 */
import type { CheckpointManifest } from '../models/checkpoint.js';
import { parameterSpecs } from '../models/spec.js';
import { trainArchitecture, trainConfig, trainInputFromRun } from '../models/train-config.js';
import { stableStringify } from '../util/hash.js';

/** Training fields that do not govern the result (how often the trainer saved). */
const NOT_GOVERNING = new Set(['checkpointEvery']);

const same = (a: unknown, b: unknown) => stableStringify(a) === stableStringify(b);
const shown = (v: unknown) => (v === undefined ? 'absent' : JSON.stringify(v));

/**
 * The first disagreement between a zoo entry (its training block `training`, `steps`, its complete `config`)
 * and its checkpoint manifest, as a phrase naming the field; undefined when bound.
 */
export function manifestBindingProblem(entry: { readonly training: Readonly<Record<string, unknown>>; readonly config: Readonly<Record<string, unknown>>; readonly steps: number }, manifest: CheckpointManifest): string | undefined {
  let expected: Record<string, unknown>;
  try {
    expected = trainConfig(trainInputFromRun(entry.training)) as unknown as Record<string, unknown>;
  } catch (error) {
    return `zoo.json training block is not a valid training config (${String((error as Error).message).split('\n')[0]})`;
  }
  for (const [field, value] of Object.entries(entry.training)) {
    if (entry.config && field in entry.config && !same(entry.config[field], value)) return `zoo.json config field ${field} is ${shown(entry.config[field])}, but its training block (bound to the lookup key) has ${shown(value)}`;
  }
  const recorded = (manifest.training ?? {}) as unknown as Record<string, unknown>;
  if (!manifest.training || typeof manifest.training !== 'object') return 'checkpoint/manifest.json has no training block';
  for (const field of new Set([...Object.keys(expected), ...Object.keys(recorded)])) {
    if (NOT_GOVERNING.has(field)) continue;
    if (!same(recorded[field], expected[field])) return `checkpoint/manifest.json training field ${field} is ${shown(recorded[field])}, but the run zoo.json records (bound to its lookup key) has ${shown(expected[field])}`;
  }
  const architecture = trainArchitecture(expected as never) as unknown as Record<string, unknown>;
  const arch = (manifest.architecture ?? {}) as unknown as Record<string, unknown>;
  for (const field of new Set([...Object.keys(architecture), ...Object.keys(arch)])) {
    if (!same(arch[field], architecture[field])) return `checkpoint/manifest.json architecture field ${field} is ${shown(arch[field])}, but model ${shown(entry.training.model)} has ${shown(architecture[field])}`;
  }
  if (manifest.step !== entry.steps) return `checkpoint/manifest.json step is ${shown(manifest.step)}, but zoo.json records ${entry.steps} steps`;
  // the layout: every parameter of the architecture, in order, packed from offset 0 (how the zoo writes them)
  const specs = parameterSpecs(architecture as never);
  const tensors = Array.isArray(manifest.tensors) ? manifest.tensors : [];
  if (tensors.length !== specs.length) return `checkpoint/manifest.json lists ${tensors.length} tensors (the architecture has ${specs.length})`;
  let offset = 0;
  for (const [i, spec] of specs.entries()) {
    const t = tensors[i];
    if (t?.name !== spec.name || !same(t.shape, spec.shape) || t.offset !== offset) {
      return `checkpoint/manifest.json tensor ${i} is ${shown(t?.name)} ${shown(t?.shape)} at offset ${shown(t?.offset)} (expected ${spec.name} ${JSON.stringify(spec.shape)} at ${offset})`;
    }
    offset += spec.shape.reduce((a, b) => a * b, 1);
  }
  return undefined;
}
