import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/main.js';
import { RdbmError } from '../../src/errors.js';
import { captureIo } from '../helpers/io.js';

const echo: Command = {
  name: 'model info',
  summary: 'test command',
  options: [
    { name: 'size', type: 'integer', description: 'size', min: 8, default: 256 },
    { name: 'mode', type: 'string', description: 'mode', choices: ['a', 'b'] },
    { name: 'input', type: 'string', description: 'input', required: true },
  ],
  positionals: [{ name: 'preset', description: 'preset', required: true }],
  run: ({ options, positionals }, io) => {
    if (positionals[0] === 'boom') throw new RdbmError('bad preset "boom" (expected T, S, B or L)');
    if (positionals[0] === 'bug') throw new TypeError('x is undefined');
    if (positionals[0] === 'oom') throw new Error('Aborted(). Build with -sASSERTIONS for more info.');
    io.out(JSON.stringify({ options, positionals }));
    return 0;
  },
};
const commands = [{ name: 'model info', summary: 'test', load: async () => echo }];

describe('runCli', () => {
  it('dispatches sub-commands and parses typed options with defaults', async () => {
    const io = captureIo();
    expect(await runCli(['model', 'info', 'T', '--input', 'x', '--mode', 'b'], io, commands)).toBe(0);
    expect(JSON.parse(io.stdout)).toEqual({ options: { size: 256, mode: 'b', input: 'x' }, positionals: ['T'] });
  });
  it.each([
    [['model'], 'rdbm: model needs a sub-command: model info\n'],
    [['model', 'info', '--input', 'x'], 'rdbm: model info: missing <preset> (preset)\n'],
    [['model', 'info', 'T'], 'rdbm: model info: missing --input (input)\n'],
    [['model', 'info', 'T', '--input', 'x', '--size', '4'], 'rdbm: invalid --size: 4 (expected an integer >= 8)\n'],
    [['model', 'info', 'T', '--input', 'x', '--mode', 'c'], 'rdbm: invalid --mode: "c" (expected one of a, b)\n'],
    [['model', 'info', 'T', 'U', '--input', 'x'], 'rdbm: model info: unexpected argument "U" (see rdbm model info --help)\n'],
    [['model', 'info', 'boom', '--input', 'x'], 'rdbm: bad preset "boom" (expected T, S, B or L)\n'],
  ])('%j → exit 2, one line', async (argv, message) => {
    const io = captureIo();
    expect(await runCli(argv, io, commands)).toBe(2);
    expect(io.stderr).toBe(message);
  });
  it('a bug exits 1 with one line and no stack trace', async () => {
    const io = captureIo();
    expect(await runCli(['model', 'info', 'bug', '--input', 'x'], io, commands)).toBe(1);
    expect(io.stderr).toBe('rdbm: internal error: x is undefined (set RDBM_DEBUG=1 for the stack trace)\n');
  });
  it('a WebAssembly abort (heap exhausted) is named as such, never "internal error: Aborted()"', async () => {
    const io = captureIo();
    expect(await runCli(['model', 'info', 'oom', '--input', 'x'], io, commands)).toBe(1);
    expect(io.stderr).toBe('rdbm: the WebAssembly backend aborted (out of its 4.3 GB heap?): use a smaller batch, crop or tile, --micro-batch for training, or --backend cpu\n');
  });
  it('--help lists commands; <command> --help lists options with defaults and choices', async () => {
    const top = captureIo();
    expect(await runCli(['--help'], top, commands)).toBe(0);
    expect(top.stdout).toContain('model info');
    const sub = captureIo();
    expect(await runCli(['model', 'info', '--help'], sub, commands)).toBe(0);
    expect(sub.stdout).toContain('Usage: rdbm model info [options] <preset>');
    expect(sub.stdout).toMatch(/--size <int> +size \(default: 256\)/);
    expect(sub.stdout).toMatch(/--mode <a\|b>/);
    expect(sub.stdout).toMatch(/--input <value> +input \(required\)/);
  });
  it('--version prints the package version', async () => {
    const io = captureIo();
    expect(await runCli(['--version'], io, commands)).toBe(0);
    expect(io.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
