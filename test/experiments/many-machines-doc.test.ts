/** docs/many-machines.md quotes the lease timing, the poll interval, the CUDA wheel and the retry budget as the code has them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { k8sManifest } from '../../src/experiments/emit-k8s.js';
import { DEFAULT_LEASE_TIMING } from '../../src/experiments/lease.js';
import { DEFAULT_POLL_SECONDS } from '../../src/experiments/runner.js';
import { CUDA_PIP_SPEC } from '../../src/native/build.js';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'many-machines.md'), 'utf8').replace(/\s+/g, ' ');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

it('quotes the heartbeat, the stale age, the poll interval, the CUDA wheel and the retries as the code defines them', () => {
  const { heartbeatSeconds, staleSeconds } = DEFAULT_LEASE_TIMING;
  expect(doc).toContain(`refreshes every ${heartbeatSeconds} s (\`DEFAULT_LEASE_TIMING\`)`);
  expect(doc).toContain(`its heartbeat is more than ${staleSeconds} s old`);
  expect(doc).toContain(`missed its heartbeats for ${staleSeconds} s`);
  expect(doc).toContain(`or after ${staleSeconds} s from another`);
  expect(doc).toContain(`agree to well within ${staleSeconds} s (NTP)`);
  expect(doc).toContain(`looks again every ${DEFAULT_POLL_SECONDS} s`);
  expect(doc).toContain(`rdbm native build --pip '${CUDA_PIP_SPEC}'`);
  const yaml = k8sManifest({ name: 'x', rdbm: ['rdbm'], sweepArgs: [], resultsDir: '/r', shards: 4, report: [] }, { image: 'i', claim: 'c' });
  expect(yaml).toContain('backoffLimit: 12\n');
  expect(doc).toContain('(`backoffLimit`: three per shard)');
  // the README's section points here
  expect(readme).toContain('## Many machines');
  expect(readme).toContain('[docs/many-machines.md](docs/many-machines.md)');
});
