#!/usr/bin/env node
// `npm run bench [-- <name>...]`: runs every bench/*.bench.js (or those whose name contains an argument; the hour-long
// reproduce-time bench only when named)
// in turn, each in its own process so memory and timings do not leak between them. Each bench times the
// toolkit and its reference implementation side by side in the same run and prints ratios.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
// benches that take an hour run only when named
const NAMED_ONLY = ['reproduce-time.bench.js'];
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => (filters.length === 0 ? !NAMED_ONLY.includes(f) : filters.some((x) => f.includes(x))))
  .sort();
if (benches.length === 0) {
  console.error(`bench: nothing matches ${filters.join(', ') || '(no bench/*.bench.js files)'}`);
  process.exit(2);
}
const failed = [];
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, file)], { stdio: 'inherit' });
  console.log(`=== ${file}: ${r.status === 0 ? 'ok' : `FAILED (exit ${r.status})`} in ${((Date.now() - started) / 1000).toFixed(1)}s ===`);
  if (r.status !== 0) failed.push(file);
}
if (failed.length) {
  console.error(`bench: failed: ${failed.join(', ')}`);
  process.exit(1);
}
