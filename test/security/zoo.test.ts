/**
 * Issue 32, defect 5: a zoo checkpoint whose manifest.json was edited (λ 0.5, schedule linear) was accepted by
 * `zoo list`, `zoo verify` and `sweep --rdbm-checkpoint`. A copy of the bundled entry T is edited here.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { ROOT, expectRefused, rdbm } from './harness.js';

let zoo: string;
const edit = (entry: string, change: (m: Record<string, any>) => void) => {
  const path = join(zoo, entry, 'checkpoint', 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8'));
  change(m);
  writeFileSync(path, JSON.stringify(m, null, 2));
};

beforeAll(() => {
  zoo = mkdtempSync(join(tmpdir(), 'rdbm-zoo-edited-'));
  for (const name of ['T', 'T-arch', 'T-layout']) cpSync(join(ROOT, 'data', 'zoo', 'T'), join(zoo, name), { recursive: true });
  edit('T', (m) => Object.assign(m.training, { lambda: 0.5, schedule: 'linear' }));
  edit('T-arch', (m) => (m.architecture.attnHeads = 2));
  // two tensors of one shape swapped: the same bytes would load into the wrong layers
  edit('T-layout', (m) => {
    const i = m.tensors.findIndex((t: { shape: number[] }, k: number) => k > 0 && JSON.stringify(t.shape) === JSON.stringify(m.tensors[k - 1].shape));
    [m.tensors[i - 1].name, m.tensors[i].name] = [m.tensors[i].name, m.tensors[i - 1].name];
  });
});

describe('issue 32 defect 5: a zoo entry\'s checkpoint manifest is bound to its zoo.json', () => {
  const lambda = /training field lambda is 0\.5, but the run zoo\.json records \(bound to its lookup key\) has 0\.0392156862745098 \(edited by hand\? restore the entry from the repository\)$/;
  test('zoo list refuses the edited training block, naming the field', async () => {
    expectRefused('zoo list (edited λ)', await rdbm(['zoo', 'list', '--zoo', zoo]), new RegExp(`^rdbm: zoo entry ${join(zoo, 'T')}: checkpoint/manifest\\.json ${lambda.source}`));
  });
  test('zoo verify refuses it before retraining', async () => {
    expectRefused('zoo verify (edited λ)', await rdbm(['zoo', 'verify', 'T', '--zoo', zoo]), lambda);
  });
  test('sweep --rdbm-checkpoint refuses it while planning', async () => {
    expectRefused('sweep --rdbm-checkpoint (edited λ)', await rdbm(['sweep', 'nfe', '--scale', 'smoke', '--dry-run', '--rdbm-checkpoint', join(zoo, 'T', 'checkpoint'), '--results', join(zoo, 'results')]), lambda);
  });
  test('an edited architecture or a tensor layout with two names swapped is refused too', async () => {
    expectRefused('zoo verify (edited architecture)', await rdbm(['zoo', 'verify', 'T-arch', '--zoo', zoo]), /checkpoint\/manifest\.json architecture field attnHeads is 2, but model "T" has 4 /);
    expectRefused('zoo verify (swapped tensors)', await rdbm(['zoo', 'verify', 'T-layout', '--zoo', zoo]), /checkpoint\/manifest\.json tensor \d+ is "[^"]+" \[[\d,]+\] at offset \d+ \(expected [^ ]+ \[[\d,]+\] at \d+\)/);
  });
  test('the bundled zoo itself verifies', async () => {
    const run = await rdbm(['zoo', 'list', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).length).toBeGreaterThanOrEqual(11);
  });
});
