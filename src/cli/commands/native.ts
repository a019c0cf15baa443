/** `rdbm native build` and `rdbm native status`: the native TensorFlow backend (src/native/build.ts, src/tf/native.ts). */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { CUDA_PIP_SPEC, DEFAULT_PIP_SPEC, buildNative, folderBytes } from '../../native/build.js';
import { NATIVE_VARIANTS, nativeRoot, nativeUnavailable, readNativeBuild, variantDir } from '../../tf/native.js';
import type { Command } from '../command.js';

export const nativeBuildCommand: Command = {
  name: 'native build',
  summary: 'build the native TensorFlow backend from a TensorFlow wheel (pip download tensorflow-cpu==2.21.0 by default)',
  description: [
    "Compiles @tensorflow/tfjs-node's binding (the version package-lock.json pins) against the C libraries of a",
    `TensorFlow wheel, into ${'.native/<cpu|cuda>/'} (git-ignored; RDBM_NATIVE_DIR moves it). The only network use is`,
    '`pip download` of the wheel (none with --wheel); nothing is fetched from a bucket or release page.',
    'A second run with the same wheel reuses the build. The CUDA variant comes from the tensorflow wheel:',
    `--pip '${CUDA_PIP_SPEC}' (CUDA ≥ 12.5 and cuDNN ≥ 9.3 must be on the library path at run time).`,
  ].join('\n'),
  options: [
    { name: 'wheel', type: 'string', valueName: '<file>', description: 'a TensorFlow wheel already downloaded (tensorflow-cpu or tensorflow)' },
    { name: 'pip', type: 'string', valueName: '<spec>', description: `what to pip download (default: ${DEFAULT_PIP_SPEC})` },
    { name: 'force', type: 'boolean', description: 'rebuild even when a build of the same wheel exists' },
  ],
  examples: ['rdbm native build', `rdbm native build --pip '${CUDA_PIP_SPEC}'`, 'rdbm native build --wheel tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl'],
  run(args, io) {
    const o = args.options;
    const r = buildNative({ ...(o.wheel ? { wheel: String(o.wheel) } : {}), ...(o.pip ? { pip: String(o.pip) } : {}), force: Boolean(o.force) }, io);
    io.out(`${r.reused ? 'reused' : 'built'} ${r.build.variant}: TensorFlow ${r.build.tfVersion} in ${r.dir}\n`);
    return 0;
  },
};

/** GPUs nvidia-smi lists (none when it is absent). */
function cudaDevices(): string[] {
  const r = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter((l) => l.trim()) : [];
}

export const nativeStatusCommand: Command = {
  name: 'native status',
  summary: 'what native TensorFlow builds exist, their TensorFlow version, the thread count and visible CUDA devices',
  options: [{ name: 'json', type: 'boolean', description: 'print JSON' }],
  run(args, io) {
    const builds = NATIVE_VARIANTS.map((variant) => {
      const build = readNativeBuild(variant);
      const why = nativeUnavailable(variant);
      return { variant, dir: variantDir(variant), usable: !why, ...(why ? { why } : {}), ...(build ? { build, bytes: folderBytes(variantDir(variant)) } : {}) };
    });
    const env = process.env.RDBM_THREADS ?? process.env.TF_NUM_INTRAOP_THREADS;
    const threads = { intraOp: env ? Number(env) : availableParallelism(), source: env ? (process.env.RDBM_THREADS ? 'RDBM_THREADS' : 'TF_NUM_INTRAOP_THREADS') : 'default: every core' };
    const devices = cudaDevices();
    if (args.options.json) {
      io.out(`${JSON.stringify({ root: nativeRoot(), builds, threads, cudaDevices: devices }, null, 2)}\n`);
      return 0;
    }
    for (const b of builds) {
      if (b.build) io.out(`${b.variant}: ${b.usable ? 'built' : `unusable: ${b.why}`}: TensorFlow ${b.build.tfVersion} from ${b.build.wheel.file}, tfjs-node ${b.build.tfjsNode}, ${(b.bytes! / 2 ** 20).toFixed(0)} MiB in ${b.dir} (built ${b.build.builtAt})\n`);
      else io.out(`${b.variant}: ${b.why}\n`);
    }
    io.out(`threads: ${threads.intraOp} (${threads.source}; --threads N or RDBM_THREADS sets TF's intra-op threads)\n`);
    io.out(`CUDA devices: ${devices.length ? devices.join('; ') : 'none visible'}\n`);
    return 0;
  },
};
