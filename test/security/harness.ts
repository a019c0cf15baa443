/**
 * Runs bin/rdbm.js as a child process and measures what a hostile input costs it: wall time and peak
 * resident memory (VmHWM of /proc/<pid>/status, polled every 20 ms; the kernel keeps the high-water mark,
 * so a poll misses at most the last 20 ms of growth). A child over the time or memory budget is killed, so a
 * check of the old code (which exhausted memory) fails the test instead of the machine.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');
/**
 * The CLI under test. RDBM_SECURITY_ROOT points the suite at another build (e.g. an export of an older
 * commit, built) to show that its checks fail there.
 */
export const BIN = join(process.env.RDBM_SECURITY_ROOT || ROOT, 'bin', 'rdbm.js');

/** The acceptance budget of issue 32: every hostile input refused within 30 s and 1.5 GB. */
export const BUDGET = Object.freeze({ seconds: 30, bytes: 1.5e9 });

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  /** peak resident set size in bytes */
  readonly peakBytes: number;
  /** why the harness killed it, if it did */
  readonly killed?: 'time' | 'memory';
}

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // exited between polls
  }
}

/** Runs `rdbm <args>`; `preload` modules are loaded first (`node --import`), e.g. a file-system fault injector. */
export function rdbm(args: readonly string[], options: { env?: Record<string, string>; cwd?: string; preload?: readonly string[]; budget?: typeof BUDGET; bin?: string } = {}): Promise<Run> {
  const budget = options.budget ?? BUDGET;
  const nodeArgs = [...(options.preload ?? []).flatMap((p) => ['--import', p]), options.bin ?? BIN, ...args];
  const started = performance.now();
  const child = spawn(process.execPath, nodeArgs, { cwd: options.cwd ?? ROOT, env: { ...process.env, RDBM_DEBUG: '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  let peakKb = 0;
  let killed: Run['killed'];
  const poll = setInterval(() => {
    if (child.pid === undefined) return;
    peakKb = Math.max(peakKb, statusKb(child.pid, 'VmHWM'));
    const over = peakKb * 1024 > budget.bytes ? 'memory' : (performance.now() - started) / 1000 > budget.seconds ? 'time' : undefined;
    if (over && !killed) {
      killed = over;
      child.kill('SIGKILL');
    }
  }, 20);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stdout, stderr, seconds: (performance.now() - started) / 1000, peakBytes: peakKb * 1024, ...(killed ? { killed } : {}) });
    });
  });
}

/** Measurements of this file's hostile cases, printed when the file ends (docs/reliability.md quotes them). */
export const measured: { name: string; seconds: number; peakMB: number }[] = [];
afterAll(() => {
  if (measured.length) console.log(`hostile inputs (seconds, peak MB):\n${measured.map((m) => `  ${m.name}: ${m.seconds} s, ${m.peakMB} MB`).join('\n')}`);
});

/**
 * Asserts a refusal as issue 32 asks for it: exit 2, one error line `rdbm: …` matching `message`, last on
 * stderr (informational lines such as `backend: cpu` and warnings may precede it; no stack trace, no internal error),
 * within the time and memory budget.
 */
export function expectRefused(name: string, run: Run, message: RegExp): void {
  measured.push({ name, seconds: Number(run.seconds.toFixed(2)), peakMB: Math.round(run.peakBytes / 2 ** 20) });
  expect(run.killed, `${name}: killed over the ${run.killed} budget after ${run.seconds.toFixed(1)} s at ${Math.round(run.peakBytes / 2 ** 20)} MB`).toBeUndefined();
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines.filter((l) => l.startsWith('rdbm:') && !l.startsWith('rdbm: warning:')), `${name}: stderr ${run.stderr}`).toHaveLength(1);
  expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(lines[lines.length - 1]).toMatch(message);
  expect(run.code, `${name}: ${run.stderr}`).toBe(2);
  expect(run.seconds).toBeLessThan(BUDGET.seconds);
  expect(run.peakBytes).toBeLessThan(BUDGET.bytes);
}

/** A regular expression matching `text` literally. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
