/**
 * The real executors: mini-uir generation (src/data), training and restoration (src/models, on the
 * TensorFlow.js backend chosen by initBackend) and scoring (src/metrics). Loaded only when a sweep
 * actually runs, so planning and `rdbm results` never load TensorFlow.js.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RdbmError } from '../errors.js';
import { ensureMiniUir } from '../data/miniUir.js';
import { readImage } from '../image/index.js';
import type { Executors, Environment } from './executors.js';
import { type ImageScore, imageScore } from '../metrics/image-score.js';
import { bundledDatasetRoot, restoredImage, restoredName } from './layout.js';
import { selectTestPairs } from './testset.js';
import { tileWindows } from '../models/tiles.js';
import { ownCommit } from '../util/commit.js';
import { ownVersion, packageVersion } from '../util/version.js';

/**
 * DiffUIR restoration (src/rddm): the network is loaded once, then each <Task>/<SubDataset> group is restored
 * into outDir/<Task>/<SubDataset>/ at DiffUIR's test settings (the condition path decides the LOL equalisation).
 */
async function restoreDiffuir(pairs: ReturnType<typeof selectTestPairs>, checkpoint: string, outDir: string, nfe: number, io: Parameters<Executors['restore']>[0]['io'], signal?: AbortSignal) {
  const { loadRddmNetwork, diffuirRestoreFiles } = await import('../rddm/index.js');
  const network = loadRddmNetwork(checkpoint);
  try {
    const groups = new Map<string, { name: string; path: string }[]>();
    for (const p of pairs) {
      const dir = join(outDir, p.task, p.subDataset);
      groups.set(dir, [...(groups.get(dir) ?? []), { name: p.name, path: p.condition }]);
    }
    for (const [dir, inputs] of groups) await diffuirRestoreFiles({ network, inputs, outputDir: dir, nfe, ...(io ? { io } : {}), ...(signal ? { signal } : {}) });
    return { images: pairs.length, info: { family: 'diffuir', prefix: network.prefix } };
  } finally {
    network.dispose();
  }
}

/** Executors backed by src/data, src/models and src/metrics. */
export function realExecutors(): Executors {
  return {
    async prepareData(config, datasetsDir, ctx) {
      if (config.dataset === 'mini-uir') {
        if (config.cropSize > config.datasetSize) {
          throw new RdbmError(`invalid cropSize: ${config.cropSize} (expected <= the mini-uir image side ${config.datasetSize}; raise datasetSize or use --data with a real dataset)`);
        }
        const root = bundledDatasetRoot(datasetsDir, config.dataset, config.datasetSize);
        await ensureMiniUir(root, { size: config.datasetSize, io: ctx.io });
        return root;
      }
      const root = resolve(config.dataset);
      if (!existsSync(root)) throw new RdbmError(`dataset folder not found: ${root} (expected <root>/<Task>/<SubDataset>/{train,test}/{label,condition})`);
      return root;
    },

    async train({ job, dataRoot, outDir, io, signal }) {
      const { trainModel } = await import('../models/index.js');
      const { trainInputFromRun } = await import('../models/train-config.js');
      const c = job.config;
      const result = await trainModel(
        // irbridge trains a generative VP prior on the clean crops from the same fields
        { ...trainInputFromRun({ ...c }), ...(c.family === 'irbridge' ? { process: 'vp' as const } : {}) },
        { dataRoot, outDir, io, resume: true, ...(signal ? { signal } : {}) },
      );
      return { checkpoint: result.checkpoint, info: { steps: result.steps, finalLoss: result.finalLoss, trainSeconds: result.seconds } };
    },

    async restore({ job, dataRoot, checkpoint, outDir, io, signal }) {
      const { loadCheckpoint, restoreImages } = await import('../models/index.js');
      const c = job.config;
      const pairs = selectTestPairs(dataRoot, c.testLimit);
      if (pairs.length === 0) throw new RdbmError(`${dataRoot}: no test pairs found`);
      if (c.family === 'diffuir') return restoreDiffuir(pairs, checkpoint, outDir, c.nfe, io, signal);
      const model = await loadCheckpoint(checkpoint);
      try {
        // one call for the whole test set: names carry <Task>/<SubDataset>/ so outputs mirror the layout
        // windows of test images over one worker per core, each loading the checkpoint (outputs as one thread's)
        await restoreImages({
          checkpoint,
          workers: availableParallelism(),
          inputs: pairs.map((p) => ({ name: `${p.task}/${p.subDataset}/${restoredName(p.name)}`, path: p.condition })),
          outputDir: outDir,
          nfe: c.nfe,
          schedule: c.sampleSchedule === 'same' ? c.schedule : c.sampleSchedule,
          lambda: c.lambda,
          timesteps: c.timesteps,
          parameterization: c.objective,
          seed: c.seed,
          tile: tileWindows(c.tile, c.cropSize),
          io,
          ...(signal ? { signal } : {}),
        });
      } finally {
        model.dispose();
      }
      return { images: pairs.length, info: { params: model.paramCount } };
    },

    async evaluate({ job, dataRoot, restoredDir }) {
      const { scorePair } = await import('../metrics/index.js');
      const convention = job.config.metric;
      const images: ImageScore[] = [];
      for (const p of selectTestPairs(dataRoot, job.config.testLimit)) {
        const predPath = restoredImage(restoredDir, p);
        if (!existsSync(predPath)) throw new RdbmError(`restored image missing: ${predPath} (delete its restore job record to redo it)`);
        const s = scorePair(await readImage(p.label), await readImage(predPath), convention as Parameters<typeof scorePair>[2], {}, { gt: p.label, pred: predPath });
        images.push(imageScore(p, s));
      }
      return { images };
    },

    async environment(): Promise<Environment> {
      const { initBackend, describeBackend, selectedBackend } = await import('../tf/index.js');
      const { describeGradientKernels } = await import('../models/wasm-grad.js');
      // the backend the command started (--backend), else the default selection
      const info = selectedBackend() ?? (await initBackend());
      // the wasm backend's gradients are ours: their revision is part of the arithmetic a checkpoint's hashes come from
      const kernels = info.id === 'wasm' ? `, ${describeGradientKernels()}` : '';
      return {
        backend: describeBackend(info).replace(/^backend: /, '') + kernels,
        versions: { 'rdbm-lab': ownVersion(), 'rdbm-lab commit': ownCommit(), node: process.versions.node, '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'), sharp: packageVersion('sharp') },
      };
    },
  };
}

