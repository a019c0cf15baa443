import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import { FIXTURES } from '../../models/helpers.js';
import { captureIo } from '../../helpers/io.js';

/** RDDM two-U-Net trainer file (scripts/reference/rddm_checkpoint.py) */
const TWO_UNETS = join(FIXTURES, '..', 'rddm', 'rddm_d8_m1_trainer.pt');

describe('rdbm model info --prefix', () => {
  test('a two-U-Net file needs --prefix (exit 2, one line listing the prefixes); with it, the chosen U-Net', async () => {
    const e = captureIo();
    expect(await runCli(['model', 'info', TWO_UNETS], e)).toBe(2);
    expect(e.stderr).toMatch(/^rdbm: checkpoint .* holds 2 U-Nets \(prefixes: ema\.ema_model\.model\.unet0\., ema\.ema_model\.model\.unet1\.\)/);
    expect(e.stderr.trim().split('\n')).toHaveLength(1);
    const c = captureIo();
    expect(await runCli(['model', 'info', TWO_UNETS, '--prefix', 'unet1.', '--json'], c)).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ format: 'torch', prefix: 'ema.ema_model.model.unet1.', config: { dim: 8, dimMults: [1] } });
  });
});
