/**
 * Executes every notebook headless through Jupyter (nbconvert + the tslab kernel) and checks that
 * no cell failed. Needs the built package (`npm test` builds first), jupyter-nbconvert,
 * python3-ipykernel and jupyter-client (Debian) and the tslab kernel spec (scripts/ci-notebooks.sh
 * installs it). Skipped, saying why, only when jupyter itself is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const notebooksDir = join(root, 'notebooks');
const notebooks = readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort();
const env = { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH}`, PYDEVD_DISABLE_FILE_VALIDATION: '1' };

function jupyterMissing(): string | undefined {
  const probe = spawnSync('jupyter', ['nbconvert', '--version'], { env, encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'jupyter nbconvert not found (apt-get install jupyter-nbconvert python3-ipykernel jupyter-client)';
  return undefined;
}

function ensureKernelAndLink(): void {
  // notebooks import the built package by name
  const link = join(root, 'node_modules/rdbm-lab');
  if (!existsSync(link)) symlinkSync('..', link);
  const specs = spawnSync('jupyter', ['kernelspec', 'list'], { env, encoding: 'utf8' });
  if (!/^\s*tslab\s/m.test(specs.stdout)) execFileSync('npx', ['tslab', 'install', `--python=${existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3'}`], { env, cwd: root, stdio: 'ignore' });
}

interface Output {
  output_type: string;
  ename?: string;
  evalue?: string;
  name?: string;
  text?: string[];
  data?: Record<string, unknown>;
}

const missing = jupyterMissing();
if (missing) console.warn(`notebook tests skipped: ${missing}`);
const out = mkdtempSync(join(tmpdir(), 'rdbm-notebooks-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!existsSync(join(root, 'dist/index.js')))('the built package as tslab loads it', () => {
  it('can be require()d by name (no top-level await in its ESM graph: tslab compiles cells to CommonJS)', () => {
    const link = join(root, 'node_modules/rdbm-lab');
    if (!existsSync(link)) symlinkSync('..', link);
    const run = spawnSync(process.execPath, ['-e', "const m = require('rdbm-lab'); console.log(typeof m.bridgeSchedule, typeof m.mainTable, typeof m.renderPng)"], { cwd: notebooksDir, encoding: 'utf8' });
    expect(run.stderr.split('\n').filter((l) => /Error/.test(l))).toEqual([]);
    expect(run.stdout.trim()).toBe('function function function');
  });
});

describe.skipIf(missing !== undefined)('notebooks run top to bottom headless', () => {
  it('finds the four notebooks', () => {
    expect(notebooks).toEqual(['ablation-sweeps.ipynb', 'bridge-explorer.ipynb', 'irbridge.ipynb', 'model-zoo.ipynb', 'paper-tables.ipynb']);
    expect(existsSync(join(root, 'dist/index.js')), 'run npm run build first').toBe(true);
    ensureKernelAndLink();
  });

  for (const name of notebooks) {
    it(name, () => {
      const run = spawnSync(
        'jupyter',
        ['nbconvert', '--execute', '--to', 'notebook', '--ExecutePreprocessor.timeout=600', '--output-dir', out, join(notebooksDir, name)],
        { env, cwd: notebooksDir, encoding: 'utf8' },
      );
      expect(run.status, run.stderr.split('\n').filter((l) => /Error|error/.test(l)).slice(-5).join('\n')).toBe(0);
      const executed = JSON.parse(readFileSync(join(out, name), 'utf8')) as { cells: { cell_type: string; outputs?: Output[] }[] };
      const outputs = executed.cells.flatMap((c) => c.outputs ?? []);
      expect(outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`)).toEqual([]);
      // tslab reports TypeScript errors on stderr without failing the cell
      const tsErrors = outputs.filter((o) => o.name === 'stderr' && /^\d+:\d+ - /m.test((o.text ?? []).join('')));
      expect(tsErrors.map((o) => (o.text ?? []).join(''))).toEqual([]);
      // plots arrive as Vega-Lite bundles, images or Markdown tables (tslab leaves execution_count null)
      expect(outputs.some((o) => o.data && Object.keys(o.data).some((k) => k.startsWith('application/vnd.vegalite') || k.startsWith('image/') || k === 'text/markdown'))).toBe(true);
    }, 600_000);
  }
});
