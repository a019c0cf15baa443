/**
 * The contract every `rdbm` command implements. Commands are plain data plus a
 * `run` function; options are declared once and drive parsing, validation and --help.
 */

import type { Io } from '../util/io.js';

export type { Io };

export type OptionType = 'string' | 'boolean' | 'number' | 'integer';

export interface OptionSpec {
  /** long name without dashes, e.g. `timesteps` */
  readonly name: string;
  readonly type: OptionType;
  readonly description: string;
  /** one-letter alias */
  readonly short?: string;
  /** shown in help instead of the type, e.g. `<dir>` */
  readonly valueName?: string;
  /** default value (documented in --help) */
  readonly default?: string | number | boolean;
  /** allowed values for a string option (checked at parse time) */
  readonly choices?: readonly string[];
  /** inclusive lower bound for number/integer options */
  readonly min?: number;
  /** exclusive lower bound for number/integer options */
  readonly gt?: number;
  /** inclusive upper bound */
  readonly max?: number;
  readonly required?: boolean;
  /** the option may be repeated; values arrive as an array */
  readonly multiple?: boolean;
}

export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  readonly required?: boolean;
  /** collects the rest of the positionals */
  readonly variadic?: boolean;
}

export type OptionValue = string | number | boolean | string[] | number[] | undefined;

export interface ParsedArgs {
  readonly options: Readonly<Record<string, OptionValue>>;
  readonly positionals: readonly string[];
}

export interface Command {
  /** the words after `rdbm`, e.g. `bridge` or `model info` */
  readonly name: string;
  /** one line for `rdbm --help` */
  readonly summary: string;
  /** longer text for `rdbm <command> --help` */
  readonly description?: string;
  readonly options: readonly OptionSpec[];
  readonly positionals?: readonly PositionalSpec[];
  readonly examples?: readonly string[];
  /** returns the exit code */
  run(args: ParsedArgs, io: Io): Promise<number> | number;
}

/** A command the registry knows by name but loads only when used (so `rdbm metrics` never loads TensorFlow.js). */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}
