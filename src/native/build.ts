/**
 * `rdbm native build`: compiles tfjs-node's binding (the version package-lock.json pins) against the C
 * libraries inside a TensorFlow wheel, into `.native/<variant>/` (git-ignored; RDBM_NATIVE_DIR moves it).
 *
 * Why: the stock @tensorflow/tfjs-node(-gpu) install downloads libtensorflow 2.9.1 (CUDA 11) from a bucket,
 * which fails offline and cannot use CUDA 12. A TensorFlow wheel's `libtensorflow_cc.so.2` and
 * `libtensorflow_framework.so.2` export every TF_ and TFE_ symbol the binding calls, so the binding builds
 * against any current TensorFlow the user can `pip download`.
 *
 * Network: only `pip download` (the default `tensorflow-cpu==2.21.0`, or --pip SPEC); none with --wheel FILE.
 * The tfjs-node sources come through npm from its cache (npm ci fetched the tarball), never from a bucket or
 * release page. Idempotent: a build of the same wheel (or pip spec), tfjs-node version and Node ABI is reused.
 * The new build is assembled in a sibling folder and renamed into place, so a killed build is never loaded.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RdbmError } from '../errors.js';
import { type NativeBuild, type NativeVariant, bindingPath, nativeRoot, readNativeBuild, variantDir } from '../tf/native.js';
import type { Io } from '../util/io.js';
import { writeJsonAtomic } from '../util/fs.js';

export const DEFAULT_PIP_SPEC = 'tensorflow-cpu==2.21.0';
export const CUDA_PIP_SPEC = 'tensorflow[and-cuda]==2.21.0';

export interface BuildOptions {
  /** a TensorFlow wheel already on disk */
  readonly wheel?: string;
  /** what to `pip download` (default tensorflow-cpu==2.21.0) */
  readonly pip?: string;
  /** rebuild even when a matching build exists */
  readonly force?: boolean;
  readonly root?: string;
}

/** What the wheel or pip spec builds: the CUDA variant from the `tensorflow` wheel, the CPU one from `tensorflow-cpu`. */
export function variantOf(source: string): NativeVariant {
  const name = basename(source).toLowerCase().replace(/_/g, '-');
  if (/^tensorflow-cpu\b/.test(name)) return 'cpu';
  if (/^tensorflow(\[[^\]]*\])?([=<>~!-]|$)/.test(name)) return 'cuda';
  throw new RdbmError(`cannot tell the TensorFlow build of ${JSON.stringify(source)} (expected a tensorflow-cpu or tensorflow wheel or pip spec, e.g. ${DEFAULT_PIP_SPEC} or ${CUDA_PIP_SPEC})`);
}

/** The @tensorflow/tfjs-node version to build: the one package-lock.json pins, else the package.json range's version. */
export function lockedTfjsNodeVersion(projectRoot: string): string {
  const lock = join(projectRoot, 'package-lock.json');
  if (existsSync(lock)) {
    const v = (JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { version?: string }> }).packages?.['node_modules/@tensorflow/tfjs-node']?.version;
    if (v) return v;
  }
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  const range = pkg.optionalDependencies?.['@tensorflow/tfjs-node'];
  const m = range ? /\d+\.\d+\.\d+/.exec(range) : null;
  if (!m) throw new RdbmError('package.json names no @tensorflow/tfjs-node version to build');
  return m[0];
}

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Tools {
  readonly python: string;
  readonly nodeGyp: string;
  readonly nodedir: string;
}

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** npm's bundled node-gyp (no download), next to the npm that runs us or the one on PATH. */
function findNodeGyp(): string | undefined {
  const candidates: string[] = [];
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  const npm = which('npm');
  if (npm) {
    const root = spawnSync(npm, ['root', '-g'], { encoding: 'utf8' }).stdout?.trim();
    if (root) candidates.push(join(root, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  candidates.push(join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  return candidates.find((c) => existsSync(c));
}

/** The installed Node headers (node-gyp would otherwise download them): npm's `nodedir`, else next to the node binary. */
function findNodedir(): string | undefined {
  const candidates = [process.env.npm_config_nodedir, join(dirname(process.execPath), '..')].filter((d): d is string => Boolean(d));
  return candidates.find((d) => existsSync(join(d, 'include', 'node', 'node_api.h')));
}

/** Every tool the build needs, or one line naming what is missing and how to get it. */
export function checkTools(needPip: boolean): Tools {
  const python = which('python3');
  if (!python) throw new RdbmError('native build: python3 is missing (node-gyp and pip need it; e.g. apt-get install python3 python3-pip)');
  if (needPip && spawnSync(python, ['-m', 'pip', '--version']).status !== 0) {
    throw new RdbmError('native build: pip is missing (apt-get install python3-pip), or pass --wheel FILE with a TensorFlow wheel you downloaded');
  }
  for (const [tool, hint] of [['c++', 'a C++ compiler (apt-get install g++)'], ['make', 'make (apt-get install make)'], ['tar', 'tar']] as const) {
    if (!which(tool)) throw new RdbmError(`native build: ${tool} is missing: install ${hint}`);
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) throw new RdbmError("native build: npm's bundled node-gyp was not found (run the build through npm: `npm run native`)");
  const nodedir = findNodedir();
  if (!nodedir) throw new RdbmError(`native build: the Node headers (include/node/node_api.h) were not found next to ${process.execPath} (install your distribution's nodejs headers, e.g. apt-get install libnode-dev, or set npm's nodedir)`);
  return { python, nodeGyp, nodedir };
}

function run(cmd: string, args: readonly string[], what: string, options: { cwd?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...options });
  if (r.status !== 0) {
    const tail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').filter((l) => l.trim()).slice(-3).join(' | ');
    throw new RdbmError(`native build: ${what} failed${r.error ? ` (${r.error.message})` : ''}: ${tail.slice(0, 600)}`);
  }
  return r.stdout ?? '';
}

function sha256File(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 22);
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/** `pip download --no-deps SPEC` into `dir`; returns the wheel's path. */
function pipDownload(python: string, spec: string, dir: string, io: Io): string {
  mkdirSync(dir, { recursive: true });
  io.err(`native: pip download --no-deps ${spec}\n`);
  const out = run(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', dir, spec], `pip download ${spec}`);
  const saved = /(?:Saved|File was already downloaded) (\S+\.whl)/.exec(out)?.[1];
  const wheel = saved ? resolve(dir, saved) : undefined;
  if (wheel && existsSync(wheel)) return wheel;
  const name = variantOf(spec) === 'cpu' ? 'tensorflow_cpu-' : 'tensorflow-';
  const found = readdirSync(dir).filter((f) => f.startsWith(name) && f.endsWith('.whl')).sort();
  if (!found.length) throw new RdbmError(`native build: pip download ${spec} left no ${name}*.whl in ${dir}`);
  return join(dir, found[found.length - 1]);
}

/** The parts of a wheel the binding needs: the two C libraries and the headers (headers only for the compile). */
function extractWheel(python: string, wheel: string, into: string): void {
  const script = [
    'import sys, zipfile, os',
    'z = zipfile.ZipFile(sys.argv[1]); out = sys.argv[2]; n = 0',
    'for i in z.infolist():',
    "    f = i.filename",
    "    if f in ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2') or f.startswith('tensorflow/include/'):",
    '        z.extract(i, out); n += 1',
    "print(n)",
  ].join('\n');
  const n = Number(run(python, ['-c', script, wheel, into], `reading ${basename(wheel)}`).trim());
  if (!existsSync(join(into, 'tensorflow', 'libtensorflow_cc.so.2')) || !existsSync(join(into, 'tensorflow', 'libtensorflow_framework.so.2'))) {
    throw new RdbmError(`native build: ${wheel} holds no tensorflow/libtensorflow_cc.so.2 and libtensorflow_framework.so.2 (${n} files read; expected a Linux TensorFlow wheel)`);
  }
}

/** The tfjs-node package sources of `version`, unpacked into `into/tfjs-node`, through npm's cache. */
function unpackTfjsNode(version: string, into: string): string {
  const npm = which('npm');
  if (!npm) throw new RdbmError('native build: npm is missing');
  const tmp = join(into, 'pack');
  mkdirSync(tmp, { recursive: true });
  run(npm, ['pack', `@tensorflow/tfjs-node@${version}`, '--prefer-offline', '--silent', '--pack-destination', tmp], `npm pack @tensorflow/tfjs-node@${version}`);
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new RdbmError(`native build: npm pack @tensorflow/tfjs-node@${version} wrote no tarball`);
  run('tar', ['xzf', join(tmp, tgz), '-C', tmp], 'unpacking tfjs-node');
  const dir = join(into, 'tfjs-node');
  renameSync(join(tmp, 'package'), dir);
  rmSync(tmp, { recursive: true, force: true });
  return dir;
}

/** What identifies a build: a reuse needs all of these equal. */
function sameBuild(b: NativeBuild, want: { source: string; tfjsNode: string }): boolean {
  return b.tfjsNode === want.tfjsNode && b.nodeAbi === process.versions.modules && (b.wheel.file === basename(want.source) || b.source === want.source);
}

export interface BuildResult {
  readonly build: NativeBuild;
  readonly dir: string;
  readonly reused: boolean;
}

/** Builds (or reuses) the native backend; progress on io.err. */
export function buildNative(options: BuildOptions, io: Io): BuildResult {
  if (options.wheel && options.pip) throw new RdbmError('native build: pass --wheel or --pip, not both');
  if (options.wheel && !existsSync(options.wheel)) throw new RdbmError(`native build: wheel not found: ${options.wheel}`);
  const source = options.wheel ? resolve(options.wheel) : (options.pip ?? DEFAULT_PIP_SPEC);
  const variant = variantOf(source);
  const root = options.root ?? nativeRoot();
  const tfjsNode = lockedTfjsNodeVersion(PROJECT_ROOT);
  const dir = variantDir(variant, root);
  const existing = readNativeBuild(variant, root);
  if (existing && !options.force && sameBuild(existing, { source, tfjsNode })) {
    io.err(`native: reusing the ${variant} build in ${dir} (TensorFlow ${existing.tfVersion}, tfjs-node ${existing.tfjsNode}, built ${existing.builtAt}); --force rebuilds\n`);
    return { build: existing, dir, reused: true };
  }
  const tools = checkTools(!options.wheel);
  const work = `${dir}.partial-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const wheel = options.wheel ? resolve(options.wheel) : pipDownload(tools.python, source, join(root, 'wheels'), io);
    io.err(`native: tfjs-node ${tfjsNode} sources (npm cache)\n`);
    const pkg = unpackTfjsNode(tfjsNode, work);
    io.err(`native: extracting the C libraries and headers of ${basename(wheel)}\n`);
    const extracted = join(work, 'wheel');
    extractWheel(tools.python, wheel, extracted);
    const lib = join(pkg, 'deps', 'lib');
    mkdirSync(lib, { recursive: true });
    for (const f of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2']) renameSync(join(extracted, 'tensorflow', f), join(lib, f));
    // the binding links -ltensorflow -ltensorflow_framework: the wheel's C API lives in libtensorflow_cc
    symlinkSync('libtensorflow_cc.so.2', join(lib, 'libtensorflow.so'));
    symlinkSync('libtensorflow_framework.so.2', join(lib, 'libtensorflow_framework.so'));
    renameSync(join(extracted, 'tensorflow', 'include'), join(pkg, 'deps', 'include'));
    rmSync(extracted, { recursive: true, force: true });
    io.err(`native: compiling the binding (node-gyp, Node headers in ${tools.nodedir})\n`);
    const napi = Number(process.versions.napi ?? 8) >= 8 ? 8 : Number(process.versions.napi);
    run(process.execPath, [tools.nodeGyp, 'rebuild', `--nodedir=${tools.nodedir}`, '--module_name=tfjs_binding', `--module_path=../lib/napi-v${napi}`, `--napi_build_version=${napi}`, `--jobs=2`], 'compiling the tfjs-node binding', { cwd: pkg });
    rmSync(join(pkg, 'deps', 'include'), { recursive: true, force: true }); // headers are for the compile only
    // tfjs-node's kernels `require('@tensorflow/tfjs')`: a two-line module giving them rdbm-lab's own tfjs-core
    const shim = join(work, 'node_modules', '@tensorflow', 'tfjs');
    mkdirSync(shim, { recursive: true });
    writeJsonAtomic(join(shim, 'package.json'), { name: '@tensorflow/tfjs', version: tfjsNode, main: 'index.js', private: true });
    writeFileSync(join(shim, 'index.js'), "// rdbm native build: tfjs-node's kernels bind to the tfjs-core rdbm-lab computes with\nmodule.exports = require('@tensorflow/tfjs-core');\n");
    const tfVersion = run(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(bindingPath(work))}).TF_Version)`], 'loading the built binding', {}).trim();
    const build: NativeBuild = {
      variant,
      tfVersion,
      wheel: { file: basename(wheel), sha256: sha256File(wheel) },
      source,
      tfjsNode,
      nodeAbi: process.versions.modules,
      napi,
      builtAt: new Date().toISOString(),
    };
    writeJsonAtomic(join(work, 'build.json'), build);
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
    io.err(`native: built ${variant} in ${dir}: TensorFlow ${tfVersion}, tfjs-node ${tfjsNode}, Node ABI ${build.nodeAbi}\n`);
    return { build, dir, reused: false };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    if (error instanceof RdbmError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOSPC') throw new RdbmError(`native build: no space left under ${root} (a build takes about 1 GB; free space or set RDBM_NATIVE_DIR)`);
    throw error;
  }
}

/** Bytes on disk of a build folder (for `native status`). */
export function folderBytes(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) total += statSync(p).size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return total;
}
