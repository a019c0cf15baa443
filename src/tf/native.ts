/**
 * The native TensorFlow backend built by `rdbm native build` (src/native/build.ts): tfjs-node's binding
 * compiled against the C libraries of a TensorFlow wheel, in a git-ignored folder of the project
 * (`.native/<variant>/`, or RDBM_NATIVE_DIR). Loading it registers TF.js's `tensorflow` backend with the
 * binding and tfjs-node's kernels, without tfjs-node's index (which pulls the whole `@tensorflow/tfjs`
 * union package only to re-export it).
 *
 * Variants: `cpu` (the tensorflow-cpu wheel) and `cuda` (the tensorflow wheel, CUDA 12). Each folder holds
 * `build.json` (what was built from what), `tfjs-node/` (the package, its compiled binding and the wheel's
 * libraries) and `node_modules/@tensorflow/tfjs` (a two-line module re-exporting tfjs-core, so tfjs-node's
 * kernels bind to the very tfjs-core instance rdbm-lab computes with).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

export const NATIVE_VARIANTS = ['cpu', 'cuda'] as const;
export type NativeVariant = (typeof NATIVE_VARIANTS)[number];

/** What `rdbm native build` records beside a build (`.native/<variant>/build.json`). */
export interface NativeBuild {
  readonly variant: NativeVariant;
  /** TF_Version() of the libraries, e.g. 2.21.0 */
  readonly tfVersion: string;
  /** the TensorFlow wheel the libraries came from, with its sha256 */
  readonly wheel: { readonly file: string; readonly sha256: string };
  /** what the build was asked for: the pip spec, or the wheel's path */
  readonly source: string;
  /** the @tensorflow/tfjs-node version whose binding was compiled */
  readonly tfjsNode: string;
  /** Node's ABI (process.versions.modules) and N-API version the binding was compiled for */
  readonly nodeAbi: string;
  readonly napi: number;
  readonly builtAt: string;
}

/** The project root (two levels above dist/tf and src/tf). */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where native builds live: RDBM_NATIVE_DIR, else `<project>/.native`. */
export function nativeRoot(): string {
  return process.env.RDBM_NATIVE_DIR ? resolve(process.env.RDBM_NATIVE_DIR) : join(PACKAGE_ROOT, '.native');
}

export function variantDir(variant: NativeVariant, root = nativeRoot()): string {
  return join(root, variant);
}

/** The binding file inside a variant's folder. */
export function bindingPath(dir: string): string {
  return join(dir, 'tfjs-node', 'build', 'Release', 'tfjs_binding.node');
}

/** The recorded build of a variant, when its binding exists and matches this Node's ABI; else undefined. */
export function readNativeBuild(variant: NativeVariant, root = nativeRoot()): NativeBuild | undefined {
  const dir = variantDir(variant, root);
  const manifest = join(dir, 'build.json');
  if (!existsSync(manifest) || !existsSync(bindingPath(dir))) return undefined;
  try {
    return JSON.parse(readFileSync(manifest, 'utf8')) as NativeBuild;
  } catch {
    return undefined;
  }
}

/** Why a variant cannot load, in a few words, or undefined when it can be tried. */
export function nativeUnavailable(variant: NativeVariant, root = nativeRoot()): string | undefined {
  const build = readNativeBuild(variant, root);
  if (!build) return `not built (run \`npm run native\`${variant === 'cuda' ? " with --pip 'tensorflow[and-cuda]==2.21.0'" : ''})`;
  if (build.nodeAbi !== process.versions.modules) return `built for Node ABI ${build.nodeAbi}, this Node has ${process.versions.modules} (rebuild with \`npm run native -- --force\`)`;
  return undefined;
}

/** Intra-op threads for TF: --threads / RDBM_THREADS, read when the binding loads (TF_NUM_INTRAOP_THREADS). */
export function threadCount(): number | undefined {
  const v = process.env.TF_NUM_INTRAOP_THREADS;
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

interface Binding {
  readonly TF_Version: string;
  isUsingGpuDevice(): boolean;
}

export interface LoadedNative {
  readonly variant: NativeVariant;
  readonly build: NativeBuild;
  readonly binding: Binding;
}

let loaded: LoadedNative | undefined;

/**
 * Loads a variant's binding and registers the `tensorflow` backend (once per process; TF cannot load two
 * builds into one process). TF's C++ logging is quieted to errors unless TF_CPP_MIN_LOG_LEVEL is set.
 */
export function loadNative(variant: NativeVariant, root = nativeRoot()): LoadedNative {
  if (loaded) {
    if (loaded.variant !== variant) throw new Error(`the ${loaded.variant} native build is already loaded in this process (one TensorFlow per process)`);
    return loaded;
  }
  const why = nativeUnavailable(variant, root);
  if (why) throw new Error(why);
  const dir = variantDir(variant, root);
  const build = readNativeBuild(variant, root)!;
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // --threads / RDBM_THREADS: TF reads its intra-op thread count from the environment when its context starts
  if (process.env.RDBM_THREADS) process.env.TF_NUM_INTRAOP_THREADS = process.env.RDBM_THREADS;
  const require = createRequire(join(dir, 'tfjs-node', 'package.json'));
  const binding = require(bindingPath(dir)) as Binding;
  require(join(dir, 'tfjs-node', 'dist', 'register_all_kernels.js'));
  const { NodeJSKernelBackend } = require(join(dir, 'tfjs-node', 'dist', 'nodejs_kernel_backend.js')) as { NodeJSKernelBackend: new (b: Binding, name: string) => tf.KernelBackend };
  tf.registerBackend('tensorflow', () => new NodeJSKernelBackend(binding, '@tensorflow/tfjs-node'), 3);
  loaded = { variant, build, binding };
  return loaded;
}

/** The loaded native build, if any. */
export function loadedNative(): LoadedNative | undefined {
  return loaded;
}
