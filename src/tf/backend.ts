/**
 * The TensorFlow.js namespace rdbm-lab computes with, and backend selection.
 *
 * Order (auto): native GPU → native CPU → @tensorflow/tfjs-backend-wasm → CPU. The native backends are
 * tfjs-node's binding built against a TensorFlow wheel by `rdbm native build` (./native.ts); without such a
 * build, an installed @tensorflow/tfjs-node(-gpu) package whose own install succeeded is used instead. Both are
 * loaded lazily and never break installing or importing rdbm-lab.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { availableParallelism } from 'node:os';
import { RdbmError } from '../errors.js';
import { packageVersion } from '../util/version.js';
import { registerChainedOps } from './chained-ops.js';
import { loadNative, loadedNative, nativeUnavailable, threadCount } from './native.js';

/** TF.js's API as `@tensorflow/tfjs` gives it for tensors: tfjs-core with the chained ops (`x.mul(2).add(y)`). */
export const CHAINED_OPS: readonly string[] = Object.freeze(registerChainedOps(tf));
export { tf };
/**
 * Brings the chained ops' declarations (`interface Tensor { mul(…) }`) into every program that imports
 * rdbm-lab, our .d.ts included (a bare type import would be elided from it).
 */
export type ChainedOpsDeclarations = typeof import('@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js');

export const BACKEND_IDS = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendId = (typeof BACKEND_IDS)[number];

export interface BackendInfo {
  /** our id: node-gpu, node, wasm or cpu */
  readonly id: BackendId;
  /** the name TensorFlow.js knows the backend by (`tensorflow`, `wasm`, `cpu`) */
  readonly tfName: string;
  /** the npm package that provides it, with its version */
  readonly package: string;
  /** why earlier choices in the auto order were skipped */
  readonly skipped: readonly string[];
  /** native backends: the TensorFlow version of the libraries, and whether they came from `rdbm native build` */
  readonly tensorflow?: { readonly version: string; readonly build: 'rdbm native' | 'tfjs-node package'; readonly threads?: number };
}

const PACKAGES: Record<BackendId, string> = {
  'node-gpu': '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** Loads a native backend: our own build of the variant first, else the stock npm package (whose install must have fetched libtensorflow). */
async function tryNative(id: 'node-gpu' | 'node'): Promise<NonNullable<BackendInfo['tensorflow']>> {
  const variant = id === 'node-gpu' ? 'cuda' : 'cpu';
  const already = loadedNative();
  // one TensorFlow per process: a CUDA build already loaded (no GPU seen) serves the CPU backend too
  const why = already ? undefined : nativeUnavailable(variant);
  if (!why || (id === 'node' && already)) {
    const native = already ?? loadNative(variant);
    if (id === 'node-gpu' && !native.binding.isUsingGpuDevice()) throw new Error('the CUDA build sees no GPU (check nvidia-smi and CUDA_VISIBLE_DEVICES)');
    if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" did not initialise');
    return { version: native.build.tfVersion, build: 'rdbm native', threads: threadCount() ?? availableParallelism() };
  }
  try {
    await import(PACKAGES[id]);
  } catch (error) {
    throw new Error(`${why}; the ${PACKAGES[id]} package did not load either (${String((error as Error).message ?? error).split('\n')[0]})`);
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" did not initialise');
  return { version: 'unknown', build: 'tfjs-node package' };
}

async function tryBackend(id: BackendId): Promise<{ tfName: string; tensorflow?: BackendInfo['tensorflow'] }> {
  if (id === 'node-gpu' || id === 'node') return { tfName: 'tensorflow', tensorflow: await tryNative(id) };
  if (id === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('backend "wasm" did not initialise');
    return { tfName: 'wasm' };
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('backend "cpu" did not initialise');
  return { tfName: 'cpu' };
}

let current: Promise<BackendInfo> | undefined;
let currentRequest: string | undefined;
let selected: BackendInfo | undefined;

/**
 * The backend this process selected last (undefined before initBackend resolves). Worker threads
 * (data-parallel training, batched restore) initialise the same id so that every thread computes alike.
 */
export function selectedBackend(): BackendInfo | undefined {
  return selected && tf.getBackend() === selected.tfName ? selected : undefined;
}

/** The id worker threads pass to initBackend to compute as this thread does (`tensorflow` without a selection: node). */
export function currentBackendId(): BackendId {
  const name = tf.getBackend();
  return selectedBackend()?.id ?? (name === 'tensorflow' ? 'node' : (name as BackendId));
}

/**
 * Selects the backend once per process: `preference` (or RDBM_BACKEND) if given, else the auto order.
 * An explicitly requested backend that cannot load is an error (no silent fallback).
 */
export function initBackend(preference: BackendId | 'auto' | undefined = undefined): Promise<BackendInfo> {
  const requested = preference ?? (process.env.RDBM_BACKEND as BackendId | 'auto' | undefined) ?? 'auto';
  if (requested !== 'auto' && !BACKEND_IDS.includes(requested)) {
    throw new RdbmError(`invalid backend: ${JSON.stringify(requested)} (expected one of auto, ${BACKEND_IDS.join(', ')}; set by --backend or RDBM_BACKEND)`);
  }
  if (current && currentRequest === requested) return current;
  currentRequest = requested;
  current = (async () => {
    const order: BackendId[] = requested === 'auto' ? [...BACKEND_IDS] : [requested];
    const skipped: string[] = [];
    for (const id of order) {
      try {
        const { tfName, tensorflow } = await tryBackend(id);
        await tf.ready();
        const pkg = tensorflow?.build === 'rdbm native' ? `@tensorflow/tfjs-node@${loadedNative()!.build.tfjsNode}` : `${PACKAGES[id]}@${packageVersion(PACKAGES[id])}`;
        selected = { id, tfName, package: pkg, skipped, ...(tensorflow ? { tensorflow } : {}) };
        return selected;
      } catch (error) {
        const reason = String((error as Error).message ?? error).split('\n')[0];
        if (requested !== 'auto') {
          throw new RdbmError(`backend ${id} is not available: ${reason}`);
        }
        skipped.push(`${id}: ${reason}`);
      }
    }
    throw new RdbmError(`no TensorFlow.js backend could be initialised (${skipped.join('; ')})`);
  })();
  current.catch(() => {
    current = undefined;
  });
  return current;
}

/**
 * One line for logs and result files, e.g. `backend: wasm (@tensorflow/tfjs-backend-wasm@4.22.0)` or
 * `backend: node (@tensorflow/tfjs-node@4.22.0, TensorFlow 2.21.0 rdbm native build, 2 threads)`.
 */
export function describeBackend(info: BackendInfo): string {
  const t = info.tensorflow;
  const native = t ? `, TensorFlow ${t.version} ${t.build === 'rdbm native' ? 'rdbm native build' : 'tfjs-node package'}${t.threads ? `, ${t.threads} thread${t.threads === 1 ? '' : 's'}` : ''}` : '';
  return `backend: ${info.id} (${info.package}${native})`;
}

/**
 * The TensorFlow intra-op thread count a `describeBackend` line names (`…, 1 thread)`), if any: a native backend's
 * float sums depend on it, so weights repeat bit for bit only at the same count.
 */
export function threadsOfDescription(description: string): number | undefined {
  const m = /, (\d+) threads?\)$/.exec(description);
  return m ? Number(m[1]) : undefined;
}

/**
 * Worker threads for a data-parallel job on the current backend: wasm and cpu compute on one thread each, so
 * `requested` threads share the work; a native backend parallelises inside TensorFlow (--threads), where a
 * second TensorFlow per worker would only contend for the same cores, so it runs one.
 */
export function workerThreadsFor(requested: number): number {
  return tf.getBackend() === 'tensorflow' ? 1 : requested;
}
