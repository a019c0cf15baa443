import type { Io } from './io.js';

export interface Progress {
  /** records `n` more units done; `note` is shown after the counters */
  tick(n?: number, note?: string): void;
  /** prints the final line */
  done(note?: string): void;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Progress on stderr: `label 12/40 images, 3.1 images/s, ETA 9s`. On a terminal it redraws one
 * line; otherwise it prints at most one line every `intervalMs` (and the last one), so logs stay short.
 */
export function createProgress(
  io: Pick<Io, 'err' | 'errIsTTY'>,
  label: string,
  total: number,
  unit = 'items',
  options: { intervalMs?: number; now?: () => number } = {},
): Progress {
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? (io.errIsTTY ? 100 : 2000);
  const start = now();
  let count = 0;
  let last = -Infinity;
  const line = (note?: string): string => {
    const elapsed = (now() - start) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const eta = rate > 0 ? (total - count) / rate : Infinity;
    const rateText = rate >= 1 || rate === 0 ? `${rate.toFixed(1)} ${unit}/s` : `${(1 / rate).toFixed(1)} s/${unit.replace(/s$/, '')}`;
    return `${label} ${count}/${total} ${unit}, ${rateText}, ${count >= total ? `took ${duration(elapsed)}` : `ETA ${duration(eta)}`}${note ? `, ${note.replace(/[\u0000-\u001f\u007f]+/g, ' ')}` : ''}`;
  };
  return {
    tick(n = 1, note?: string) {
      count += n;
      const t = now();
      if (t - last >= interval || count >= total) {
        last = t;
        io.err(io.errIsTTY ? `\r\x1b[K${line(note)}` : `${line(note)}\n`);
      }
    },
    done(note?: string) {
      io.err(io.errIsTTY ? `\r\x1b[K${line(note)}\n` : `${line(note)}\n`);
    },
  };
}
