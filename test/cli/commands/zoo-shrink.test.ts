/** `rdbm zoo shrink` (and `zoo verify`'s name): bad names and entries already narrow are refused in one line, before any backend starts. */
import { expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { captureIo } from '../../helpers/io.js';

test.each([
  [['zoo', 'shrink', 'nope'], /^rdbm: unknown zoo entry in .*data\/zoo: "nope" \(expected one of .*\bT\b.*\)\n$/],
  [['zoo', 'shrink', 'w64-T'], /^rdbm: zoo entry w64-T: already stored in float16\n$/],
  [['zoo', 'shrink'], /^rdbm: zoo shrink: missing <name>/],
  // the same lookup (zooEntryDir) for the command that retrains an entry's first steps
  [['zoo', 'verify', 'nope'], /^rdbm: unknown zoo entry in .*data\/zoo: "nope" \(expected one of .*\bT\b.*\)\n$/],
])('rdbm %j: one line, exit 2, no backend started', async (args, message) => {
  const io = captureIo();
  expect(await runCli(args, io)).toBe(2);
  expect(io.stderr).toMatch(message);
  expect(io.stderr).not.toContain('backend:');
  expect(io.stderr.trim().split('\n')).toHaveLength(1);
});
