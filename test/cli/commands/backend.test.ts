/** Every computing command takes --backend and names the backend it computes on, once (issue 33 item 7). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/registry.js';

/** The commands that run TensorFlow.js, by module (metrics, bridge, rddm, data, results, model info and zoo list compute nothing on it; zoo add does at scales that store narrow weights). */
const COMPUTING: Record<string, string> = {
  train: 'train.ts',
  restore: 'restore.ts',
  'zoo verify': 'zoo.ts',
  'zoo add': 'zoo.ts',
  'zoo shrink': 'zoo.ts',
  'diffuir restore': 'rddm.ts',
  sweep: 'sweep.ts',
  reproduce: 'reproduce.ts',
  report: 'report.ts',
};

it('each computing command has --backend and starts it through startBackend (which prints `backend: …` once)', async () => {
  for (const [name, file] of Object.entries(COMPUTING)) {
    const entry = COMMANDS.find((c) => c.name === name)!;
    const command = await entry.load();
    expect(command.options?.some((o) => o.name === 'backend'), name).toBe(true);
    const source = readFileSync(join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'commands', file), 'utf8');
    expect(source, name).toContain('startBackend(');
    // nothing else initialises a backend silently
    expect(source, name).not.toMatch(/\binitBackend\(/);
  }
});
