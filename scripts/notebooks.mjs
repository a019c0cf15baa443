#!/usr/bin/env node
/**
 * `npm run notebooks` — everything a person needs to open the notebooks after `npm ci`:
 * builds the package, links node_modules/rdbm-lab to this checkout (the notebooks import the built
 * package by name), registers the tslab kernel with a Python that has jupyter_client, opens
 * JupyterLab (else the classic Notebook) on notebooks/ and prints the URL.
 *
 *   npm run notebooks -- --check  [nb.ipynb ...]  execute every notebook headless into a temporary
 *       folder; exit 1 naming the notebook and cell of the first failure, a notebook that leaves
 *       TensorFlow.js tensors allocated (tf.memory().numTensors not back to its start), a code cell
 *       longer than 15 lines or an unescaped underscore in Markdown (scripts/notebook-rules.mjs). Then, when Chromium is
 *       installed, the screenshot check: each executed notebook → nbconvert HTML → headless
 *       Chromium screenshot; every plot/image area must be drawn (not blank) and no output area
 *       may show an error.
 *   npm run notebooks -- --update [nb.ipynb ...]  the same, executing the committed notebooks in
 *       place (fresh outputs) and writing notebooks/screenshots/<name>.png.
 * Environment: CI=true makes a missing Chromium a failure; RDBM_SKIP_BUILD=1 skips the build; RDBM_NOTEBOOK_TIMEOUT (s per cell, default 1200);
 * RDBM_PYTHON = the Python with Jupyter (default: the first of /usr/bin/python3, python3, python that
 * has it); CHROMIUM = the browser binary.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, findChromium } from './chromium.mjs';
import { notebookProblems } from './notebook-rules.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const notebooksDir = join(root, 'notebooks');
const screenshotsDir = join(notebooksDir, 'screenshots');
const INSTALL = 'sudo apt-get install jupyter-notebook jupyter-nbconvert python3-ipykernel jupyter-client (or: pip install jupyterlab)';
const env = { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH ?? ''}`, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
const timeout = Number(process.env.RDBM_NOTEBOOK_TIMEOUT ?? 1200);

function die(message, code = 1) {
  process.stderr.write(`npm run notebooks: ${message}\n`);
  process.exit(code);
}

const run = (cmd, args, options = {}) => spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 28, ...options });
const works = (cmd, args) => { const r = run(cmd, args); return !r.error && r.status === 0; };

/** The first Python with Jupyter's client libraries (Debian's first: a pyenv python3 may come first on PATH). */
function jupyterPython(modules) {
  for (const py of process.env.RDBM_PYTHON ? [process.env.RDBM_PYTHON] : ['/usr/bin/python3', 'python3', 'python']) {
    if (works(py, ['-c', `import ${modules.join(', ')}`])) return py;
  }
  return die(`Jupyter not found (no Python can import ${modules.join(', ')}): install it with ${INSTALL}`);
}

function build() {
  if (process.env.RDBM_SKIP_BUILD === '1') return;
  const r = run('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) die('npm run build failed');
}

/** node_modules/rdbm-lab → this checkout, so `import … from 'rdbm-lab'` resolves (and type-checks) in notebooks/. */
function linkPackage() {
  const link = join(root, 'node_modules', 'rdbm-lab');
  try {
    lstatSync(link);
  } catch {
    mkdirSync(join(root, 'node_modules'), { recursive: true });
    symlinkSync('..', link);
  }
  if (!existsSync(join(link, 'dist', 'index.js'))) die(`${relative(root, link)} does not lead to a built package (run npm run build)`);
}

function ensureKernel(py) {
  const r = run(py, ['-m', 'jupyter', 'kernelspec', 'list', '--json']);
  const specs = r.status === 0 ? JSON.parse(r.stdout).kernelspecs : {};
  if (specs.tslab) return;
  const install = run(join(root, 'node_modules/.bin/tslab'), ['install', `--python=${py}`], { cwd: root });
  if (install.status !== 0) die(`tslab install --python=${py} failed: ${(install.stderr || install.stdout).trim().split('\n').pop()}`);
}

function notebookArgs(args) {
  if (args.length === 0) return readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(notebooksDir, f));
  return args.map((a) => {
    const path = resolve(a);
    if (!a.endsWith('.ipynb') || !existsSync(path)) die(`${a}: expected an existing .ipynb file`, 2);
    return path;
  });
}

function open(py) {
  const lab = works(py, ['-c', 'import jupyterlab']);
  if (!lab && !works(py, ['-c', 'import notebook'])) die(`Jupyter not found (neither JupyterLab nor the classic Notebook): install it with ${INSTALL}`);
  const app = lab ? 'jupyterlab' : 'notebook';
  console.log(`notebooks: starting ${lab ? 'JupyterLab' : 'the classic Notebook'} on notebooks/ (Ctrl-C to stop)`);
  // Jupyter refuses to run as root without --allow-root (containers, CI machines)
  const root_ = process.getuid?.() === 0 ? ['--allow-root'] : [];
  const child = spawn(py, ['-m', app, `--notebook-dir=${notebooksDir}`, ...root_], { env, cwd: notebooksDir, stdio: ['inherit', 'pipe', 'pipe'] });
  let shown = false;
  const watch = (stream, sink) => stream.on('data', (chunk) => {
    sink.write(chunk);
    const url = /(https?:\/\/(?:localhost|127\.0\.0\.1)\S*)/.exec(chunk.toString());
    if (url && !shown) {
      shown = true;
      console.log(`\nnotebooks: open ${url[1]}\n`);
    }
  });
  watch(child.stdout, process.stdout);
  watch(child.stderr, process.stderr);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

/** Executes one notebook to `dst`; returns the failure line or undefined. */
function execute(py, src, dst) {
  const start = Date.now();
  const r = run(py, [join(root, 'scripts/notebooks-execute.py'), src, dst, String(timeout)], { cwd: root });
  const name = src.startsWith(root) ? relative(root, src) : src;
  // notebooks-execute.py names the notebook at the start of its one failure line
  if (r.status !== 0) return (r.stderr.trim().split('\n').filter((l) => l.startsWith(`${src}: `)).pop() ?? `${name}: ${r.stderr.trim().split('\n').pop()}`).replace(src, name);
  console.log(`notebooks: ${name} ran in ${((Date.now() - start) / 1000).toFixed(0)} s`);
  return undefined;
}


// Injected into the nbconvert HTML: once loaded, writes the layout of every output image and the text
// of every stderr/error output area into <pre id="rdbm-geometry">, which --dump-dom returns.
const GEOMETRY_SCRIPT = `<script>
window.addEventListener('load', () => {
  const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height }; };
  const images = [...document.querySelectorAll('.jp-OutputArea-output img, .output_area img')].map((e) => ({ ...box(e), natural: [e.naturalWidth, e.naturalHeight] }));
  const errors = [...document.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"], .output_error, .output_stderr')].map((e) => e.innerText);
  const pre = document.createElement('pre');
  pre.id = 'rdbm-geometry';
  pre.textContent = JSON.stringify({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight, images, errors });
  document.body.appendChild(pre);
});
</script>`;
const ERROR_TEXT = /^\s*(\w*(Error|Exception)\b|Traceback|\d+:\d+ - )/m;
const WIDTH = 1100;
const MAX_HEIGHT = 16000;


/**
 * The screenshot check of one executed notebook. Returns { problems, png } where png is the
 * full-page screenshot; a plot area is drawn when ≥ 1% of its pixels differ from its most common
 * colour (a blank or broken image is one flat colour or an icon a few pixels wide).
 */
async function screenshotCheck(py, browser, executed, work) {
  const sharp = (await import('sharp')).default;
  const name = basename(executed, '.ipynb');
  const r = run(py, ['-m', 'nbconvert', '--to', 'html', '--output-dir', work, '--output', name, executed]);
  if (r.status !== 0) return { problems: [`nbconvert --to html failed: ${r.stderr.trim().split('\n').pop()}`] };
  const html = join(work, `${name}.html`);
  const probe = join(work, `${name}.probe.html`);
  writeFileSync(probe, readFileSync(html, 'utf8').replace('</body>', `${GEOMETRY_SCRIPT}</body>`));
  const profile = mkdtempSync(join(tmpdir(), 'rdbm-chromium-'));
  try {
    const dom = run(browser, [...chromiumArgs(profile), `--window-size=${WIDTH},900`, '--dump-dom', `file://${probe}`]);
    const m = /<pre id="rdbm-geometry">([^<]*)<\/pre>/.exec(dom.stdout ?? '');
    if (!m) return { problems: [`Chromium did not lay out ${name}.html (${(dom.stderr ?? '').trim().split('\n').pop()})`] };
    const geometry = JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    const height = Math.min(MAX_HEIGHT, Math.ceil(geometry.height));
    const shot = join(work, `${name}.png`);
    const s = run(browser, [...chromiumArgs(profile), `--window-size=${WIDTH},${height}`, `--screenshot=${shot}`, `file://${html}`]);
    if (!existsSync(shot)) return { problems: [`Chromium took no screenshot (${(s.stderr ?? '').trim().split('\n').pop()})`] };
    const { data, info } = await sharp(shot).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const problems = [];
    let drawn = 0;
    geometry.images.forEach((img, i) => {
      const x0 = Math.max(0, Math.round(img.x)), y0 = Math.max(0, Math.round(img.y));
      const x1 = Math.min(info.width, Math.round(img.x + img.width)), y1 = Math.min(info.height, Math.round(img.y + img.height));
      if (y0 >= info.height) return; // below the captured height (MAX_HEIGHT)
      if (x1 - x0 < 40 || y1 - y0 < 40) { problems.push(`output image ${i + 1} is ${Math.round(img.width)}×${Math.round(img.height)} px (not drawn)`); return; }
      const counts = new Map();
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
        const o = (y * info.width + x) * 3;
        const key = (data[o] >> 3) << 10 | (data[o + 1] >> 3) << 5 | (data[o + 2] >> 3);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const total = (x1 - x0) * (y1 - y0);
      const background = Math.max(...counts.values());
      if ((total - background) / total < 0.01) problems.push(`output image ${i + 1} at y = ${y0} px is blank (${counts.size} colours)`);
      else drawn++;
    });
    for (const text of geometry.errors) if (ERROR_TEXT.test(text)) problems.push(`an output shows an error: ${text.trim().split('\n').find((l) => ERROR_TEXT.test(l))?.trim().slice(0, 120)}`);
    return { problems, png: shot, drawn, images: geometry.images.length, height: geometry.height };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

async function check(update, args) {
  const py = jupyterPython(['jupyter_client', 'nbclient', 'nbformat', 'nbconvert']);
  const notebooks = notebookArgs(args);
  build();
  linkPackage();
  ensureKernel(py);
  const work = mkdtempSync(join(tmpdir(), 'rdbm-notebooks-'));
  const failures = [];
  try {
    const executed = [];
    for (const nb of notebooks) {
      const dst = update ? nb : join(work, basename(nb));
      const failure = execute(py, nb, dst);
      if (failure) {
        failures.push(failure);
        continue;
      }
      const problems = notebookProblems(JSON.parse(readFileSync(dst, 'utf8')));
      failures.push(...problems.map((p) => `${relative(root, nb).startsWith('..') ? nb : relative(root, nb)}: ${p}`));
      executed.push(dst);
    }
    const browser = findChromium(env);
    // under CI a missing browser is a broken setup, not a reason to check less (.ci/run installs it)
    if (!browser && /^(1|true|yes)$/i.test(process.env.CI ?? '')) failures.push('Chromium not found and CI=true: the screenshot check cannot run (apt-get install chromium)');
    else if (!browser) console.log('notebooks: Chromium not found, screenshot check not run (sudo apt-get install chromium)');
    for (const nb of browser ? executed : []) {
      const result = await screenshotCheck(py, browser, nb, work);
      if (result.problems.length) failures.push(...result.problems.map((p) => `${basename(nb)} (screenshot): ${p}`));
      else console.log(`notebooks: ${basename(nb)} screenshot: ${result.drawn}/${result.images} output images drawn, no error shown, page ${Math.round(result.height)} px`);
      if (update && result.png) {
        const sharp = (await import('sharp')).default;
        mkdirSync(screenshotsDir, { recursive: true });
        await sharp(result.png).resize({ width: 440 }).png({ palette: true, colours: 16, dither: 0, compressionLevel: 9, effort: 10 }).toFile(join(screenshotsDir, `${basename(nb, '.ipynb')}.png`));
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  for (const f of failures) process.stderr.write(`${f}\n`);
  if (failures.length) die(`${failures.length} problem(s)`);
  console.log(`notebooks: ${notebooks.length} notebook(s) ok`);
}

const argv = process.argv.slice(2);
const mode = argv[0] === '--check' || argv[0] === '--update' ? argv.shift() : undefined;
const unknown = argv.find((a) => a.startsWith('-'));
if (unknown) die(`unknown option ${unknown}: expected --check or --update, then notebooks`, 2);
if (mode) await check(mode === '--update', argv);
else {
  const py = jupyterPython(['jupyter_client']);
  build();
  linkPackage();
  ensureKernel(py);
  open(py);
}
