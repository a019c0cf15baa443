/** `rdbm zoo shrink`: bad names and entries already narrow are refused in one line, before any backend starts. */
import { expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { captureIo } from '../../helpers/io.js';

test.each([
  [['zoo', 'shrink', 'nope'], /^rdbm: unknown zoo entry: "nope" \(expected one of .*\bT\b.* in .*data\/zoo\)\n$/],
  [['zoo', 'shrink', 'w64-T'], /^rdbm: zoo entry w64-T: already stored in float16\n$/],
  [['zoo', 'shrink'], /^rdbm: zoo shrink: missing <name>/],
])('rdbm %j: one line, exit 2, no backend started', async (args, message) => {
  const io = captureIo();
  expect(await runCli(args, io)).toBe(2);
  expect(io.stderr).toMatch(message);
  expect(io.stderr).not.toContain('backend:');
  expect(io.stderr.trim().split('\n')).toHaveLength(1);
});
