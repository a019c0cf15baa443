/**
 * The heartbeat thread (heartbeat.ts): refreshes every held lease each interval, on its own event loop,
 * so a training step that keeps the main thread busy for minutes does not let its lease go stale.
 * Messages in: {hold: path, token} | {drop: path, id}; out: {dropped: id} once the lease is no longer
 * refreshed (so the caller can remove it without a refresh putting it back), {lost: path} when a lease is no
 * longer ours.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { refreshLease } from './lease.js';

const held = new Map<string, string>();
const port = parentPort!;
port.on('message', (m: { hold?: string; token?: string; drop?: string; id?: number }) => {
  if (m.hold && m.token) held.set(m.hold, m.token);
  if (m.drop) {
    held.delete(m.drop);
    port.postMessage({ dropped: m.id });
  }
});
setInterval(() => {
  for (const [path, token] of held) {
    let ours: boolean;
    try {
      ours = refreshLease(path, token, new Date());
    } catch {
      // a passing filesystem error: try again at the next beat (the lease goes stale only after many)
      continue;
    }
    if (!ours) {
      held.delete(path);
      port.postMessage({ lost: path });
    }
  }
}, (workerData as { intervalMs: number }).intervalMs);
