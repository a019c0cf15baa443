import { parseArgs } from 'node:util';
import { closest } from '../util/suggest.js';
import { RdbmError, invalid } from '../errors.js';
import { parseNumber } from '../util/validate.js';
import type { Command, OptionSpec, OptionValue, ParsedArgs } from './command.js';

function convert(command: Command, spec: OptionSpec, raw: string): string | number {
  const flag = `--${spec.name}`;
  if (spec.type === 'number' || spec.type === 'integer') {
    return parseNumber(flag, raw, { integer: spec.type === 'integer', min: spec.min, gt: spec.gt, max: spec.max });
  }
  if (spec.choices && !spec.choices.includes(raw)) {
    return invalid(flag, raw, `one of ${spec.choices.join(', ')}`);
  }
  void command;
  return raw;
}

/** Parses argv against the command's declared options; unknown or malformed options throw a one-line RdbmError. */
export function parseCommandArgs(command: Command, argv: readonly string[]): ParsedArgs {
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const spec of command.options) {
    config[spec.name] = {
      type: spec.type === 'boolean' ? 'boolean' : 'string',
      ...(spec.short ? { short: spec.short } : {}),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  // `--lambda -1` would be read as a flag: glue negative numbers to their option (`--lambda=-1`)
  const valued = new Set(command.options.filter((o) => o.type !== 'boolean').map((o) => `--${o.name}`));
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (valued.has(argv[i]) && i + 1 < argv.length && /^-\d|^-\.\d/.test(argv[i + 1])) args.push(`${argv[i]}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: config, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, '');
    // a misspelt option: name the closest declared one
    const unknown = /^Unknown option '--([^'=]+)'/.exec(message)?.[1];
    const hint = unknown !== undefined ? closest(unknown, [...command.options.map((o) => o.name), 'help']) : undefined;
    throw new RdbmError(`${command.name}: ${message} (${hint ? `did you mean --${hint}? ` : ''}see rdbm ${command.name} --help)`);
  }
  const options: Record<string, OptionValue> = {};
  for (const spec of command.options) {
    const raw = (parsed.values as Record<string, unknown>)[spec.name];
    if (raw === undefined) {
      if (spec.required) throw new RdbmError(`${command.name}: missing --${spec.name} (${spec.description})`);
      options[spec.name] = spec.default;
      continue;
    }
    if (spec.type === 'boolean') options[spec.name] = raw as boolean;
    else if (Array.isArray(raw)) options[spec.name] = raw.map((r) => convert(command, spec, r as string)) as string[] | number[];
    else options[spec.name] = convert(command, spec, raw as string);
  }
  const positionals = parsed.positionals;
  const declared = command.positionals ?? [];
  const required = declared.filter((p) => p.required).length;
  if (positionals.length < required) {
    const missing = declared.filter((p) => p.required)[positionals.length];
    throw new RdbmError(`${command.name}: missing <${missing.name}> (${missing.description})`);
  }
  if (!declared.some((p) => p.variadic) && positionals.length > declared.length) {
    throw new RdbmError(
      `${command.name}: unexpected argument ${JSON.stringify(positionals[declared.length])} (see rdbm ${command.name} --help)`,
    );
  }
  return { options, positionals };
}

function valueLabel(spec: OptionSpec): string {
  if (spec.type === 'boolean') return '';
  if (spec.valueName) return ` ${spec.valueName}`;
  if (spec.choices) return ` <${spec.choices.join('|')}>`;
  return ` <${spec.type === 'integer' ? 'int' : spec.type === 'number' ? 'num' : 'value'}>`;
}

/** Renders `rdbm <command> --help` from the declared options. */
export function commandHelp(command: Command): string {
  const lines: string[] = [];
  const pos = (command.positionals ?? []).map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`) + (p.variadic ? '...' : ''));
  lines.push(`Usage: rdbm ${command.name}${command.options.length ? ' [options]' : ''}${pos.length ? ' ' + pos.join(' ') : ''}`);
  lines.push('', command.description ?? command.summary);
  if (command.positionals?.length) {
    lines.push('', 'Arguments:');
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(26)} ${p.description}`);
  }
  const opts = [...command.options, { name: 'help', type: 'boolean', description: 'show this help' } as OptionSpec];
  lines.push('', 'Options:');
  for (const spec of opts) {
    const head = `${spec.short ? `-${spec.short}, ` : '    '}--${spec.name}${valueLabel(spec)}`;
    const extras: string[] = [];
    if (spec.required) extras.push('required');
    if (spec.default !== undefined) extras.push(`default: ${spec.default}`);
    if (spec.multiple) extras.push('repeatable');
    const desc = spec.description + (extras.length ? ` (${extras.join('; ')})` : '');
    lines.push(head.length <= 28 ? `  ${head.padEnd(28)} ${desc}` : `  ${head}\n  ${''.padEnd(28)} ${desc}`);
  }
  if (command.examples?.length) {
    lines.push('', 'Examples:');
    for (const e of command.examples) lines.push(`  ${e}`);
  }
  return lines.join('\n') + '\n';
}
