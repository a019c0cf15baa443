import { RdbmError } from '../errors.js';
import { fsFault, isFsFault } from '../util/fs.js';
import { LIMITS } from '../util/limits.js';
import { parseNumber } from '../util/validate.js';
import { closest } from '../util/suggest.js';
import type { Command, CommandEntry, Io } from './command.js';
import { commandHelp, parseCommandArgs } from './parse.js';
import { COMMANDS } from './registry.js';

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  get errIsTTY() {
    return Boolean(process.stderr.isTTY);
  },
};

function mainHelp(commands: readonly CommandEntry[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'Usage: rdbm <command> [options]',
    '',
    'rdbm-lab: evaluate and ablate the Residual Diffusion Bridge Model and its bridge family.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
    '',
    'Run `rdbm <command> --help` for the options of a command.',
    '',
    'Limits on untrusted files (every command; refused in one line before anything is allocated):',
    ...Object.values(LIMITS).map((l) => `  ${`${l.flag} <n>`.padEnd(width + 12)} ${l.what} (default ${l.default}; or ${l.env})`),
    'Environment: RDBM_BACKEND=node-gpu|node|wasm|cpu picks the TensorFlow.js backend; RDBM_DEBUG=1 shows stack traces.',
    '',
  ].join('\n');
}

/** Finds the longest registered command name that prefixes argv (so `model info` wins over `model`). */
function resolve(argv: readonly string[], commands: readonly CommandEntry[]): { entry?: CommandEntry; rest: string[] } {
  let best: CommandEntry | undefined;
  let used = 0;
  for (const entry of commands) {
    const words = entry.name.split(' ');
    if (words.length > used && words.every((w, i) => argv[i] === w)) {
      best = entry;
      used = words.length;
    }
  }
  return { entry: best, rest: argv.slice(used) };
}

function reportError(error: unknown, io: Io): number {
  // a file-system fault on a user path (full disk, permissions, link loop) that no layer named: bad input
  if (isFsFault(error) && (error.path || (error as { dest?: string }).dest)) error = fsFault(error);
  if (error instanceof RdbmError) {
    io.err(`rdbm: ${error.message.split('\n')[0]}\n`);
    return error.exitCode;
  }
  const e = error as Error;
  if (/^Aborted\(/.test(String(e?.message ?? ''))) {
    // the wasm backend ran out of its heap (wasm32: 4 GiB) or failed an internal check: say which limit, not "internal error"
    io.err('rdbm: the WebAssembly backend aborted (out of its 4.3 GB heap?): use a smaller batch, crop or tile, --micro-batch for training, or --backend cpu\n');
    return 1;
  }
  io.err(`rdbm: internal error: ${String(e?.message ?? e).split('\n')[0]}${process.env.RDBM_DEBUG ? '' : ' (set RDBM_DEBUG=1 for the stack trace)'}\n`);
  if (process.env.RDBM_DEBUG) io.err(`${e?.stack ?? ''}\n`);
  return 1;
}

/**
 * Takes the limit options (--max-pixels, --max-checkpoint-bytes) out of argv, wherever they stand, and sets
 * their environment variables, which the readers (and worker threads, which inherit the environment) consult.
 */
export function applyLimitOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const spec = Object.values(LIMITS).find((l) => argv[i] === l.flag || argv[i].startsWith(`${l.flag}=`));
    if (!spec) {
      rest.push(argv[i]);
      continue;
    }
    const text = argv[i] === spec.flag ? argv[++i] : argv[i].slice(spec.flag.length + 1);
    if (text === undefined) throw new RdbmError(`missing value for ${spec.flag} (${spec.what})`);
    env[spec.env] = String(parseNumber(spec.flag, text, { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER }));
  }
  return rest;
}

/** Runs the CLI on argv (without `node rdbm`); returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: Io = processIo, commands: readonly CommandEntry[] = COMMANDS): Promise<number> {
  try {
    argv = applyLimitOptions(argv);
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.out(mainHelp(commands));
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === '--version') {
      const { ownVersion } = await import('../util/version.js');
      io.out(`${ownVersion()}\n`);
      return 0;
    }
    const { entry, rest } = resolve(argv, commands);
    if (!entry) {
      const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
      if (group.length) {
        io.err(`rdbm: ${argv[0]} needs a sub-command: ${group.map((c) => c.name).join(', ')}\n`);
        return 2;
      }
      const hint = closest(argv[0], [...new Set(commands.map((c) => c.name.split(' ')[0]))]);
      io.err(`rdbm: unknown command ${JSON.stringify(argv[0])} (${hint ? `did you mean ${hint}? ` : ''}expected one of ${commands.map((c) => c.name).join(', ')})\n`);
      return 2;
    }
    const command: Command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(commandHelp(command));
      return 0;
    }
    const args = parseCommandArgs(command, rest);
    return await command.run(args, io);
  } catch (error) {
    return reportError(error, io);
  }
}
