/**
 * What a job key sees besides the config: the code that computes the job's result, the content of
 * the dataset it reads and of a given checkpoint. Changing any of them changes the key, so a stale
 * result is never reused (issue 11, item 3; issue 32, defect 4); the hand-bumped PLAN_VERSION is gone.
 *
 * - Code: a sha256 over the files of the modules a stage runs (below), from the tree that executes: the
 *   built dist/*.js when the CLI runs (and the package as installed), src/*.ts under the tests (which run the
 *   sources). A checkout whose dist/ is older than a source file of the stage is refused: the old build would
 *   compute results under the new code's name. The train and restore stages add the backend identity (the
 *   requested backend and the installed TensorFlow.js backend packages), whose arithmetic they run on.
 * - Datasets: the bundled benchmark by name, size and the fingerprint of its generator; a folder by
 *   a manifest of every file's relative path and sha256 (links followed), the hashes cached across runs
 *   by path, size, modification and change time and inode (util/file-hash.ts).
 * - Checkpoints: by content — our checkpoint format by its manifest (which holds the weights'
 *   sha256 and the training config), any other file (.pt/.pth) by the sha256 of its bytes.
 *   `checkpointContentKey` is exported for the checkpoint zoo: it finds checkpoints by run config,
 *   and the jobs downstream of a zoo checkpoint key on its content through this function.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RdbmError } from '../errors.js';
import { configHash, sha256 } from '../util/hash.js';
import { cachedFileSha256, saveFileHashCache } from '../util/file-hash.js';
import { packageVersion } from '../util/version.js';
import { miniUirIdentity } from '../data/miniUir.js';
import { listFolderFiles } from '../datasets/folder-files.js';
import { checkZooCheckpoint } from '../zoo/entry.js';
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

/**
 * The tree that executes this module (`dist` with .js files, or `src` with .ts under the tests) and, for a
 * built checkout, the sources it was built from.
 */
function codeRoot(): { dir: string; ext: RegExp; sources?: string } {
  const here = dirname(fileURLToPath(import.meta.url)); // <pkg>/src/experiments or <pkg>/dist/experiments
  const pkg = resolve(here, '..', '..');
  if (basename(resolve(here, '..')) === 'src') return { dir: join(pkg, 'src'), ext: /\.(ts|c)$/ };
  const sources = join(pkg, 'src');
  return { dir: join(pkg, 'dist'), ext: /\.js$/, ...(existsSync(join(sources, 'experiments', 'keys.ts')) ? { sources } : {}) };
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

/**
 * Refuses a build older than its sources: a source file of the stage modified after its built .js (or with
 * no .js at all) means the code that would run is not the code in src/.
 */
function refuseStaleBuild(sources: string, dist: string, entries: readonly string[], stage: string): void {
  for (const entry of entries) {
    const base = join(sources, entry);
    const files = existsSync(base) && statSync(base).isDirectory() ? listFiles(base, (n) => n.endsWith('.ts') && !n.endsWith('.d.ts')) : existsSync(`${base}.ts`) ? [`${base}.ts`] : [];
    for (const f of files) {
      const built = join(dist, relative(sources, f)).replace(/\.ts$/, '.js');
      const builtAt = existsSync(built) ? statSync(built).mtimeMs : -Infinity;
      if (statSync(f).mtimeMs > builtAt) {
        throw new RdbmError(`dist/ is older than src/: src/${relative(sources, f).split('\\').join('/')} changed after the last build (the ${stage} stage would run the old code under the new code's key); run npm run build`);
      }
    }
  }
}

/** The TensorFlow.js backend packages whose versions are part of the train and restore fingerprints. */
const BACKEND_PACKAGES = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'] as const;

/**
 * The backend a stage will compute on, as far as it is known before it starts: the requested backend
 * (RDBM_BACKEND, else the auto order), the installed backend packages and the native builds (which decide
 * what auto picks).
 */
export function backendIdentity(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { requested: env.RDBM_BACKEND || 'auto', ...Object.fromEntries(BACKEND_PACKAGES.map((p) => [p, packageVersion(p)])), ...nativeBuilds(env) };
}

/**
 * The native builds `rdbm native build` recorded (tf/native.ts: `<RDBM_NATIVE_DIR or project>/.native/<variant>/build.json`),
 * which the auto order prefers: the TensorFlow libraries (wheel sha256), the binding's tfjs-node and Node ABI.
 * Read as JSON here: tf/native.ts loads TensorFlow.js, which planning never does.
 */
function nativeBuilds(env: NodeJS.ProcessEnv): Record<string, string> {
  const root = env.RDBM_NATIVE_DIR ? resolve(env.RDBM_NATIVE_DIR) : join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.native');
  const out: Record<string, string> = {};
  for (const variant of ['cpu', 'cuda']) {
    try {
      const b = JSON.parse(readFileSync(join(root, variant, 'build.json'), 'utf8')) as { tfVersion?: unknown; wheel?: { sha256?: unknown }; tfjsNode?: unknown; nodeAbi?: unknown };
      out[`native ${variant}`] = `TensorFlow ${String(b.tfVersion)} (wheel ${String(b.wheel?.sha256)}), tfjs-node ${String(b.tfjsNode)}, ABI ${String(b.nodeAbi)}`;
    } catch {
      // no such build: auto skips it
    }
  }
  return out;
}

const fingerprints = new Map<string, string>();

/** sha256 (16 hex digits) of the code a stage runs (and, for train and restore, the backend identity); changes whenever any of those files does. */
export function codeFingerprint(stage: RunStage | 'data'): string {
  const cached = fingerprints.get(stage);
  if (cached) return cached;
  const { dir, ext, sources } = codeRoot();
  if (sources) refuseStaleBuild(sources, dir, STAGE_CODE[stage], stage);
  const source = (name: string) => ext.test(name) && !name.endsWith('.d.ts');
  // in a built checkout, a .js whose source is gone (moved or deleted since an earlier build) is never
  // imported: hashing it would give the same running code a different key on a machine with an older dist/
  const runs = (f: string) => !sources || existsSync(join(sources, relative(dir, f)).replace(/\.js$/, '.ts'));
  const hash = createHash('sha256');
  for (const entry of STAGE_CODE[stage]) {
    const base = join(dir, entry);
    const files = (existsSync(base) && statSync(base).isDirectory() ? listFiles(base, source) : listFiles(dirname(base), source).filter((f) => f.slice(0, f.lastIndexOf('.')) === base)).filter(runs);
    if (files.length === 0) throw new RdbmError(`internal: no source for ${entry} under ${dir} (the code fingerprint of stage ${stage} needs it)`);
    for (const f of files) hash.update(`${relative(dir, f).split('\\').join('/')}\u0000`).update(readFileSync(f)).update('\u0000');
  }
  if (stage === 'train' || stage === 'restore') hash.update(`backend\u0000${JSON.stringify(backendIdentity())}`);
  const value = hash.digest('hex').slice(0, 16);
  fingerprints.set(stage, value);
  return value;
}

const manifests = new Map<string, string>();

/**
 * Manifest hash of a dataset folder: the relative path and sha256 of every file under it (links followed;
 * a link loop or dangling link is an error naming it). Content hashes are cached across runs by path, size,
 * modification and change time and inode, so an unchanged folder is not read again. Memoised per process
 * by the root's path.
 */
export function folderManifestHash(root: string): string {
  const abs = resolve(root);
  const cached = manifests.get(abs);
  if (cached) return cached;
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new RdbmError(`dataset folder not found: ${root} (expected <root>/<Task>/<SubDataset>/{train,test}/{label,condition})`);
  const hash = createHash('sha256');
  for (const f of listFolderFiles(abs)) hash.update(`${f.rel}\u0000${cachedFileSha256(resolve(f.path), f.stat)}\n`);
  saveFileHashCache();
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
  checkZooCheckpoint(dirname(manifest)); // a zoo entry's checkpoint: its manifest must be what zoo.json binds
  try {
    const parsed = JSON.parse(readFileSync(manifest, 'utf8'));
    if (parsed === null || typeof parsed !== 'object') throw new Error('not an object');
    return parsed;
  } catch {
    throw new RdbmError(`checkpoint ${path}: manifest.json is not valid JSON`);
  }
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
  const memo = `${abs}\u0000${stat.size}\u0000${stat.mtimeMs}\u0000${stat.ctimeMs}\u0000${stat.ino}`;
  const cached = checkpointKeys.get(memo);
  if (cached) return cached;
  const parsed = checkpointManifest(path);
  let value: string;
  if (parsed) {
    if (typeof parsed.sha256 !== 'string') throw new RdbmError(`checkpoint ${path}: manifest.json has no sha256 of its weights`);
    value = configHash({ format: 'rdbm', weights: parsed.sha256, architecture: parsed.architecture ?? null, training: parsed.training ?? null });
  } else {
    value = sha256(`torch\u0000${cachedFileSha256(abs, stat)}`).slice(0, 16);
    saveFileHashCache();
  }
  checkpointKeys.set(memo, value);
  return value;
}
