import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const bin = new URL('../../bin/rdbm.js', import.meta.url).pathname;
const built = existsSync(new URL('../../dist/experiments/cli.js', import.meta.url));

describe.skipIf(!built)('rdbm sweep as a process (needs npm run build)', () => {
  it('exits 0 on a dry run and 2 with one line on an unknown experiment', () => {
    const ok = spawnSync(process.execPath, [bin, 'sweep', 'nfe', '--scale', 'smoke', '--dry-run', '--json', '--results', '/nonexistent/results'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).jobs).toEqual({ train: 1, restore: 5, evaluate: 5 });
    const bad = spawnSync(process.execPath, [bin, 'sweep', 'nfe', 'pie', '--dry-run'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^rdbm: unknown experiment: "pie" \(expected one of .*\)\n$/);
  });
});
