import type { Io } from '../../src/cli/command.js';

/** An Io for in-process CLI runs that keeps everything written: `stdout` and `stderr` as strings. */
export function captureIo(): Io & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', errIsTTY: false, out: (s: string) => void (io.stdout += s), err: (s: string) => void (io.stderr += s) };
  return io;
}
