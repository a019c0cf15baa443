/**
 * What a job key sees besides the config: the code that computes the job's result, the content of
 * the dataset it reads and of a given checkpoint. Changing any of them changes the key, so a stale
 * result is never reused (issue 11, item 3); the hand-bumped PLAN_VERSION is gone.
 *
 * - Code: a sha256 over the source files of the modules a stage runs (below), read from the
 *   package's `src/` when it is there (a checkout: the CLI and the tests agree) else from `dist/`.
 * - Datasets: the bundled benchmark by name, size and the fingerprint of its generator; a folder by
 *   a manifest hash (every file's relative path, size and modification time: an edit, a new file or
 *   a copy changes it; nothing is read but the directory entries).
 * - Checkpoints: by content — our checkpoint format by its manifest (which holds the weights'
 *   sha256 and the training config), any other file (.pt/.pth) by the sha256 of its bytes.
 *   `checkpointContentKey` is exported for the checkpoint zoo: it finds checkpoints by run config,
 *   and the jobs downstream of a zoo checkpoint key on its content through this function.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RdbmError } from '../errors.js';
import { configHash, sha256 } from '../util/hash.js';
import { miniUirIdentity } from '../data/miniUir.js';
import type { RunConfig, RunStage } from './config.js';

/**
 * The source (folders or files, relative to src/ or dist/) whose behaviour decides each stage's
 * result. `data` is the bundled benchmark's generator, part of every stage's dataset key.
 */
export const STAGE_CODE: Readonly<Record<RunStage | 'data', readonly string[]>> = Object.freeze({
  data: ['data', 'image', 'util/random'],
  train: ['bridge', 'models', 'datasets', 'image', 'tf', 'util/random', 'experiments/real', 'experiments/testset'],
  restore: ['bridge', 'models', 'rddm', 'datasets', 'image', 'tf', 'experiments/real', 'experiments/testset'],
  evaluate: ['metrics', 'image', 'datasets', 'experiments/real', 'experiments/testset', 'experiments/scores'],
});

/** The folder the fingerprint reads: the checkout's src/ if present, else the built dist/. */
function codeRoot(): { dir: string; ext: RegExp } {
  const here = dirname(fileURLToPath(import.meta.url)); // <pkg>/src/experiments or <pkg>/dist/experiments
  const pkg = resolve(here, '..', '..');
  const src = join(pkg, 'src');
  if (existsSync(join(src, 'experiments', 'keys.ts'))) return { dir: src, ext: /\.(ts|c)$/ };
  return { dir: join(pkg, 'dist'), ext: /\.js$/ };
}

/** Every file below `dir` whose name `keep` accepts, in sorted path order (the order hashes see). */
function listFiles(dir: string, keep: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (keep(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

const fingerprints = new Map<string, string>();

/** sha256 (16 hex digits) of the source a stage runs; changes whenever any of those files does. */
export function codeFingerprint(stage: RunStage | 'data'): string {
  const cached = fingerprints.get(stage);
  if (cached) return cached;
  const { dir, ext } = codeRoot();
  const source = (name: string) => ext.test(name) && !name.endsWith('.d.ts');
  const hash = createHash('sha256');
  for (const entry of STAGE_CODE[stage]) {
    const base = join(dir, entry);
    const files = existsSync(base) && statSync(base).isDirectory() ? listFiles(base, source) : listFiles(dirname(base), source).filter((f) => f.slice(0, f.lastIndexOf('.')) === base);
    if (files.length === 0) throw new RdbmError(`internal: no source for ${entry} under ${dir} (the code fingerprint of stage ${stage} needs it)`);
    for (const f of files) hash.update(`${relative(dir, f)}\u0000`).update(readFileSync(f)).update('\u0000');
  }
  const value = hash.digest('hex').slice(0, 16);
  fingerprints.set(stage, value);
  return value;
}

const manifests = new Map<string, string>();

/**
 * Manifest hash of a dataset folder: relative path, size and modification time of every file under
 * it. Memoised per process by the root's path.
 */
export function folderManifestHash(root: string): string {
  const abs = resolve(root);
  const cached = manifests.get(abs);
  if (cached) return cached;
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new RdbmError(`dataset folder not found: ${root} (expected <root>/<Task>/<SubDataset>/{train,test}/{label,condition})`);
  const hash = createHash('sha256');
  for (const p of listFiles(abs, () => true)) {
    const st = statSync(p);
    if (st.isFile()) hash.update(`${relative(abs, p)}\u0000${st.size}\u0000${Math.round(st.mtimeMs)}\n`);
  }
  const value = hash.digest('hex').slice(0, 16);
  manifests.set(abs, value);
  return value;
}

/**
 * What a job key holds for a config's dataset: the bundled benchmark's name, size, generator code and
 * identity (generator version, options and the sha256 of every source photograph), or a folder's manifest hash.
 */
export function datasetKey(config: Pick<RunConfig, 'dataset' | 'datasetSize'>): Record<string, unknown> {
  if (config.dataset === 'mini-uir') return { bundled: 'mini-uir', size: config.datasetSize, code: codeFingerprint('data'), photos: configHash(miniUirIdentity({ size: config.datasetSize })) };
  return { manifest: folderManifestHash(config.dataset) };
}

const checkpointKeys = new Map<string, string>();

/**
 * The manifest of a checkpoint in our format (a folder or its manifest.json), read as JSON only
 * (planning never loads TensorFlow.js or the weights); undefined for any other file (.pt/.pth).
 */
export function checkpointManifest(path: string): { sha256?: unknown; architecture?: unknown; training?: unknown } | undefined {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new RdbmError(`checkpoint not found: ${path} (expected a checkpoint folder with manifest.json, or a .pt/.pth file)`);
  const manifest = statSync(abs).isDirectory() ? join(abs, 'manifest.json') : abs.endsWith('manifest.json') ? abs : undefined;
  if (!manifest) return undefined;
  if (!existsSync(manifest)) throw new RdbmError(`checkpoint ${path}: no manifest.json in the folder (expected a checkpoint folder written by rdbm train)`);
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8'));
    if (parsed === null || typeof parsed !== 'object') throw new Error('not an object');
    return parsed;
  } catch {
    throw new RdbmError(`checkpoint ${path}: manifest.json is not valid JSON`);
  }
}

function fileSha256(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * The content key of a checkpoint (16 hex digits): our format (a folder or its manifest.json) by
 * the manifest, which records the weights' sha256; a .pt/.pth (or any other file) by the sha256 of
 * its bytes. Two copies of one checkpoint share a key; a retrained one never does.
 */
export function checkpointContentKey(path: string): string {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new RdbmError(`checkpoint not found: ${path} (expected a checkpoint folder with manifest.json, or a .pt/.pth file)`);
  const stat = statSync(abs);
  const memo = `${abs}\u0000${stat.size}\u0000${stat.mtimeMs}`;
  const cached = checkpointKeys.get(memo);
  if (cached) return cached;
  const parsed = checkpointManifest(path);
  let value: string;
  if (parsed) {
    if (typeof parsed.sha256 !== 'string') throw new RdbmError(`checkpoint ${path}: manifest.json has no sha256 of its weights`);
    value = configHash({ format: 'rdbm', weights: parsed.sha256, architecture: parsed.architecture ?? null, training: parsed.training ?? null });
  } else {
    value = sha256(`torch\u0000${fileSha256(abs)}`).slice(0, 16);
  }
  checkpointKeys.set(memo, value);
  return value;
}
