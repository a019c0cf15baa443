/** Command-line details (issue 33 item 8): hints for misspelt options and commands, "(repeatable)" said once. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { commandHelp } from '../../src/cli/parse.js';
import { COMMANDS } from '../../src/cli/registry.js';
import { closest, editDistance } from '../../src/util/suggest.js';
import { captureIo } from '../helpers/io.js';

describe('did you mean', () => {
  it('names the closest option or command within a typo\'s distance, and nothing for a far one', async () => {
    expect(editDistance('lamda', 'lambda')).toBe(1);
    expect(closest('lamda', ['lambda', 'schedule'])).toBe('lambda');
    expect(closest('zzzzzz', ['lambda', 'schedule'])).toBeUndefined();
    const io = captureIo();
    expect(await runCli(['bridge', '--lamda', '0.1'], io)).toBe(2);
    expect(io.stderr).toBe("rdbm: bridge: Unknown option '--lamda' (did you mean --lambda? see rdbm bridge --help)\n");
    const far = captureIo();
    expect(await runCli(['bridge', '--colour', 'red'], far)).toBe(2);
    expect(far.stderr).toBe("rdbm: bridge: Unknown option '--colour' (see rdbm bridge --help)\n");
    const command = captureIo();
    expect(await runCli(['reproduse'], command)).toBe(2);
    expect(command.stderr).toMatch(/^rdbm: unknown command "reproduse" \(did you mean reproduce\? expected one of bridge, /);
  });
});

it('every --help says "repeatable" once per repeatable option (the help adds it; descriptions do not)', async () => {
  let repeatable = 0;
  for (const entry of COMMANDS) {
    const command = await entry.load();
    for (const o of command.options) expect(o.description, `${entry.name} --${o.name}`).not.toMatch(/repeat/i);
    const help = commandHelp(command);
    for (const line of help.split('\n')) expect((line.match(/repeatable/g) ?? []).length, `${entry.name}: ${line}`).toBeLessThanOrEqual(1);
    repeatable += command.options.filter((o) => o.multiple).length;
    expect((help.match(/repeatable/g) ?? []).length, entry.name).toBe(command.options.filter((o) => o.multiple).length);
  }
  expect(repeatable).toBeGreaterThanOrEqual(3);
});
