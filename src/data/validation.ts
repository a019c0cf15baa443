/**
 * A validation split of mini-uir's training photographs, for choosing a training recipe without looking at
 * the test photographs (issue 31): every sixth colour training photograph in name order is held out (6 of the
 * 33; like the test photographs they are colour, so the RGB conventions score them), with all of its crops and
 * degradations. `writeValidationLayout` links a mini-uir folder's files into a
 * dataset root whose `train` split is the remaining training photographs and whose `test` split is the
 * held-out ones, so `rdbm train` and `rdbm restore`/`metrics --layout` run on it unchanged.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RdbmError } from '../errors.js';

/** Every `every`-th photograph stem of the sorted training photographs (the validation photographs). */
export function validationPhotos(trainPhotos: readonly string[], every = 6): string[] {
  return [...new Set(trainPhotos)].sort().filter((_, i) => i % every === 0);
}

/** True when a PNG is greyscale (IHDR colour type 0 or 4), from its header. */
export function isGreyPng(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(26);
    readSync(fd, b, 0, 26, 0);
    return b[25] === 0 || b[25] === 4;
  } finally {
    closeSync(fd);
  }
}

/** The photograph a mini-uir file name comes from (`<photo>_<k>.png`). */
export const photoOf = (file: string): string => file.replace(/_\d+\.[^.]+$/, '');

export interface ValidationLayout {
  readonly root: string;
  readonly photos: readonly string[];
  /** pairs per split, summed over tasks */
  readonly train: number;
  readonly validation: number;
}

/** Links `miniUir`'s training pairs into `out`: train = training photographs minus the validation ones, test = those. */
export function writeValidationLayout(miniUir: string, out: string, every = 6): ValidationLayout {
  const tasks = readdirSync(miniUir, { withFileTypes: true }).filter((d) => d.isDirectory());
  if (!tasks.length) throw new RdbmError(`${miniUir}: no task folders (expected a mini-uir folder: rdbm data mini-uir --out ${miniUir})`);
  const subs = tasks.flatMap((t) => readdirSync(join(miniUir, t.name), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(t.name, d.name)));
  const labels = subs.flatMap((s) => readdirSync(join(miniUir, s, 'train', 'label')).map((f) => ({ stem: photoOf(f), path: join(miniUir, s, 'train', 'label', f) })));
  const grey = new Set(labels.filter((l) => isGreyPng(l.path)).map((l) => l.stem));
  const stems = labels.map((l) => l.stem).filter((stem) => !grey.has(stem));
  const photos = validationPhotos(stems, every);
  const held = new Set(photos);
  rmSync(out, { recursive: true, force: true });
  let train = 0;
  let validation = 0;
  for (const sub of subs) {
    for (const kind of ['label', 'condition']) {
      const from = join(miniUir, sub, 'train', kind);
      if (!existsSync(from)) throw new RdbmError(`${from}: missing (expected mini-uir's train/${kind} folder)`);
      for (const split of ['train', 'test']) mkdirSync(join(out, sub, split, kind), { recursive: true });
      for (const f of readdirSync(from)) {
        const toVal = held.has(photoOf(f));
        symlinkSync(resolve(from, f), join(out, sub, toVal ? 'test' : 'train', kind, f));
        if (kind === 'label') toVal ? validation++ : train++;
      }
    }
  }
  return { root: out, photos, train, validation };
}
