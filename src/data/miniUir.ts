/**
 * `mini-uir`: the bundled five-task benchmark. Clean crops of the photographs in data/photos and
 * degraded inputs synthesised here, split into train and test by source photograph and written in
 * the RDBM/DGSolver layout <root>/<Task>/<SubDataset>/{train,test}/{label,condition}/<name>.png.
 * Everything is a function of (photos, seed, size, cropsPerPhoto): regenerating gives the same bytes.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Io } from '../util/io.js';
import { RdbmError } from '../errors.js';
import { readImage } from '../image/index.js';
import type { Image8 } from '../image/index.js';
import { partialPath, removeStalePartials } from '../util/fs.js';
import { sha256, stableStringify } from '../util/hash.js';
import { createProgress } from '../util/progress.js';
import { createRng } from '../util/random.js';
import { number } from '../util/validate.js';
import { DEGRADATIONS, DEGRADATION_NAMES } from './degradations/index.js';
import { encodePng } from './png.js';
import { boxDownsample, cropImage8, quantizeUnitImage, unitFloatImage } from './pixels.js';
import type { Degradation } from './degradations/index.js';

/** Bumped whenever the generator's output changes for the same options. */
export const MINI_UIR_VERSION = 2;

export const MINI_UIR_DEFAULTS = Object.freeze({
  seed: 0,
  /** crop side in pixels */
  size: 64,
  /** crops per photograph and task */
  cropsPerPhoto: 3,
  /**
   * photographs (file stems) held out for the test split: 8 of the 42, so each task has 8 × 3 = 24 test
   * images from scenes never seen in training (animals, architecture, food, nature, astronomy)
   */
  testPhotos: Object.freeze(['chelsea', 'cv-building', 'cv-fruits', 'cv-leuvenA', 'cv-squirrel_cls', 'hubble_deep_field', 'kde-bythewater', 'kde-fallenleaf']),
});

/** data/photos inside the package (works from src/ and from dist/). */
export const BUNDLED_PHOTOS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'photos');

export interface MiniUirOptions {
  seed?: number;
  size?: number;
  cropsPerPhoto?: number;
  photosDir?: string;
  testPhotos?: readonly string[];
  /** progress on stderr */
  io?: Pick<Io, 'err' | 'errIsTTY'>;
}

export interface MiniUirManifest {
  readonly name: 'mini-uir';
  readonly version: number;
  readonly seed: number;
  readonly size: number;
  readonly cropsPerPhoto: number;
  readonly split: { readonly train: readonly string[]; readonly test: readonly string[] };
  readonly tasks: ReadonlyArray<{ readonly task: string; readonly subDataset: string; readonly model: string }>;
  /** sha256 of each source photograph's bytes */
  readonly photos: Readonly<Record<string, string>>;
  /** sha256 of every generated file, by path relative to the root (sorted) */
  readonly files: Readonly<Record<string, string>>;
}

export const MANIFEST_FILE = 'manifest.json';

interface Photo {
  readonly stem: string;
  readonly file: string;
  readonly image: Image8;
  readonly hash: string;
}

async function loadPhotos(dir: string): Promise<Photo[]> {
  if (!existsSync(dir)) throw new RdbmError(`photos folder not found: ${dir}`);
  const files = readdirSync(dir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort();
  if (files.length === 0) throw new RdbmError(`no .png or .jpg photographs in ${dir}`);
  const photos: Photo[] = [];
  for (const file of files) {
    const path = join(dir, file);
    photos.push({ stem: file.replace(/\.[^.]+$/, ''), file, image: await readImage(path), hash: sha256(readFileSync(path)) });
  }
  return photos;
}

const identities = new Map<string, Readonly<Record<string, unknown>>>();

/**
 * What determines the generated benchmark, without generating it: generator version, options and the sha256
 * of every source photograph. Equal identities give byte-identical mini-uir folders (the checkpoint zoo keys
 * its entries on it, so a changed photo set or generator never matches an old checkpoint).
 */
export function miniUirIdentity(opts: Pick<MiniUirOptions, 'seed' | 'size' | 'cropsPerPhoto' | 'photosDir' | 'testPhotos'> = {}): Readonly<Record<string, unknown>> {
  const o = options(opts);
  const id = stableStringify(o);
  const cached = identities.get(id);
  if (cached) return cached;
  if (!existsSync(o.photosDir)) throw new RdbmError(`photos folder not found: ${o.photosDir}`);
  const photos = Object.fromEntries(
    readdirSync(o.photosDir).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort().map((f) => [f, sha256(readFileSync(join(o.photosDir, f)))]),
  );
  const identity = Object.freeze({ name: 'mini-uir', version: MINI_UIR_VERSION, seed: o.seed, size: o.size, cropsPerPhoto: o.cropsPerPhoto, testPhotos: [...o.testPhotos].sort(), photos });
  identities.set(id, identity);
  return identity;
}

/** The integer factor a photograph is box-downsampled by, so a crop shows a scene rather than a texture patch. */
export function cropFactor(width: number, height: number, size: number): number {
  return Math.max(1, Math.floor(Math.min(width, height) / (2.5 * size)));
}

/** One clean crop: a window of size·f pixels at a seeded position, box-downsampled by f. */
export function cleanCrop(image: Image8, size: number, seedLabel: string): Image8 {
  const f = cropFactor(image.width, image.height, size);
  const window = size * f;
  if (window > image.width || window > image.height) {
    throw new RdbmError(`photograph of ${image.width}×${image.height} is smaller than the crop size ${size}`);
  }
  const rng = createRng(seedLabel);
  const x = rng.int(image.width - window + 1);
  const y = rng.int(image.height - window + 1);
  return boxDownsample(cropImage8(image, x, y, window, window), f);
}

/** Synthesises one degraded input from a clean 8-bit crop (pure given the label). */
export function degradeCrop(label: Image8, degradation: Degradation<unknown>, seedLabel: string): Image8 {
  const clean = unitFloatImage(label, { rgb: true });
  const params = degradation.sample(createRng(seedLabel), clean.width, clean.height, clean.channels);
  return quantizeUnitImage(degradation.apply(clean, params));
}

function options(o: MiniUirOptions) {
  const seed = number('seed', o.seed ?? MINI_UIR_DEFAULTS.seed, { integer: true, min: 0 });
  const size = number('size', o.size ?? MINI_UIR_DEFAULTS.size, { integer: true, min: 16, max: 256 });
  const cropsPerPhoto = number('cropsPerPhoto', o.cropsPerPhoto ?? MINI_UIR_DEFAULTS.cropsPerPhoto, { integer: true, min: 1, max: 50 });
  return { seed, size, cropsPerPhoto, testPhotos: o.testPhotos ?? MINI_UIR_DEFAULTS.testPhotos, photosDir: o.photosDir ?? BUNDLED_PHOTOS_DIR };
}

/** Generates the benchmark into `outDir` (its task folders are replaced) and returns the manifest it wrote. */
export async function generateMiniUir(outDir: string, opts: MiniUirOptions = {}): Promise<MiniUirManifest> {
  const { seed, size, cropsPerPhoto, testPhotos, photosDir } = options(opts);
  const photos = await loadPhotos(photosDir);
  const stems = photos.map((p) => p.stem);
  for (const t of testPhotos) {
    if (!stems.includes(t)) throw new RdbmError(`invalid test photograph: ${JSON.stringify(t)} (expected one of ${stems.join(', ')})`);
  }
  const test = stems.filter((s) => testPhotos.includes(s));
  const train = stems.filter((s) => !testPhotos.includes(s));
  if (train.length === 0) throw new RdbmError('no photographs left for the train split');
  const files: Record<string, string> = {};
  const progress = opts.io ? createProgress(opts.io, 'mini-uir', DEGRADATION_NAMES.length * photos.length * cropsPerPhoto, 'pairs') : undefined;
  for (const name of DEGRADATION_NAMES) {
    const d = DEGRADATIONS[name] as Degradation<unknown>;
    rmSync(join(outDir, d.task, d.subDataset), { recursive: true, force: true });
    for (const photo of photos) {
      const split = test.includes(photo.stem) ? 'test' : 'train';
      for (let k = 0; k < cropsPerPhoto; k++) {
        const id = `mini-uir:${seed}:${size}:${d.task}:${photo.stem}:${k}`;
        const label = cleanCrop(photo.image, size, `${id}:crop`);
        const condition = degradeCrop(label, d, `${id}:degrade`);
        for (const [kind, image] of [['label', label], ['condition', condition]] as const) {
          const rel = `${d.task}/${d.subDataset}/${split}/${kind}/${photo.stem}_${k}.png`;
          const bytes = encodePng(image);
          mkdirSync(dirname(join(outDir, rel)), { recursive: true });
          writeFileSync(join(outDir, rel), bytes);
          files[rel] = sha256(bytes);
        }
        progress?.tick();
      }
    }
  }
  progress?.done();
  const sources = join(photosDir, 'SOURCES.md');
  if (existsSync(sources)) copyFileSync(sources, join(outDir, 'SOURCES.md'));
  const manifest: MiniUirManifest = {
    name: 'mini-uir',
    version: MINI_UIR_VERSION,
    seed,
    size,
    cropsPerPhoto,
    split: { train, test },
    tasks: DEGRADATION_NAMES.map((n) => ({ task: DEGRADATIONS[n].task, subDataset: DEGRADATIONS[n].subDataset, model: DEGRADATIONS[n].model })),
    photos: Object.fromEntries(photos.map((p) => [p.file, p.hash])),
    files: Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]])),
  };
  writeFileSync(join(outDir, MANIFEST_FILE), manifestText(manifest));
  return manifest;
}

/** The manifest's file text (stable key order, so equal manifests are equal bytes). */
export function manifestText(manifest: MiniUirManifest): string {
  return `${JSON.stringify(JSON.parse(stableStringify(manifest)), null, 1)}\n`;
}

export function readManifest(root: string): MiniUirManifest | undefined {
  const path = join(root, MANIFEST_FILE);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as MiniUirManifest;
  } catch {
    throw new RdbmError(`${path}: not a valid mini-uir manifest (delete the folder to regenerate it)`);
  }
}

/** Files whose bytes differ from the manifest (or are missing). Empty means the copy is intact. */
export function verifyMiniUir(root: string, manifest: MiniUirManifest): string[] {
  const bad: string[] = [];
  for (const [rel, hash] of Object.entries(manifest.files)) {
    const path = join(root, rel);
    if (!existsSync(path) || sha256(readFileSync(path)) !== hash) bad.push(rel);
  }
  return bad;
}

function intact(root: string, o: ReturnType<typeof options>): MiniUirManifest | undefined {
  let existing: MiniUirManifest | undefined;
  try {
    existing = readManifest(root);
  } catch {
    return undefined;
  }
  const ok =
    existing &&
    existing.version === MINI_UIR_VERSION &&
    existing.seed === o.seed &&
    existing.size === o.size &&
    existing.cropsPerPhoto === o.cropsPerPhoto &&
    stableStringify(existing.split.test) === stableStringify([...o.testPhotos].sort()) &&
    verifyMiniUir(root, existing).length === 0;
  return ok ? existing : undefined;
}

/**
 * Returns the manifest of mini-uir in `root`, generating it only when missing, generated with other
 * options or damaged (the runner calls this before training). The benchmark is generated in a
 * sibling folder and renamed into place, so shards sharing a results folder never see (or delete)
 * a half-written copy; the sibling folders of killed processes are removed on the next call.
 */
export async function ensureMiniUir(root: string, opts: MiniUirOptions = {}): Promise<MiniUirManifest> {
  const o = options(opts);
  removeStalePartials(root); // what killed runs left
  const existing = intact(root, o);
  if (existing) return existing;
  const partial = partialPath(root);
  const manifest = await generateMiniUir(partial, opts);
  const winner = intact(root, o); // another process may have finished first
  if (winner) {
    rmSync(partial, { recursive: true, force: true });
    return winner;
  }
  // only a damaged copy is removed; rename(2) onto a non-empty folder fails, so a copy another process
  // renamed into place meanwhile (workers sharing a results folder) is kept and ours discarded
  if (existsSync(root)) rmSync(root, { recursive: true, force: true });
  try {
    renameSync(partial, root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const other = code === 'ENOTEMPTY' || code === 'EEXIST' ? intact(root, o) : undefined;
    if (!other) throw error;
    rmSync(partial, { recursive: true, force: true });
    return other;
  }
  return manifest;
}
