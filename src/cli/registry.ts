import type { CommandEntry } from './command.js';

/**
 * Every `rdbm` command, registered explicitly. Each entry loads its module only
 * when used, so e.g. `rdbm metrics` never loads TensorFlow.js.
 * Multi-word names (`model info`) are sub-commands.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'bridge',
    summary: 'print the bridge schedule θ, Θ, Σ for a schedule, T and λ',
    load: async () => (await import('../bridge/cli.js')).bridgeCommand,
  },
  {
    name: 'reproduce',
    summary: 'run the bundled experiments and write results/ (tables beside the paper, plots, README)',
    load: async () => (await import('../reports/cli.js')).reproduceCommand,
  },
];
