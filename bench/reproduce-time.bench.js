// `npm run bench -- reproduce-time` (named only: it takes about an hour): the default job as a fresh clone runs it,
// `rdbm reproduce` into an empty results folder (mini-uir generated, every restoration and score computed, the
// report rendered), once on the native backend (when built) and once on wasm alone, on every core of this machine.
// Prints both wall times against the issue-31 goals (native ≤ 20 min, wasm ≤ 45 min on 2 cores).
// RDBM_BENCH_BACKENDS=node (or wasm) times one of them only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCALE } from '../dist/experiments/scales.js';
import { nativeUnavailable } from '../dist/tf/native.js';

const root = join(import.meta.dirname, '..');
const GOALS = { node: 20, wasm: 45 };
const minutes = (s) => `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
console.log(`rdbm reproduce (scale ${DEFAULT_SCALE}) into a fresh results folder, ${availableParallelism()} cores`);
const backends = (process.env.RDBM_BENCH_BACKENDS ?? 'node,wasm').split(',').map((b) => b.trim());
const unknown = backends.find((b) => !(b in GOALS));
if (unknown) {
  console.error(`bench: RDBM_BENCH_BACKENDS: unknown backend "${unknown}" (expected node, wasm or both, comma-separated)`);
  process.exit(2);
}
for (const backend of backends) {
  const missing = backend === 'node' ? nativeUnavailable('cpu') : undefined;
  if (missing) {
    console.log(`  ${backend}: n/a (${missing})`);
    continue;
  }
  const dir = mkdtempSync(join(tmpdir(), `rdbm-reproduce-${backend}-`));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'RDBM_THREADS' && k !== 'RDBM_BACKEND'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'rdbm.js'), 'reproduce', '--backend', backend, '--results', dir], { env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) {
    console.log(`  ${backend}: FAILED (exit ${r.status}): ${r.stderr.trim().split('\n').pop()}`);
    process.exitCode = 1;
    continue;
  }
  console.log(`  ${backend}: ${minutes(seconds)} (goal ≤ ${GOALS[backend]} min: ${seconds <= GOALS[backend] * 60 ? 'met' : 'NOT met'}, ${(seconds / 60 / GOALS[backend]).toFixed(2)} of it)`);
}
