/**
 * The committed notebooks as a reader finds them, and what `npm run notebooks -- --check` reports.
 * Executing every notebook headless and the Chromium screenshot check of each is
 * `npm run notebooks -- --check` itself (.ci/run runs it); here: every Vega-Lite output carries an
 * image beside it, no committed output shows an error, every notebook has its screenshot linked
 * from docs/notebooks.md, and the check names the failing notebook and cell, flags a blank plot and an
 * error shown in an output, a notebook that leaves tensors allocated, a code cell over 15 lines and an
 * unescaped underscore in Markdown, and says how to install a missing Jupyter in one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_CELL_LINES, bareUnderscores, notebookProblems } from '../../scripts/notebook-rules.mjs';

const root = new URL('../..', import.meta.url).pathname;
const notebooksDir = join(root, 'notebooks');
const notebooks = readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort();
// the notebooks' page of the docs links every screenshot (from docs/, one folder up)
const notebooksDoc = readFileSync(join(root, 'docs', 'notebooks.md'), 'utf8');

interface Output {
  output_type: string;
  ename?: string;
  evalue?: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
}
interface Notebook {
  cells: { cell_type: string; id?: string; source: string | string[]; outputs?: Output[] }[];
}
const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : (t ?? ''));
const read = (name: string) => JSON.parse(readFileSync(join(notebooksDir, name), 'utf8')) as Notebook;

describe('committed notebooks', () => {
  it('include the five of this toolkit', () => {
    expect(notebooks).toEqual(expect.arrayContaining(['ablation-sweeps.ipynb', 'bridge-explorer.ipynb', 'compare-checkpoints.ipynb', 'model-zoo.ipynb', 'paper-tables.ipynb']));
  });

  for (const name of notebooks) {
    describe(name, () => {
      const nb = read(name);
      const outputs = nb.cells.flatMap((c) => c.outputs ?? []);

      it('carries outputs, and an image beside every Vega-Lite spec (GitHub, nbviewer and the classic Notebook show it)', async () => {
        const code = nb.cells.filter((c) => c.cell_type === 'code');
        expect(code.filter((c) => (c.outputs ?? []).length > 0).length, 'executed: code cells with outputs').toBeGreaterThan(code.length / 2);
        const plots = outputs.filter((o) => o.data && Object.keys(o.data).some((k) => k.startsWith('application/vnd.vegalite')));
        for (const [i, o] of plots.entries()) {
          const image = o.data!['image/png'] ?? o.data!['image/svg+xml'];
          expect(image, `Vega-Lite output ${i + 1} has no image/png or image/svg+xml`).toBeDefined();
          if (o.data!['image/png']) {
            const meta = await sharp(Buffer.from(text(o.data!['image/png'] as string | string[]), 'base64')).metadata();
            expect(meta.format).toBe('png');
            expect(Math.min(meta.width!, meta.height!), `Vega-Lite output ${i + 1}: PNG size`).toBeGreaterThan(50);
          }
        }
      });

      it(`keeps every code cell within ${MAX_CELL_LINES} lines (the work is in library calls) and no underscore in Markdown unescaped`, () => {
        expect(notebookProblems(nb)).toEqual([]);
      });

      it('shows no error in any output', () => {
        expect(outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`)).toEqual([]);
        const stderr = outputs.filter((o) => o.name === 'stderr').map((o) => text(o.text));
        // tslab reports TypeScript diagnostics (`line:col - …`) and thrown errors on stderr
        expect(stderr.filter((t) => /^\d+:\d+ - |^\s*\w*(Error|Exception)\b/m.test(t))).toEqual([]);
      });

      it('has its screenshot committed and linked from docs/notebooks.md', async () => {
        const shot = `notebooks/screenshots/${name.replace(/\.ipynb$/, '.png')}`;
        expect(existsSync(join(root, shot)), `${shot} (npm run notebooks -- --update)`).toBe(true);
        const meta = await sharp(join(root, shot)).metadata();
        expect(meta.format).toBe('png');
        expect(meta.width).toBe(440);
        expect(notebooksDoc).toContain(`(../${shot})`);
      });
    });
  }
});

describe('the notebook rules', () => {
  it('flag underscores outside code only, and cells by their line count', () => {
    expect(bareUnderscores('Θ\\_t and `sum_scale` and\n```\nx_t\n```\nbut x_t')).toEqual([' and but x_t']);
    const cell = (source: string, cell_type = 'code') => ({ cell_type, id: 'c', source, outputs: [] });
    expect(notebookProblems({ cells: [cell(Array(15).fill('x;').join('\n')), cell(Array(16).fill('x;').join('\n') + '\n\n'), cell('a_b', 'markdown')] })).toEqual([
      'cell 2 (id c) has 16 lines (at most 15: move the work into a library call)',
      'cell 3 (id c): 1 unescaped underscore(s) in Markdown would turn text into italics (write \\_ or use code): …a_b…',
    ]);
  });
});

describe.skipIf(!existsSync(join(root, 'dist/index.js')))('the built package as tslab loads it', () => {
  it('can be require()d by name (no top-level await in its ESM graph: tslab compiles cells to CommonJS)', () => {
    const link = join(root, 'node_modules/rdbm-lab');
    if (!existsSync(link)) symlinkSync('..', link);
    const run = spawnSync(process.execPath, ['-e', "const m = require('rdbm-lab'); console.log(typeof m.bridgeSchedule, typeof m.displayPlot, typeof m.bridgeExplorerPlot)"], { cwd: notebooksDir, encoding: 'utf8' });
    expect(run.stderr.split('\n').filter((l) => /Error/.test(l))).toEqual([]);
    expect(run.stdout.trim()).toBe('function function function');
  });
});

const script = join(root, 'scripts/notebooks.mjs');
const jupyter = spawnSync('/usr/bin/python3', ['-c', 'import jupyter_client, nbclient, nbformat, nbconvert'], { encoding: 'utf8' });
const jupyterMissing = jupyter.error !== undefined || jupyter.status !== 0;
if (jupyterMissing) console.warn('notebook check tests skipped: Debian jupyter-nbconvert python3-ipykernel jupyter-client not installed');
const chromium = spawnSync('chromium', ['--version'], { encoding: 'utf8' });
const chromiumMissing = chromium.error !== undefined || chromium.status !== 0;

describe('npm run notebooks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rdbm-notebook-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, RDBM_SKIP_BUILD: '1' };
  const notebook = (file: string, cells: string[]) => {
    writeFileSync(join(dir, file), JSON.stringify({
      cells: cells.map((source, i) => ({ cell_type: 'code', execution_count: null, id: `cell-${i + 1}`, metadata: {}, outputs: [], source })),
      metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' } }, nbformat: 4, nbformat_minor: 5,
    }));
    return join(dir, file);
  };

  it('without Jupyter: one line saying what to install, exit 1', () => {
    const run = spawnSync(process.execPath, [script, '--check'], { env: { ...env, RDBM_PYTHON: join(dir, 'no-python') }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^npm run notebooks: Jupyter not found \(no Python can import jupyter_client, nbclient, nbformat, nbconvert\): install it with sudo apt-get install jupyter-notebook jupyter-nbconvert python3-ipykernel jupyter-client \(or: pip install jupyterlab\)\n$/);
  });

  it('refuses an unknown option and a missing notebook in one line, exit 2', () => {
    const bad = spawnSync(process.execPath, [script, '--chek'], { env, encoding: 'utf8' });
    expect([bad.status, bad.stderr]).toEqual([2, 'npm run notebooks: unknown option --chek: expected --check or --update, then notebooks\n']);
    const missing = spawnSync(process.execPath, [script, '--check', 'nope.ipynb'], { env, encoding: 'utf8' });
    expect(missing.status).toBe(jupyterMissing ? 1 : 2);
    if (!jupyterMissing) expect(missing.stderr).toBe('npm run notebooks: nope.ipynb: expected an existing .ipynb file\n');
  });

  it.skipIf(jupyterMissing)('--check names the notebook and cell that failed (thrown error, TypeScript error), a tensor leak, a long cell, an underscore in Markdown, and flags a blank plot and an error shown in an output', () => {
    const thrown = notebook('thrown.ipynb', ["console.log('fine')", "throw new RangeError('boom')", "console.log('never')"]);
    const typed = notebook('typed.ipynb', ["const x: number = 'a';"]);
    const leak = notebook('leak.ipynb', [`const { tf, initBackend } = require(${JSON.stringify(join(root, 'dist/index.js'))});\nawait initBackend('cpu');\nconst kept = tf.ones([3]);`]);
    const long = notebook('long.ipynb', [Array.from({ length: 16 }, (_, i) => `const v${i} = ${i};`).join('\n')]);
    const italic = notebook('italic.ipynb', ["import * as tslab from 'tslab';\ntslab.display.markdown('sum_scale and Σ_{T−1}');"]);
    // runs, but shows a blank (white) image and prints an error without failing
    const blankPng = 'iVBORw0KGgoAAAANSUhEUgAAAMgAAABkAQAAAADr/UKmAAAAGklEQVR42u3BAQ0AAADCIPunNsc3YAAAAAAAAK4G8QAB2mDT0wAAAABJRU5ErkJggg==';
    const shown = notebook('shown.ipynb', [`import * as tslab from 'tslab';\ntslab.display.png(Buffer.from('${blankPng}', 'base64'));`, "console.error('TypeError: shown, not thrown');"]);
    const run = spawnSync(process.execPath, [script, '--check', thrown, typed, leak, long, italic, shown], { env, cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toContain(`${thrown}: cell 2 (id cell-2, \`throw new RangeError('boom')\`) failed: RangeError: boom`);
    expect(lines).toContain(`${typed}: cell 1 (id cell-1, \`const x: number = 'a';\`) failed: TypeScript: 1:7 - Type 'string' is not assignable to type 'number'.`);
    expect(lines).toContain(`${leak}: 1 tensor(s) still allocated at the end (tf.memory().numTensors must be back to its start: dispose them, or run the work in tensorScope)`);
    expect(lines).toContain(`${long}: cell 1 (id cell-1) has 16 lines (at most 15: move the work into a library call)`);
    expect(lines).toContain(`${italic}: cell 1 (id cell-1): 2 unescaped underscore(s) in Markdown would turn text into italics (write \\_ or use code): …sum_scale and Σ…`);
    if (!chromiumMissing) {
      expect(lines.filter((l) => l.startsWith('shown.ipynb (screenshot): '))).toEqual([
        expect.stringMatching(/^shown\.ipynb \(screenshot\): output image 1 at y = \d+ px is blank \(1 colours\)$/),
        'shown.ipynb (screenshot): an output shows an error: TypeError: shown, not thrown',
      ]);
      expect(lines.at(-1)).toBe('npm run notebooks: 7 problem(s)');
    }
  }, 300_000);
});
