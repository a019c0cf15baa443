/** Fake executors for runner tests: they write small artefacts and count calls; scores are a function of the config. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Executors } from '../../src/experiments/executors.js';
import type { RunStage } from '../../src/experiments/config.js';

export const TASKS = [
  ['Deraining', 'MiniRain'],
  ['Enlighening', 'MiniLowLight'],
  ['Desnowing', 'MiniSnow'],
  ['Dehazing', 'MiniHaze'],
  ['Deblur', 'MiniBlur'],
] as const;

export interface FakeLog {
  calls: { kind: RunStage | 'data'; key: string }[];
}

/** Waits `ms`, or throws the signal's reason when it is aborted first (as the real executors stop). */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    function stop() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * `failAt`: throw on the n-th job call (1-based, counting train/restore/evaluate), simulating a kill.
 * `delayMs`: each job takes this long (abortable through its signal), so concurrent workers interleave.
 */
export function fakeExecutors(log: FakeLog, options: { failAt?: number; delayMs?: number | ((kind: RunStage) => number) } = {}): Executors {
  let n = 0;
  const step = async (kind: RunStage, key: string, signal?: AbortSignal) => {
    n++;
    if (options.failAt !== undefined && n >= options.failAt) throw new Error(`killed at job ${n} (${kind} ${key})`);
    const delay = typeof options.delayMs === 'function' ? options.delayMs(kind) : options.delayMs;
    if (delay) await pause(delay, signal);
    log.calls.push({ kind, key });
  };
  return {
    async prepareData(config, datasetsDir) {
      log.calls.push({ kind: 'data', key: config.dataset });
      return join(datasetsDir, 'fake');
    },
    async train({ job, outDir, signal }) {
      await step('train', job.key, signal);
      const checkpoint = join(outDir, 'checkpoint-final');
      mkdirSync(checkpoint, { recursive: true });
      writeFileSync(join(checkpoint, 'weights.bin'), job.key);
      return { checkpoint, info: { finalLoss: 0.1 } };
    },
    async restore({ job, outDir, checkpoint, signal }) {
      await step('restore', job.key, signal);
      for (const [task, sub] of TASKS) {
        mkdirSync(join(outDir, task, sub), { recursive: true });
        writeFileSync(join(outDir, task, sub, 'img_0.png'), `${checkpoint}:${job.config.nfe}`);
      }
      return { images: TASKS.length };
    },
    async evaluate({ job, signal }) {
      await step('evaluate', job.key, signal);
      const c = job.config;
      // a deterministic stand-in: PSNR grows with NFE and depends on the task index
      return {
        images: TASKS.flatMap(([task, sub], i) => [
          { task, subDataset: sub, name: 'img_0.png', psnr: 20 + c.nfe / 10 + i, ssim: 0.5 + i / 100 },
          { task, subDataset: sub, name: 'img_1.png', psnr: i === 4 ? null : 22 + i, ssim: 0.6 },
        ]),
      };
    },
    async environment() {
      return { backend: 'fake', versions: { 'rdbm-lab': 'test' } };
    },
  };
}

export function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), errIsTTY: false },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
