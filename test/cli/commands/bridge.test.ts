import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bridgeSchedule } from '../../../src/bridge/schedule.js';
import { runCli } from '../../../src/cli/main.js';
import { captureIo } from '../../helpers/io.js';

const bin = fileURLToPath(new URL('../../../bin/rdbm.js', import.meta.url));

describe('rdbm bridge', () => {
  it('--json prints one JSON object with θ, Θ, Σ equal to bridgeSchedule', async () => {
    const io = captureIo();
    const code = await runCli(['bridge', '--schedule', 'cosine', '--timesteps', '100', '--lambda', '0.0001', '--json'], io);
    expect(code).toBe(0);
    const parsed = JSON.parse(io.stdout);
    expect(Object.keys(parsed)).toEqual(['theta', 'Theta', 'Sigma']);
    const s = bridgeSchedule({ schedule: 'cosine', timesteps: 100, lambda: 1e-4 });
    expect(parsed.theta).toEqual(Array.from(s.theta));
    expect(parsed.Theta).toEqual(Array.from(s.Theta));
    expect(parsed.Sigma).toEqual(Array.from(s.Sigma));
    expect(io.stdout.trim().split('\n')).toHaveLength(1);
  });
  it('prints a readable table without --json, and accepts λ as a fraction', async () => {
    const io = captureIo();
    expect(await runCli(['bridge', '--timesteps', '4', '--lambda', '10/255'], io)).toBe(0);
    const lines = io.stdout.trim().split('\n');
    expect(lines[0]).toContain('λ = 0.0392156862745098');
    expect(lines).toHaveLength(2 + 4);
    expect(lines[5].trim().split(/\s+/)).toEqual(['3', '0.999000', '0', '0']);
  });
  it('--help describes every option', async () => {
    const io = captureIo();
    expect(await runCli(['bridge', '--help'], io)).toBe(0);
    for (const o of ['--schedule', '--timesteps', '--lambda', '--json', '--rnr', 'cosine, linear, sigmoid']) expect(io.stdout).toContain(o.replace('cosine, linear, sigmoid', 'cosine|linear|sigmoid'));
  });
  it.each([
    [['bridge', '--schedule', 'foo'], 'rdbm: invalid --schedule: "foo" (expected one of cosine, linear, sigmoid)'],
    [['bridge', '--timesteps', '1'], 'rdbm: invalid --timesteps: 1 (expected an integer >= 2)'],
    [['bridge', '--lambda', '0'], 'rdbm: invalid --lambda: 0 (expected a finite number > 0)'],
    [['bridge', '--lambda', 'abc'], 'rdbm: invalid --lambda: "abc" (expected a finite number > 0)'],
    [['bridge', '--bogus'], "rdbm: bridge: Unknown option '--bogus' (see rdbm bridge --help)"],
    [['nosuch'], 'rdbm: unknown command "nosuch"'],
  ])('%j → exit 2 with one line', async (argv, message) => {
    const io = captureIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.stderr.startsWith(message)).toBe(true);
    expect(io.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('the installed bin exits 2 with no stack trace', () => {
    const r = spawnSync(process.execPath, [bin, 'bridge', '--lambda', '-1'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('rdbm: invalid --lambda: -1 (expected a finite number > 0)\n');
    const ok = execFileSync(process.execPath, [bin, 'bridge', '--timesteps', '3', '--json'], { encoding: 'utf8' });
    expect(JSON.parse(ok).Theta[2]).toBe(0);
  });
});
