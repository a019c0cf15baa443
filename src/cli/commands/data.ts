import { join } from 'node:path';
import type { Command } from '../command.js';
import { RdbmError } from '../../errors.js';
import { MANIFEST_FILE, MINI_UIR_DEFAULTS, generateMiniUir, readManifest, verifyMiniUir } from '../../data/miniUir.js';
import { DEGRADATIONS, DEGRADATION_NAMES } from '../../data/degradations/index.js';

export const miniUirCommand: Command = {
  name: 'data mini-uir',
  summary: 'generate the bundled five-task benchmark (clean photo crops + synthetic degradations)',
  description: [
    'Writes mini-uir in the RDBM/DGSolver layout <out>/<Task>/<SubDataset>/{train,test}/{label,condition}/<photo>_<k>.png',
    'from the photographs in data/photos, deterministically: the same --seed and --size give the same bytes.',
    `Test split: photographs ${MINI_UIR_DEFAULTS.testPhotos.join(', ')}; the others are the train split.`,
    'Degradations (J the clean crop in [0, 1]):',
    ...DEGRADATION_NAMES.map((n) => `  ${DEGRADATIONS[n].task}/${DEGRADATIONS[n].subDataset}: ${DEGRADATIONS[n].model}`),
    `A ${MANIFEST_FILE} lists the sha256 of every file; --verify checks an existing folder against it.`,
  ].join('\n'),
  options: [
    { name: 'out', type: 'string', valueName: '<dir>', description: 'output folder', required: true },
    { name: 'seed', type: 'integer', description: 'seed of crop positions and degradations', min: 0, default: MINI_UIR_DEFAULTS.seed },
    { name: 'size', type: 'integer', description: 'crop side in pixels', min: 16, max: 256, default: MINI_UIR_DEFAULTS.size },
    { name: 'crops', type: 'integer', description: 'crops per photograph and task', min: 1, max: 50, default: MINI_UIR_DEFAULTS.cropsPerPhoto },
    { name: 'verify', type: 'boolean', description: 'do not write: check the files in --out against its manifest' },
  ],
  examples: ['rdbm data mini-uir --out data/mini-uir', 'rdbm data mini-uir --out /tmp/mini --seed 1 --size 96', 'rdbm data mini-uir --out data/mini-uir --verify'],
  async run({ options }, io) {
    const out = options.out as string;
    if (options.verify) {
      const manifest = readManifest(out);
      if (!manifest) throw new RdbmError(`${join(out, MANIFEST_FILE)}: not found (generate the benchmark first)`);
      const bad = verifyMiniUir(out, manifest);
      if (bad.length) throw new RdbmError(`${out}: ${bad.length} of ${Object.keys(manifest.files).length} files differ from the manifest (first: ${bad[0]})`);
      io.out(`${out}: all ${Object.keys(manifest.files).length} files match ${MANIFEST_FILE}\n`);
      return 0;
    }
    const manifest = await generateMiniUir(out, { seed: options.seed as number, size: options.size as number, cropsPerPhoto: options.crops as number, io });
    const pairs = Object.keys(manifest.files).length / 2;
    io.out(`wrote ${pairs} pairs (${manifest.tasks.length} tasks; train: ${manifest.split.train.join(', ')}; test: ${manifest.split.test.join(', ')}) to ${out}\n`);
    return 0;
  },
};
