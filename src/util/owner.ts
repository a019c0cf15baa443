/**
 * Which process this is, said so that another process can tell later whether it is still running: the host
 * name, the pid, and on Linux the pid namespace and the process's start time. The namespace keeps two
 * containers that share a host name from judging each other's pids; the start time keeps a reused pid from
 * passing for the process that died.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  readonly host: string;
  readonly pid: number;
  /** Linux: the target of /proc/self/ns/pid, e.g. `pid:[4026531836]` */
  readonly pidNamespace?: string;
  /** Linux: field 22 of /proc/<pid>/stat (clock ticks after boot) */
  readonly pidStart?: number;
}

function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

/** The start time of a process from /proc (undefined off Linux or when the process is gone). */
export function processStart(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/** This process. */
export function thisProcess(): ProcessIdentity {
  const ns = pidNamespace();
  const start = processStart(process.pid);
  return { host: hostname(), pid: process.pid, ...(ns ? { pidNamespace: ns } : {}), ...(start !== undefined ? { pidStart: start } : {}) };
}

/** Whether `other` runs where `here` can see its pid: the same host name and the same pid namespace (or neither knows one). */
export function sameProcessSpace(here: ProcessIdentity, other: ProcessIdentity): boolean {
  return here.host === other.host && here.pidNamespace === other.pidNamespace;
}

/**
 * Whether a process is alive, seen from this one: undefined when it runs elsewhere (another host or pid
 * namespace: only a heartbeat can tell), false when its pid is gone or now belongs to a process started later.
 */
export function processAlive(other: ProcessIdentity, here: ProcessIdentity = thisProcess()): boolean | undefined {
  if (!sameProcessSpace(here, other)) return undefined;
  try {
    process.kill(other.pid, 0);
  } catch (error) {
    // EPERM: the pid exists but belongs to another user
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (other.pidStart === undefined) return true;
  const start = processStart(other.pid);
  return start === undefined ? true : start === other.pidStart;
}
