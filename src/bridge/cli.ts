import type { Command } from '../cli/command.js';
export const bridgeCommand: Command = { name: 'bridge', summary: 'stub', options: [], run: () => 0 };
