import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import type { Io } from '../../../src/cli/command.js';
import { runCli } from '../../../src/cli/main.js';
import { readCheckpoint } from '../../../src/models/checkpoint.js';
import { makeDataset } from '../../models/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const io: Io = { out: () => {}, err: () => {}, errIsTTY: false };
let data: string;
beforeAll(async () => {
  data = await makeDataset('train', 20);
});

const args = (out: string) => ['train', '--data', data, '--out', out, '--model', 'tiny', '--crop', '16', '--batch', '2', '--steps', '8', '--timesteps', '10', '--checkpoint-every', '2', '--seed', '9', '--lr', '0.001', '--backend', 'wasm'];

test('SIGKILL during training, then --resume: same weights as an uninterrupted run', async () => {
  const straight = mkdtempSync(join(tmpdir(), 'rdbm-kill-a-'));
  expect(await runCli(args(straight), io)).toBe(0);

  const killed = mkdtempSync(join(tmpdir(), 'rdbm-kill-b-'));
  const child = spawn('node', ['bin/rdbm.js', ...args(killed)], { cwd: ROOT, stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', r));
  const latest = join(killed, 'latest.json');
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (existsSync(latest) && JSON.parse(readFileSync(latest, 'utf8')).step >= 4) {
        clearInterval(timer);
        child.kill('SIGKILL');
        resolve();
      }
    }, 20);
    child.on('exit', () => {
      clearInterval(timer);
      resolve();
    });
    setTimeout(() => reject(new Error('no checkpoint within 100 s')), 100_000);
  });
  await exited;
  const stoppedAt = JSON.parse(readFileSync(latest, 'utf8')).step;
  expect(stoppedAt).toBeLessThan(8);
  expect(await runCli([...args(killed), '--resume'], io)).toBe(0);
  const a = readCheckpoint(join(straight, 'checkpoint-0000008')).tensors;
  const b = readCheckpoint(join(killed, 'checkpoint-0000008')).tensors;
  for (const [k, v] of a) expect(Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength).equals(Buffer.from(b.get(k)!.data.buffer, b.get(k)!.data.byteOffset, b.get(k)!.data.byteLength)), k).toBe(true);
});
