import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHAINED_OPS, tf } from '../../src/tf/index.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('the exported tf has TF.js\'s chained tensor ops', () => {
  it('every chained op tfjs-core ships is installed on tf.Tensor (typed too: this file compiles)', () => {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-core/package.json')), 'dist', 'public', 'chained_ops');
    const shipped = readdirSync(dir).filter((f) => f.endsWith('.js') && !f.endsWith('_test.js') && f !== 'register_all_chained_ops.js');
    expect(shipped).toHaveLength(137);
    expect(CHAINED_OPS).toHaveLength(136); // register_all_chained_ops.js lists 137 files, one of which adds no new name
    for (const name of ['mul', 'add', 'sub', 'div', 'reshape', 'transpose', 'clipByValue', 'resizeBilinear', 'as4D', 'toFloat', 'squeeze', 'mean', 'sum']) {
      expect(CHAINED_OPS, name).toContain(name);
    }
    const x = tf.tensor1d([1, 2, 3]);
    const mu = tf.tensor1d([10, 20, 30]);
    expect(Array.from(x.mul(0.5).add(mu).sub(1).dataSync())).toEqual([9.5, 20, 30.5]);
    expect(x.as2D(3, 1).shape).toEqual([3, 1]);
    expect(Array.from(x.toFloat().clipByValue(1.5, 2.5).dataSync())).toEqual([1.5, 2, 2.5]);
    tf.dispose([x, mu]);
  });

  it("`import { tf } from 'rdbm-lab'` in a spawned node (ESM and require): xt.mul(0.7).add(mu) works, and type-checks", () => {
    const link = join(ROOT, 'node_modules', 'rdbm-lab');
    if (!existsSync(link)) symlinkSync('..', link);
    const script = "const xt = tf.tensor([1, 2]); const mu = tf.tensor([10, 20]); console.log(JSON.stringify(Array.from(xt.mul(0.5).add(mu).dataSync())));";
    const esm = spawnSync(process.execPath, ['--input-type=module', '-e', `import { tf } from 'rdbm-lab'; ${script}`], { cwd: ROOT, encoding: 'utf8' });
    expect(esm.stderr).not.toMatch(/Error/);
    expect(esm.stdout.trim().split('\n').at(-1)).toBe('[10.5,21]');
    const cjs = spawnSync(process.execPath, ['-e', `const { tf } = require('rdbm-lab'); ${script}`], { cwd: ROOT, encoding: 'utf8' });
    expect(cjs.stderr).not.toMatch(/Error/);
    expect(cjs.stdout.trim().split('\n').at(-1)).toBe('[10.5,21]');
    // a TypeScript user of the built package (dist/*.d.ts) sees the chained ops' types
    const dir = mkdtempSync(join(tmpdir(), 'rdbm-tf-types-'));
    try {
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
      writeFileSync(join(dir, 'use.mts'), "import { tf } from 'rdbm-lab';\nconst xt = tf.tensor([1, 2]);\nexport const y: tf.Tensor = xt.mul(0.7).add(xt).clipByValue(0, 1);\n");
      const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--module', 'nodenext', '--moduleResolution', 'nodenext', '--strict', '--noEmit', '--skipLibCheck', '--types', 'node', 'use.mts'], { cwd: dir, encoding: 'utf8' });
      expect(tsc.stdout).toBe('');
      expect(tsc.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
