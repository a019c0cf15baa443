import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/rdbm.js', import.meta.url).pathname;

// dist/ is built by test/setup/build-dist.ts before any test runs
describe('rdbm sweep as a process', () => {
  it('exits 0 on a dry run and 2 with one line on an unknown experiment', () => {
    const ok = spawnSync(process.execPath, [bin, 'sweep', 'nfe', '--scale', 'smoke', '--dry-run', '--json', '--results', '/nonexistent/results'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).jobs).toEqual({ train: 1, restore: 5, evaluate: 5 });
    const bad = spawnSync(process.execPath, [bin, 'sweep', 'nfe', 'pie', '--dry-run'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^rdbm: unknown experiment: "pie" \(expected one of .*\)\n$/);
  });
});
