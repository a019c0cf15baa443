/**
 * Keeps a worker's leases alive while it runs their jobs: a worker thread (heartbeat-worker.ts) refreshes
 * each held lease every `heartbeatSeconds`, independent of the main thread, which may be busy in a long
 * synchronous training step. When a lease turns out not to be ours any more (another worker judged it
 * stale and took the job), `onLost` is called so the job can be stopped. Without the compiled thread
 * (e.g. a bare TypeScript run) the main thread's timer does it.
 */
import { Worker } from 'node:worker_threads';
import { compiledWorkerUrl } from '../util/worker-url.js';
import { refreshLease } from './lease.js';

export interface Heartbeat {
  hold(path: string, token: string): void;
  /** stops refreshing a lease; resolves once no refresh of it can happen any more (then it may be removed) */
  drop(path: string): Promise<void>;
  /** stops the thread (idempotent) */
  stop(): Promise<void>;
}

export function startHeartbeat(heartbeatSeconds: number, onLost: (path: string) => void): Heartbeat {
  const intervalMs = Math.max(10, Math.round(heartbeatSeconds * 1000));
  const url = compiledWorkerUrl(import.meta.url, 'heartbeat-worker.js');
  if (url) {
    // not unref'd: drop() awaits its reply; the runner stops it when done
    const worker = new Worker(url, { workerData: { intervalMs } });
    const waiting = new Map<number, () => void>();
    let ids = 0;
    let stopped = false;
    const settle = () => {
      for (const done of waiting.values()) done();
      waiting.clear();
    };
    worker.on('message', (m: { lost?: string; dropped?: number }) => {
      if (m.lost) onLost(m.lost);
      if (m.dropped !== undefined) {
        waiting.get(m.dropped)?.();
        waiting.delete(m.dropped);
      }
    });
    // a thread that fails leaves the leases to age: stale after staleSeconds, like a dead worker's
    worker.on('error', settle);
    worker.on('exit', settle);
    return {
      hold: (path, token) => worker.postMessage({ hold: path, token }),
      drop: (path) =>
        stopped
          ? Promise.resolve()
          : new Promise<void>((resolve) => {
              const id = ++ids;
              waiting.set(id, resolve);
              worker.postMessage({ drop: path, id });
            }),
      async stop() {
        if (stopped) return;
        stopped = true;
        await worker.terminate();
        settle();
      },
    };
  }
  const held = new Map<string, string>();
  const timer = setInterval(() => {
    for (const [path, token] of held) {
      if (!refreshLease(path, token, new Date())) {
        held.delete(path);
        onLost(path);
      }
    }
  }, intervalMs);
  timer.unref();
  return {
    hold: (path, token) => void held.set(path, token),
    drop: async (path) => void held.delete(path),
    async stop() {
      clearInterval(timer);
    },
  };
}
