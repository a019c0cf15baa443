import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Io } from '../../../src/cli/command.js';
import { runCli } from '../../../src/cli/main.js';
import { FIXTURES } from '../helpers.js';

function capture() {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), errIsTTY: false };
  return { io, get out() { return out; }, get err() { return err; } };
}
/** RDDM two-U-Net trainer file (scripts/reference/rddm_checkpoint.py) */
const TWO_UNETS = join(FIXTURES, '..', 'rddm', 'rddm_d8_m1_trainer.pt');

describe('rdbm model info --prefix', () => {
  test('a two-U-Net file needs --prefix (exit 2, one line listing the prefixes); with it, the chosen U-Net', async () => {
    const e = capture();
    expect(await runCli(['model', 'info', TWO_UNETS], e.io)).toBe(2);
    expect(e.err).toMatch(/^rdbm: checkpoint .* holds 2 U-Nets \(prefixes: ema\.ema_model\.model\.unet0\., ema\.ema_model\.model\.unet1\.\)/);
    expect(e.err.trim().split('\n')).toHaveLength(1);
    const c = capture();
    expect(await runCli(['model', 'info', TWO_UNETS, '--prefix', 'unet1.', '--json'], c.io)).toBe(0);
    expect(JSON.parse(c.out)).toMatchObject({ format: 'torch', prefix: 'ema.ema_model.model.unet1.', config: { dim: 8, dimMults: [1] } });
  });
});
