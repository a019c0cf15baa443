import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { processAlive, processStart, sameProcessSpace, thisProcess } from '../../src/util/owner.js';

describe('process identity', () => {
  const me = thisProcess();
  it('names this host and pid (and on Linux the pid namespace and start time)', () => {
    expect(me.host).toBe(hostname());
    expect(me.pid).toBe(process.pid);
    if (process.platform === 'linux') {
      expect(me.pidNamespace).toMatch(/^pid:\[\d+\]$/);
      expect(me.pidStart).toBe(processStart(process.pid));
    }
  });

  it('tells a running process from a gone one, and a reused pid from its first owner', () => {
    expect(processAlive(me, me)).toBe(true);
    const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
    expect(processAlive({ ...me, pid: dead }, me)).toBe(false);
    if (me.pidStart !== undefined) expect(processAlive({ ...me, pidStart: me.pidStart + 1 }, me)).toBe(false);
  });

  it('cannot judge a process on another host or in another pid namespace (only its heartbeat can)', () => {
    expect(processAlive({ ...me, host: `${me.host}-other` }, me)).toBeUndefined();
    expect(processAlive({ ...me, pidNamespace: 'pid:[1]' }, me)).toBeUndefined();
    expect(sameProcessSpace(me, { host: me.host, pid: 1, ...(me.pidNamespace ? { pidNamespace: me.pidNamespace } : {}) })).toBe(true);
  });
});
