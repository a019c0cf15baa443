// Metrics speed: 20 pairs of 1280×720 photographs scored by `rdbm metrics` (whole process, worker
// threads on every core) and by the Python reference implementations (whole process, one thread:
// scikit-image for `rdbm`, the lean BasicSR formulas — cv2.filter2D on the Y channel — for `basicsr-y`),
// on the same files in the same run. Prints the wall-clock ratio and the CPU-time ratio beside it
// (user + system of every thread: ours uses all cores, the reference one), the toolkit's peak RSS for 5 and 20 pairs (memory must not grow with the
// number of images), and the largest per-image deviation from the reference.
// Fails when the values disagree beyond 1e-4 dB / 5e-6 or the toolkit is less than 5× faster.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PHOTOS = join(ROOT, 'data', 'photos');
const PAIRS = Number(process.env.RDBM_BENCH_PAIRS ?? 20);
const TARGET = 5;
const PYTHON = '/usr/bin/python3';

/** Deterministic uniform numbers (LCG) for the noise degradation: no Math.random. */
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pairName = (i) => `${String(i).padStart(3, '0')}.png`;

async function makePairs(dir, n) {
  const photos = ['astronaut.png', 'chelsea.png', 'china.jpg', 'coffee.png', 'flower.jpg', 'hubble_deep_field.jpg', 'rocket.jpg'];
  const positions = ['centre', 'north', 'south', 'east', 'west'];
  mkdirSync(join(dir, 'gt'));
  mkdirSync(join(dir, 'pred'));
  for (let i = 0; i < n; i++) {
    const name = pairName(i);
    const gt = await sharp(join(PHOTOS, photos[i % photos.length]))
      .keepIccProfile()
      .resize(1280, 720, { fit: 'cover', position: positions[i % positions.length] })
      .removeAlpha()
      .raw()
      .toBuffer();
    const raw = { raw: { width: 1280, height: 720, channels: 3 } };
    await sharp(gt, raw).png({ compressionLevel: 1 }).toFile(join(dir, 'gt', name));
    let pred;
    switch (i % 4) {
      case 0:
        pred = sharp(gt, raw).blur(1.2);
        break;
      case 1:
        pred = sharp(await sharp(gt, raw).jpeg({ quality: 30 }).toBuffer());
        break;
      case 2: {
        const rnd = lcg(i + 1);
        const noisy = Buffer.from(gt);
        for (let k = 0; k < noisy.length; k++) noisy[k] = Math.max(0, Math.min(255, noisy[k] + Math.round((rnd() - 0.5) * 24)));
        pred = sharp(noisy, raw);
        break;
      }
      default:
        pred = sharp(gt, raw).linear(0.4, 8);
    }
    await pred.png({ compressionLevel: 1 }).toFile(join(dir, 'pred', name));
  }
}

/**
 * A folder `<dir>/<label>/{gt,pred}` of symlinks to the first n pairs, each `copies` times
 * (prefixes a, b, …): more pairs without new files, for the memory check.
 */
function linked(dir, label, n, copies = 1) {
  const sub = join(dir, label);
  for (const side of ['gt', 'pred']) {
    mkdirSync(join(sub, side), { recursive: true });
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < copies; c++) {
        const prefix = copies === 1 ? '' : String.fromCharCode(97 + c);
        symlinkSync(join(dir, side, pairName(i)), join(sub, side, `${prefix}${pairName(i)}`));
      }
    }
  }
  return sub;
}

/** `rdbm metrics … --json` as a whole process; returns wall time, peak RSS (whole process, workers included) and the report. */
function runToolkit(convention, dir, env = {}) {
  const code = `
    import { runCli } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/cli/main.js')).href)};
    let out = '';
    const io = { out: (t) => { out += t; }, err: (t) => { if (!t.startsWith('metrics ')) process.stderr.write(t); }, errIsTTY: false };
    const rc = await runCli(JSON.parse(process.env.RDBM_BENCH_ARGS), io);
    process.stdout.write(out);
    process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n');
    process.exitCode = rc;`;
  const args = ['metrics', '--gt', join(dir, 'gt'), '--pred', join(dir, 'pred'), '--convention', convention, '--json'];
  const wrapper = join(dir, 'toolkit-run.mjs');
  writeFileSync(wrapper, code);
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', process.execPath, wrapper], {
    env: { ...process.env, ...env, RDBM_BENCH_ARGS: JSON.stringify(args) },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`toolkit failed (${r.status}): ${r.stderr}`);
  const rssKb = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1]);
  return { seconds, cpu: cpuSeconds(r.stderr), rssMb: rssKb / 1024, report: JSON.parse(r.stdout) };
}

/** user + system CPU seconds from /usr/bin/time's `CPU %U %S` line */
function cpuSeconds(stderr) {
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(stderr);
  return m ? Number(m[1]) + Number(m[2]) : NaN;
}

function runReference(convention, dir) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS %M\nCPU %U %S', PYTHON, join(ROOT, 'scripts/reference/metrics_bench_reference.py'), convention, join(dir, 'gt'), join(dir, 'pred')], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`reference failed (${r.status}): ${r.stderr}`);
  return { seconds, cpu: cpuSeconds(r.stderr), rssMb: Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1]) / 1024, report: JSON.parse(r.stdout) };
}

function deviation(ours, ref) {
  const byName = new Map(ref.images.map((x) => [x.name, x]));
  let psnr = 0;
  let ssim = 0;
  for (const img of ours.images) {
    const name = img.name.split('/').pop();
    const r = byName.get(name);
    if (!r) throw new Error(`reference has no ${name}`);
    if ((img.psnr === null) !== (r.psnr === null)) psnr = Infinity;
    else if (img.psnr !== null) psnr = Math.max(psnr, Math.abs(img.psnr - r.psnr));
    ssim = Math.max(ssim, Math.abs(img.ssim - r.ssim));
  }
  return { psnr, ssim };
}

// RDBM_BENCH_KEEP=1 keeps the generated pairs (path printed) for profiling
const dir = mkdtempSync(join(tmpdir(), 'rdbm-metrics-bench-'));
let failed = false;
try {
  const t0 = performance.now();
  await makePairs(dir, PAIRS);
  console.log(`made ${PAIRS} pairs of 1280×720 PNGs in ${((performance.now() - t0) / 1000).toFixed(1)}s (${dir}); ${availableParallelism()} cores`);
  const small = linked(dir, 'first-5', Math.min(5, PAIRS));
  const twice = linked(dir, `twice-${PAIRS}`, PAIRS, 2);
  if (process.env.RDBM_BENCH_ONLY_MAKE) process.exit(0);
  for (const convention of ['basicsr-y', 'rdbm']) {
    const runs = [runToolkit(convention, dir), runToolkit(convention, dir)];
    const ours = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
    const few = runToolkit(convention, small);
    const many = convention === 'basicsr-y' ? runToolkit(convention, twice) : undefined;
    // the Gaussian conventions run WebAssembly SIMD kernels; the TypeScript kernels give identical values
    const js = convention === 'basicsr-y' ? runToolkit(convention, dir, { RDBM_METRICS_KERNELS: 'js' }) : undefined;
    const ref = runReference(convention, dir);
    const dev = deviation(ours.report, ref.report);
    const ratio = ref.seconds / ours.seconds;
    console.log(
      `${convention.padEnd(10)} toolkit ${ours.seconds.toFixed(2)}s (best of 2; peak RSS ${few.rssMb.toFixed(0)} MB for 5 pairs, ${ours.rssMb.toFixed(0)} MB for ${PAIRS}` +
        `${many ? `, ${many.rssMb.toFixed(0)} MB for ${2 * PAIRS}` : ''}) | ` +
        `reference ${ref.seconds.toFixed(2)}s (peak RSS ${ref.rssMb.toFixed(0)} MB) | ratio ${ratio.toFixed(1)}× wall, ${(ref.cpu / ours.cpu).toFixed(1)}× CPU (${ours.cpu.toFixed(2)}s vs ${ref.cpu.toFixed(2)}s) | ` +
        `max |Δ| PSNR ${dev.psnr.toExponential(2)} dB, SSIM ${dev.ssim.toExponential(2)}`,
    );
    if (js) {
      const same = JSON.stringify(js.report.images) === JSON.stringify(ours.report.images);
      console.log(
        `${''.padEnd(10)} (kernels: WebAssembly SIMD; with RDBM_METRICS_KERNELS=js the TypeScript kernels take ${js.seconds.toFixed(2)}s, ` +
          `${(ref.seconds / js.seconds).toFixed(1)}× the reference, ${same ? 'identical values' : 'DIFFERENT values'})`,
      );
      if (!same) failed = true;
    }
    if (!(dev.psnr <= 1e-4 && dev.ssim <= 5e-6)) {
      console.log(`${convention}: FAILED parity (tolerance 1e-4 dB, 5e-6)`);
      failed = true;
    }
    if (ratio < TARGET) {
      console.log(`${convention}: FAILED speed target (${ratio.toFixed(1)}× < ${TARGET}×; goal 10×)`);
      failed = true;
    }
  }
} finally {
  if (!process.env.RDBM_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
