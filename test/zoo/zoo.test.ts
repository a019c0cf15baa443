import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { ensureMiniUir, miniUirIdentity } from '../../src/data/miniUir.js';
import { planExperiments, resolveExperiments } from '../../src/experiments/api.js';
import { FILE_CONTENT_KEYS, planSweep } from '../../src/experiments/plan.js';
import { duration } from '../../src/util/progress.js';
import { SCALES } from '../../src/experiments/scales.js';
import type { RunConfig } from '../../src/experiments/config.js';
import { addSweepToZoo, zooName } from '../../src/experiments/zoo-add.js';
import { shrinkZooEntries, shrinkableEntries } from '../../src/experiments/zoo-storage.js';
import { zooCheckpointFor, zooDataset, zooEntryOf, zooTraining } from '../../src/experiments/zoo.js';
import { deltaReading, reproduce } from '../../src/reports/index.js';
import { runExperiment } from '../../src/experiments/api.js';
import { loadCheckpoint } from '../../src/models/checkpoint.js';
import { readHistory } from '../../src/models/train.js';
import { currentBackendId, initBackend, tf } from '../../src/tf/index.js';
import { addZooEntry } from '../../src/zoo/add.js';
import { SHARD_BYTES } from '../../src/models/weight-files.js';
import { BUNDLED_ZOO_DIR, type ZooEntry, listZoo, readZooEntry, resolveZoo, zooIndex } from '../../src/zoo/entry.js';
import { verifyZooEntry } from '../../src/zoo/verify.js';
import { type NarrowDtype, chooseStorage, formatsToMeasure } from '../../src/zoo/storage.js';

import { captureIo } from '../helpers/io.js';
import { DEFAULT_SCALE } from '../../src/experiments/scales.js';
import { awaitingZooNotes } from '../../src/experiments/zoo.js';
import { docsText } from '../helpers/docs.js';
import { requireTool } from '../helpers/requirements.js';
import { nativeUnavailable } from '../../src/tf/native.js';

const root = join(import.meta.dirname, '..', '..');
type ReproducedEntry = {
  key: string;
  label: string;
  paramsM?: number;
  flopsG?: number;
  average: { psnr: number };
  tasks: Record<string, { psnr: number; images: number }>;
  seeds?: number;
  perSeed?: { seed: number; psnr: number }[];
  health?: string;
  delta?: { psnr: { mean: number; low: number; high: number; equivalence?: number | null }; pairs: number };
};
/** How an interval reads, as the tables read it: above / below the default, or its equivalence bound (two one-sided tests). */
const reading = (d: { mean: number; low: number; high: number; equivalence?: number | null }) => deltaReading({ p: null, ...d, equivalence: d.equivalence ?? null }, 'psnr').replace('not told apart; ', '');
const readReproduced = () =>
  JSON.parse(readFileSync(join(root, 'results', 'reproduced.json'), 'utf8')) as { scale: string; sets: { experiment: string; entries: ReproducedEntry[] }[] };
const sign = (v: number) => (v < 0 ? `−${(-v).toFixed(2)}` : `+${v.toFixed(2)}`);

// One real smoke-scale training run of the `main` experiment (tiny model, 2 steps on 16-px crops of mini-uir 32)
// through the sweep, added to a zoo folder: small enough for the suite, the same code path as the bundled zoo.
const tmp = mkdtempSync(join(tmpdir(), 'rdbm-zoo-'));
const results = join(tmp, 'results');
const zoo = join(tmp, 'zoo');
let config: RunConfig;
let name: string;

beforeAll(async () => {
  await initBackend();
  const report = await runExperiment('main', { scale: 'smoke', resultsDir: results, zoo: false });
  expect(report.ran.train).toBe(1);
  config = planExperiments('main', { scale: 'smoke', zoo: false }).points[0].config;
  const added = await addSweepToZoo(['main'], { scale: 'smoke', resultsDir: results, zooDir: zoo });
  expect(added.pending).toEqual([]);
  expect(added.added).toHaveLength(1);
  name = added.added[0].name;
}, 300_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('checkpoint zoo', () => {
  it('records the run: config, commit, backend, history with the weight hash at each recorded step', () => {
    const entry = readZooEntry(join(zoo, name));
    expect(name).toBe('tiny');
    expect(entry.training).toEqual(zooTraining(config));
    expect(entry.dataset).toEqual(miniUirIdentity({ size: config.datasetSize }));
    expect(entry.steps).toBe(2);
    expect(entry.history.map((h) => h.step)).toEqual([2]);
    expect(entry.weights.sha256).toBe(entry.history[0].sha256);
    expect(entry.backend).toMatch(/wasm|cpu|node/);
    // on wasm the gradients are ours: the entry names the revision zoo verify must retrain under
    expect(entry.backend.endsWith(', gradient kernels r2')).toBe(currentBackendId() === 'wasm');
    expect(entry.commit).toMatch(/^([0-9a-f]{40}(-dirty)?|unknown)$/);
    // the history is the trainer's own, copied whole
    const trainDir = join(results, 'checkpoints', entry.trainKey);
    expect(entry.history).toEqual(readHistory(trainDir));
    expect(listZoo(zoo).map((e) => e.name)).toEqual(['tiny']);
  });

  it('zoo add takes a finished run of the same config trained by another code version, and nothing else', async () => {
    const copyResults = join(tmp, 'results-older');
    cpSync(results, copyResults, { recursive: true });
    const job = planExperiments('main', { scale: 'smoke', zoo: false }).jobs.find((j) => j.kind === 'train')!;
    const own = join(copyResults, 'jobs', `${job.key}.json`);
    const record = JSON.parse(readFileSync(own, 'utf8'));
    rmSync(own);
    // the same run as an earlier commit recorded it: another code fingerprint, so another key
    const older = { ...record, key: '0123456789abcdef', spec: { ...record.spec, code: 'earlier-code' } };
    writeFileSync(join(copyResults, 'jobs', `${older.key}.json`), JSON.stringify(older));
    // and a run of another config (another lr), which must not stand in for it
    writeFileSync(join(copyResults, 'jobs', 'fedcba9876543210.json'), JSON.stringify({ ...older, key: 'fedcba9876543210', spec: { ...older.spec, lr: 0.5 } }));
    const zooOlder = join(tmp, 'zoo-older');
    const added = await addSweepToZoo(['main'], { scale: 'smoke', resultsDir: copyResults, zooDir: zooOlder });
    expect(added).toEqual({ added: [{ name: 'tiny', steps: 2, seconds: readZooEntry(join(zoo, name)).seconds, dtype: 'float32' }], kept: [], pending: [] });
    const entry = readZooEntry(join(zooOlder, 'tiny'));
    expect(entry.trainKey).toBe('0123456789abcdef');
    expect(entry.weights).toEqual(readZooEntry(join(zoo, name)).weights);
    // without it, the point is pending
    rmSync(join(copyResults, 'jobs', `${older.key}.json`));
    expect(await addSweepToZoo(['main'], { scale: 'smoke', resultsDir: copyResults, zooDir: join(tmp, 'zoo-none') })).toEqual({ added: [], kept: [], pending: [{ name: 'tiny', key: job.key }] });
  });

  it('is looked up by run config: the same training fields and data match, any other training field does not', () => {
    expect(zooCheckpointFor(config, zoo)).toBe(join(zoo, name, 'checkpoint'));
    for (const change of [{ lr: config.lr * 2 }, { seed: 1 }, { steps: 3 }, { pi: 'one' as const }, { datasetSize: 48 }]) {
      expect(zooCheckpointFor({ ...config, ...change }, zoo)).toBeUndefined();
    }
    // sampling and scoring fields are not training fields: the same checkpoint serves every NFE and metric
    expect(zooCheckpointFor({ ...config, nfe: 2, metric: 'basicsr-y' }, zoo)).toBe(join(zoo, name, 'checkpoint'));
    // another dataset than the bundled mini-uir never matches
    expect(zooCheckpointFor({ ...config, dataset: tmp }, zoo)).toBeUndefined();
    expect(zooDataset({ ...config, dataset: tmp })).toBeUndefined();
  });

  it('a planned point that matches restores with the zoo checkpoint and plans no training; --retrain (zoo: false) trains', () => {
    const withZoo = planExperiments('main', { scale: 'smoke', zoo });
    expect(withZoo.points[0].config.checkpoint).toBe(join(zoo, name, 'checkpoint'));
    expect(withZoo.jobs.filter((j) => j.kind === 'train')).toEqual([]);
    const retrain = planExperiments('main', { scale: 'smoke', zoo: false });
    expect(retrain.points[0].config.checkpoint).toBe('');
    expect(retrain.jobs.filter((j) => j.kind === 'train')).toHaveLength(1);
  });

  it('a zoo-only plan (the cpu scale) leaves out and names the points without an entry instead of training them', () => {
    const resolve = (c: RunConfig) => zooCheckpointFor(c, zoo);
    // the size experiment at smoke scale has tiny (in this zoo) and T (not in it)
    const plan = planSweep(resolveExperiments(['size']), 'smoke', {}, {}, FILE_CONTENT_KEYS, { resolveCheckpoint: resolve, zooOnly: true });
    expect(plan.points.map((p) => p.label)).toEqual(['model=tiny']);
    expect(plan.jobs.filter((j) => j.kind === 'train')).toEqual([]);
    expect(plan.awaitingZoo?.map((p) => `${p.experiment}:${p.label}`)).toEqual(['size:model=T']);
    expect(awaitingZooNotes(plan.awaitingZoo!, plan.scale)).toEqual(['size: model=T (no checkpoint-zoo entry yet: `rdbm sweep size --scale smoke --train-missing` trains it)']);
    // without zooOnly the same point trains
    const trains = planSweep(resolveExperiments(['size']), 'smoke', {}, {}, FILE_CONTENT_KEYS, { resolveCheckpoint: resolve });
    expect(trains.awaitingZoo).toBeUndefined();
    expect(trains.jobs.filter((j) => j.kind === 'train')).toHaveLength(1);
    // the cpu scale is zoo-only: against this zoo every point waits, --retrain (zoo: false) or another dataset trains them all
    expect(planExperiments('size', { scale: 'cpu', zoo }).awaitingZoo?.map((p) => p.label)).toEqual(['model=T', 'model=S', 'model=B', 'model=L']);
    expect(planExperiments('size', { scale: 'cpu', zoo: false }).jobs.filter((j) => j.kind === 'train')).toHaveLength(4);
    // --train-missing: the points without an entry train, the others (none here) restore from the zoo
    const missing = planExperiments('size', { scale: 'cpu', zoo, trainMissing: true });
    expect(missing.awaitingZoo).toBeUndefined();
    expect(missing.jobs.filter((j) => j.kind === 'train').map((j) => j.key)).toEqual(planExperiments('size', { scale: 'cpu', zoo: false }).jobs.filter((j) => j.kind === 'train').map((j) => j.key));
  });

  it('reproduce at the zoo-only scale runs nothing it would have to train and lists what is left out', async () => {
    const dir = join(tmp, 'reproduce-awaiting');
    const io = captureIo();
    const run = await reproduce({ scale: 'cpu', resultsDir: dir, io, noPng: true, only: ['size'], zoo });
    expect(run.failed).toEqual([]);
    expect(run.sets).toEqual([]);
    const note = 'size: model=T, model=S, model=B, model=L (no checkpoint-zoo entry yet: `rdbm sweep size --scale cpu --train-missing` trains them)';
    expect(io.stderr).toContain(`reproduce: left out ${note}`);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain(`**Not reproduced in this run:**\n\n- ${note}`);
  }, 300_000);

  it('zoo list ends with the number of entries and their summed training wall time', async () => {
    const io = captureIo();
    expect(await runCli(['zoo', 'list', '--zoo', zoo], io)).toBe(0);
    const entry = readZooEntry(join(zoo, name));
    const lines = io.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`1 entry, ${duration(entry.seconds)} of training wall time in all (the sum above)`);
  });

  it('a reproduce run that restores with a zoo entry names it and the commit it was trained at', async () => {
    const entry = readZooEntry(join(zoo, name));
    expect(zooEntryOf(join(zoo, name, 'checkpoint'))).toEqual(entry);
    expect(zooEntryOf(join(results, 'checkpoints', entry.trainKey, 'checkpoint-0000002'))).toBeUndefined();
    const dir = join(tmp, 'reproduce-zoo');
    const io = captureIo();
    const run = await reproduce({ scale: 'smoke', resultsDir: dir, io, noPng: true, only: ['main'], zoo });
    expect(run.failed).toEqual([]);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(readme).toContain(`checkpoints from the zoo (data/zoo; restored, not trained in this run): tiny (trained at commit ${entry.commit.slice(0, 12)}, 2 steps in `);
    // nothing was trained: the point restored with the zoo weights
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toMatch(/train 0s/);
    // the training-health table lists the entry with its recorded final window (issue 31 point 5)
    const health = readFileSync(join(dir, 'tables', 'training-health.md'), 'utf8');
    const last = entry.history[entry.history.length - 1];
    expect(health).toContain(`| tiny | ${entry.steps} | ${entry.history.length > 1 ? entry.history[entry.history.length - 2].step + 1 : 1}–${last.step} | ${last.loss.toFixed(4)} |`);
    expect(readme).toContain('Training health');
  }, 300_000);

  it('restores from the stored weights, which equal the trained EMA/sampling weights bit for bit', async () => {
    const entry = readZooEntry(join(zoo, name));
    const model = await loadCheckpoint(join(zoo, name, 'checkpoint'));
    const trained = await loadCheckpoint(join(results, 'checkpoints', entry.trainKey, 'checkpoint-0000002'));
    try {
      expect(model.paramCount).toBe(trained.paramCount);
      expect(model.training).toEqual(trained.training);
    } finally {
      model.dispose();
      trained.dispose();
    }
  });

  it('zoo verify retrains the first K steps and finds the recorded hash', async () => {
    const data = join(tmp, 'verify');
    await ensureMiniUir(join(data, `mini-uir-${config.datasetSize}`), { size: config.datasetSize });
    const r = await verifyZooEntry(join(zoo, name), { workDir: data });
    expect(r).toMatchObject({ name: 'tiny', step: 2, identical: true, ok: true, lossRelDiff: 0 });
    expect(r.retrained.sha256).toBe(readZooEntry(join(zoo, name)).history[0].sha256);
    const io = captureIo();
    expect(await runCli(['zoo', 'verify', name, '--zoo', zoo, '--steps', '5'], io)).toBe(2);
    expect(io.stderr.trim()).toBe('rdbm: invalid --steps: 5 (zoo entry tiny recorded steps 2)');
  }, 300_000);

  it('refuses a modified, truncated or hand-edited entry with one line naming it', async () => {
    const copy = (label: string) => {
      const dir = join(tmp, `zoo-${label}`);
      cpSync(zoo, dir, { recursive: true });
      return dir;
    };
    const modified = copy('modified');
    const weights = join(modified, name, 'checkpoint', 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[100] ^= 1;
    writeFileSync(weights, bytes);
    expect(() => readZooEntry(join(modified, name))).toThrow(/^zoo entry .*zoo-modified\/tiny: checkpoint\/weights\.bin has been modified \(sha256 /);
    expect(() => resolveZoo(zooTraining(config), zooDataset(config)!, modified)).toThrow(/has been modified/);
    expect(() => planExperiments('main', { scale: 'smoke', zoo: modified })).toThrow(/has been modified/);

    const truncated = copy('truncated');
    truncateSync(join(truncated, name, 'checkpoint', 'weights.bin'), 1000);
    expect(() => readZooEntry(join(truncated, name))).toThrow(/weights\.bin has 1000 bytes \(expected \d+: truncated or replaced\)/);

    const edited = copy('edited');
    const zooJson = join(edited, name, 'zoo.json');
    const entry = JSON.parse(readFileSync(zooJson, 'utf8'));
    entry.training.lr = 0.5;
    writeFileSync(zooJson, JSON.stringify(entry));
    expect(() => readZooEntry(join(edited, name))).toThrow(/lookup key does not match its training config/);

    const io = captureIo();
    expect(await runCli(['zoo', 'list', '--zoo', truncated], io)).toBe(2);
    expect(io.stderr.trim().split('\n')).toHaveLength(1);
    expect(io.stderr).toMatch(/^rdbm: zoo entry .*truncated or replaced/);
  });

  it('stores large weights in shards (RDBM-S and up exceed 4 MiB): the same hash and weights, and a damaged shard is refused naming it', async () => {
    const entry = readZooEntry(join(zoo, name));
    const sharded = join(tmp, 'zoo-sharded');
    const added = addZooEntry({ ...entry, zooDir: sharded, runDir: join(results, 'checkpoints', entry.trainKey), shardBytes: 8192 });
    const count = Math.ceil(entry.weights.bytes / 8192);
    expect(count).toBeGreaterThan(1);
    expect(added.weights).toEqual(entry.weights);
    expect(added.lookup).toBe(entry.lookup);
    expect(readdirSync(join(sharded, name, 'checkpoint')).sort()).toEqual(['manifest.json', ...Array.from({ length: count }, (_, i) => `weights-${i + 1}-of-${count}.bin`)].sort());
    const a = await loadCheckpoint(join(zoo, name, 'checkpoint'));
    const b = await loadCheckpoint(join(sharded, name, 'checkpoint'));
    const x = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    try {
      expect(Array.from(await b.apply(x, x, [5]).data())).toEqual(Array.from(await a.apply(x, x, [5]).data()));
    } finally {
      a.dispose();
      b.dispose();
    }
    const last = join(sharded, name, 'checkpoint', `weights-${count}-of-${count}.bin`);
    const bytes = readFileSync(last);
    bytes[3] ^= 1;
    writeFileSync(last, bytes);
    expect(() => readZooEntry(join(sharded, name))).toThrow(new RegExp(`^zoo entry .*zoo-sharded/tiny: checkpoint/weights-${count}-of-${count}\\.bin has been modified \\(sha256 `));
    rmSync(last);
    expect(() => readZooEntry(join(sharded, name))).toThrow(`checkpoint/weights-${count}-of-${count}.bin is missing next to the manifest`);
  });

  it('stores narrow weights only after measuring them: float16, else float24, else float32, each on the test split within 1/255', async () => {
    const entry = readZooEntry(join(zoo, name));
    const narrowZoo = join(tmp, 'zoo-narrow');
    const runDir = join(results, 'checkpoints', entry.trainKey);
    // narrow storage without a measurement, or beyond 1/255, is refused
    expect(() => addZooEntry({ ...entry, zooDir: narrowZoo, runDir, dtype: 'float16' })).toThrow("zoo entry tiny: stored in float16 without the measurement that allows it (weights.checks.float16: its restorations against float32's;");
    const far = { images: 5, values: 15360, maxDiff: 2, valuesDiffering: 3, imagesDiffering: 1 };
    expect(() => addZooEntry({ ...entry, zooDir: narrowZoo, runDir, dtype: 'float24', checks: { float24: far } })).toThrow("zoo entry tiny: stored in float24 although its recorded check found restorations 2/255 from float32's (at most 1/255 allowed)");
    // the sweep's zoo add measures on the smoke test split (1 image per task, 32 px). The 2-step tiny network is far
    // from trained, and float16 moves its restorations by several steps of 1/255, so float24 is measured next
    const report = await addSweepToZoo(['main'], { scale: 'smoke', resultsDir: results, zooDir: narrowZoo, narrow: true });
    const { checks, dtype } = report.added[0];
    console.log(`tiny (2 steps): ${JSON.stringify(checks)} → ${dtype}`);
    expect(checks!.float16).toMatchObject({ images: 5, values: 5 * 32 * 32 * 3 });
    expect(checks!.float16!.maxDiff).toBeGreaterThan(1);
    expect(checks!.float24).toMatchObject({ images: 5, values: 5 * 32 * 32 * 3 });
    expect(checks!.float24!.maxDiff).toBeLessThan(checks!.float16!.maxDiff);
    expect(dtype).toBe(checks!.float24!.maxDiff <= 1 ? 'float24' : 'float32');
    const added = readZooEntry(join(narrowZoo, name));
    expect(added.weights.dtype).toBe(dtype);
    expect(added.weights.checks).toEqual(checks);
    expect(added.weights.bytes).toBe(dtype === 'float24' ? (entry.weights.bytes / 4) * 3 : entry.weights.bytes);
    // added again from the same run, the recorded measurements decide: kept as it is
    expect(await addSweepToZoo(['main'], { scale: 'smoke', resultsDir: results, zooDir: narrowZoo, narrow: true })).toEqual({ added: [], kept: ['tiny'], pending: [] });
    // shrinking a float32 copy in place measures the same and stores the same
    const inPlace = join(tmp, 'zoo-shrunk');
    cpSync(join(zoo, name), join(inPlace, name), { recursive: true });
    expect(await shrinkZooEntries(shrinkableEntries([name], inPlace), { io: { err: () => {}, errIsTTY: false } })).toEqual([{ name, checks, dtype }]);
    expect(readZooEntry(join(inPlace, name)).weights).toEqual(added.weights);
  });

  it('shrinks a trained entry in place (the bundled RDBM-T, its config cut to one test image per task): float16 within 1/255, half the bytes, the trained hash kept', async () => {
    const halfZoo = join(tmp, 'zoo-half-T');
    cpSync(join(root, 'data', 'zoo', 'T'), join(halfZoo, 'T'), { recursive: true });
    const zooJson = join(halfZoo, 'T', 'zoo.json');
    const original = JSON.parse(readFileSync(zooJson, 'utf8')) as ZooEntry;
    // the recorded run config is not part of the lookup key: one test image per task keeps the suite fast
    writeFileSync(zooJson, JSON.stringify({ ...original, config: { ...original.config, testLimit: 1 } }));
    const [halved] = await shrinkZooEntries(shrinkableEntries(['T'], halfZoo), { io: { err: () => {}, errIsTTY: false } });
    const check = halved.checks.float16!;
    expect(halved).toEqual({ name: 'T', checks: { float16: check }, dtype: 'float16' });
    expect(check.images).toBe(5);
    expect(check.values).toBe(5 * 64 * 64 * 3);
    expect(check.maxDiff).toBeLessThanOrEqual(1);
    const added = readZooEntry(join(halfZoo, 'T'));
    expect(added.weights).toEqual({ sha256: added.weights.sha256, bytes: original.weights.bytes / 2, dtype: 'float16', trainedSha256: original.weights.sha256, checks: { float16: check } });
    expect(added.lookup).toBe(original.lookup);
    const a = await loadCheckpoint(join(root, 'data', 'zoo', 'T', 'checkpoint'));
    const b = await loadCheckpoint(join(halfZoo, 'T', 'checkpoint'));
    const x = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
    try {
      const [ya, yb] = [await a.apply(x, x, [5]).data(), await b.apply(x, x, [5]).data()];
      const diff = Math.max(...ya.map((v, i) => Math.abs(v - yb[i])));
      expect(diff).toBeGreaterThan(0);
      expect(diff).toBeLessThan(0.5 / 255);
    } finally {
      a.dispose();
      b.dispose();
    }
    expect(() => shrinkableEntries(['T'], halfZoo)).toThrow('zoo entry T: already stored in float16');
    // the zoo.json's dtype is bound to the stored weights, and a recorded check beyond 1/255 or malformed is refused
    const stored = readFileSync(zooJson, 'utf8');
    const edit = (weights: object) => writeFileSync(zooJson, JSON.stringify({ ...JSON.parse(stored), weights: { ...added.weights, ...weights } }));
    edit({ dtype: 'float32' });
    expect(() => readZooEntry(join(halfZoo, 'T'))).toThrow(/names other weights than zoo\.json/);
    edit({ checks: { float16: { ...check, maxDiff: 2 } } });
    expect(() => readZooEntry(join(halfZoo, 'T'))).toThrow("stored in float16 although its recorded check found restorations 2/255 from float32's (at most 1/255 allowed)");
    edit({ checks: { float16: { ...check, images: -1 } } });
    expect(() => readZooEntry(join(halfZoo, 'T'))).toThrow('zoo.json weights.checks.float16.images is -1 (expected a whole number >= 0)');
    edit({ checks: { bfloat16: check } });
    expect(() => readZooEntry(join(halfZoo, 'T'))).toThrow('zoo.json weights.checks names format "bfloat16" (expected float16 or float24)');
    edit({ checks: {} });
    expect(() => readZooEntry(join(halfZoo, 'T'))).toThrow('stored in float16 without the measurement that allows it');
  });

  it('names entries by the training fields that differ from the scale base', () => {
    expect(zooName(config, config)).toBe('tiny');
    expect(zooName({ ...config, model: 'T', lambda: 1 / 255, pi: 'zero' }, config)).toBe('T-pi-zero-lambda-1_255');
    expect(zooName({ ...config, seed: 2 }, config, 'w64-')).toBe('w64-tiny-seed-2');
    expect(zooIndex(zoo).size).toBe(1);
  });
});

describe('the zoo page of the docs (docs/zoo.md)', () => {
  it('quotes the recorded steps, the verify tolerance and the cpu recipe as the code defines them', async () => {
    const { EARLY_HISTORY_STEPS } = await import('../../src/models/train.js');
    const { LOSS_TOLERANCE } = await import('../../src/zoo/verify.js');
    const { SCALES } = await import('../../src/experiments/scales.js');
    const readme = docsText().replace(/\s+/g, ' ');
    expect(EARLY_HISTORY_STEPS).toEqual([10, 100]);
    expect(readme).toContain('the sha256 of the sampling weights at steps 10, 100 and every checkpoint');
    expect(readme).toContain(`must agree within ${LOSS_TOLERANCE.toExponential()} (relative)`);
    const c = SCALES.cpu.overrides;
    expect(readme).toContain(`${c.steps} steps of batch ${c.batchSize} on ${c.cropSize}-px crops of mini-uir (${c.datasetSize} px), lr ${c.lr?.toExponential()}, EMA ${c.emaDecay}`);
  });

  it('quotes the window comparison of results/cpu-tile (whole images, overlapping and non-overlapping windows) as its reproduced.json has it', () => {
    const readme = docsText().replace(/\s+/g, ' ');
    const tile = JSON.parse(readFileSync(join(root, 'results', 'cpu-tile', 'reproduced.json'), 'utf8')) as { baseline: string; sets: { entries: ReproducedEntry[] }[] };
    expect(tile.baseline).toBe('whole images (tile auto)');
    const delta = (key: string) => tile.sets[0].entries.find((e) => e.key === key)!.delta!.psnr;
    const crop = delta('32-px windows (tile crop)');
    const grid = delta('32-px windows, no overlap (tile grid)');
    expect(readme).toContain(
      `against whole images, overlapping windows gain ${sign(crop.mean)} dB PSNR [${sign(crop.low)}, ${sign(crop.high)}] and windows without overlap ` +
        `(\`tile: grid\`, 2 × 2 network windows of a 64-px image instead of 3 × 3) ${sign(grid.mean)} dB [${sign(grid.low)}, ${sign(grid.high)}], so the cheaper grid is not what the default restores with.`,
    );
    // the reading holds: the overlapping windows' interval excludes zero, the grid's does not
    expect(crop.low).toBeGreaterThan(0);
    expect(grid.low).toBeLessThan(0);
  });

  it("names every entry whose recorded loss rose above its step-10 value, with its recorded curve (zoo.json's history: the mean loss since the previous record)", () => {
    const readme = docsText().replace(/\s+/g, ' ');
    const rose = listZoo().filter((e) => e.history.some((h) => h.step > 10 && h.loss > e.history[0].loss));
    const curves = rose.map((e) => `\`${e.name}\` (${e.history.filter((h) => h.step >= 500).map((h) => `${h.loss.toFixed(4)} at step ${h.step}`).join(', ')})`);
    expect(readme).toContain(`Every bundled entry's recorded loss stayed below its step-10 value ${curves.length ? `except ${curves.join(', ')}` : 'without exception'} (zoo.json's history`);
  });

  it('quotes the recipe probes of the whole64 zoo (validation split, never the test photographs) as results/recipe-probes has them', () => {
    const text = docsText();
    const dir = join(root, 'results', 'recipe-probes');
    const probes = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
    expect(probes.length).toBeGreaterThanOrEqual(2);
    for (const p of probes) {
      const m = p.validation.scores.meanOfTaskMeans;
      const row = `| \`${p.recipe}\` | ${p.config.lr.toExponential()} | ${p.config.warmup} | ${p.config.steps} | ${m.psnr.toFixed(2)} | ${m.ssim.toFixed(4)} | ${duration(p.trainSeconds)} |`;
      expect(text, p.recipe).toContain(row);
      // scored on the validation photographs only
      expect(p.validation.photos.some((ph: string) => ['chelsea', 'cv-building', 'cv-fruits', 'cv-leuvenA', 'cv-squirrel_cls', 'hubble_deep_field', 'kde-bythewater', 'kde-fallenleaf'].includes(ph))).toBe(false);
    }
    // the recipe the whole64 scale trains with is the probe with the best validation PSNR
    const best = probes.reduce((a, b) => (b.validation.scores.meanOfTaskMeans.psnr > a.validation.scores.meanOfTaskMeans.psnr ? b : a));
    const w = SCALES.whole64.overrides;
    expect([w.lr, w.warmup, w.steps]).toEqual([best.config.lr, best.config.warmup, best.config.steps]);
  });

  it('docs/zoo.md names exactly the bundled entries', () => {
    const readme = docsText().replace(/\s+/g, ' ');
    const status = /\*\*Status:\*\* the bundled entries \(`rdbm zoo list`\): (.*?) — /.exec(readme);
    expect(status).not.toBeNull();
    const named = [...status![1].matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort();
    const w64 = SCALES.whole64.zooPrefix!;
    const entries = listZoo().filter((e) => !e.name.startsWith(w64));
    expect(named).toEqual(entries.map((e) => e.name));
    expect(named.length).toBeGreaterThan(0);
    // and what training them cost, as `rdbm zoo list` sums it
    expect(readme).toContain(`${entries.length} entries, ${duration(entries.reduce((sum, e) => sum + e.seconds, 0))} of training wall time in all`);
    // the whole64 zoo as far as it is trained: its entries, how many of the scale's trainings they are, their cost
    const whole = listZoo().filter((e) => e.name.startsWith(w64));
    const planned = planExperiments(['reproduce'], { scale: 'whole64', zoo: false }).jobs.filter((j) => j.kind === 'train').length;
    const w = /\*\*Status of the whole64 zoo:\*\* trained and bundled \(`rdbm zoo list`\): (.*?) — /.exec(readme);
    expect(w).not.toBeNull();
    expect([...w![1].matchAll(/`([^`]+)`/g)].map((m) => m[1]).sort()).toEqual(whole.map((e) => e.name));
    expect(readme).toContain(`${whole.length} of ${planned} trainings, ${duration(whole.reduce((sum, e) => sum + e.seconds, 0))} of training wall time in all`);
  });

  it("quotes the default job's main configuration against the unrestored input as results/reproduced.json has it", () => {
    const readme = docsText().replace(/\s+/g, ' ');
    const reproduced = readReproduced();
    expect(reproduced.scale).toBe(DEFAULT_SCALE);
    const seeds = SCALES[DEFAULT_SCALE].seeds!.length;
    // every set of the default job is scored on at least 16 test images per task, beside the unrestored input, and
    // every trained row stands on the scale's seeds
    for (const set of reproduced.sets) {
      const input = set.entries.find((e) => e.key === 'input');
      expect(input, set.experiment).toBeDefined();
      for (const task of Object.values(input!.tasks)) expect(task.images, set.experiment).toBeGreaterThanOrEqual(16);
      for (const e of set.entries.filter((x) => x.key !== 'input')) {
        expect(e.seeds, `${set.experiment} ${e.label}`).toBe(seeds);
        expect(e.perSeed!.map((p) => p.seed), `${set.experiment} ${e.label}`).toEqual(SCALES[DEFAULT_SCALE].seeds);
      }
    }
    const main = reproduced.sets.find((s) => s.experiment === 'main')!;
    const input = main.entries.find((e) => e.key === 'input')!;
    const model = main.entries.find((e) => e.key === 'rdbm-T')!;
    // the input row's Δ is input − RDBM-T: the network's gain is its negation
    const d = input.delta!.psnr;
    const above = Object.keys(model.tasks).filter((t) => model.tasks[t].psnr > input.tasks[t].psnr);
    const below = Object.keys(model.tasks).filter((t) => !above.includes(t));
    const images = Object.values(input.tasks).reduce((n, t) => n + t.images, 0);
    expect(readme).toContain(
      `RDBM-T (cosine) scores ${model.average.psnr.toFixed(2)} dB (seeds ${model.perSeed!.map((p) => p.psnr.toFixed(2)).join(' / ')}) against the unrestored input's ${input.average.psnr.toFixed(2)} dB: ${sign(-d.mean)} dB ` +
        `(95 % interval [${sign(-d.high)}, ${sign(-d.low)}] over ${seeds} training seeds and ${images} test images, ${input.tasks[below[0] ?? above[0]].images} per task), ` +
        `above the input on ${above.length} of the ${above.length + below.length} tasks${below.length ? ` (not ${below.join(', ')})` : ''}`,
    );
  });

  it("quotes the default job's model sizes (parameters, FLOPs, PSNR) against the input as results/reproduced.json has them", async () => {
    const readme = docsText().replace(/\s+/g, ' ');
    const size = readReproduced().sets.find((s) => s.experiment === 'size')!;
    const input = size.entries.find((e) => e.key === 'input')!;
    const models = size.entries.filter((e) => e.key !== 'input');
    const parts = models.map((e) => `${e.label} ${e.average.psnr.toFixed(2)} dB (${e.paramsM!.toFixed(2)}M parameters, ${e.flopsG!.toFixed(2)} GFLOPs at 256²)`);
    // every size of the experiment is in the zoo, and the docs say which are above the input
    const { EXPERIMENTS } = await import('../../src/experiments/builtins.js');
    expect(models.map((e) => e.label)).toEqual((EXPERIMENTS.size.axes.model ?? []).map((m) => `RDBM-${m}`));
    const beat = models.filter((e) => e.average.psnr > input.average.psnr).map((e) => e.label);
    const tail = beat.length === models.length ? '; every size is above the input.' : `; above the input: ${beat.join(', ') || 'none'}.`;
    expect(readme).toContain(`Model sizes: ${parts.join(', ')} against the input's ${input.average.psnr.toFixed(2)} dB${tail}`);
    // each larger size against RDBM-T (the size set's default row), read by its interval or its equivalence bound
    const against = models.filter((e) => e.delta).map((e) => `${e.label} ${sign(e.delta!.psnr.mean)} dB [${sign(e.delta!.psnr.low)}, ${sign(e.delta!.psnr.high)}] (${reading(e.delta!.psnr)})`);
    expect(against.length).toBe(models.length - 1);
    expect(readme).toContain(`Against RDBM-T, with its 95 % interval: ${against.join(', ')}.`);
  });

  it("quotes the default job's ablations (Δ against each default row with its interval) and decides every row as results/reproduced.json has them", () => {
    const readme = docsText().replace(/\s+/g, ' ');
    const name = (experiment: string, label: string) => (experiment === 'nfe' ? `NFE ${label}` : experiment === 'lambda' ? `λ = ${label}` : label);
    const rows = readReproduced()
      .sets.filter((s) => ['schedule', 'lambda', 'nfe', 'pi'].includes(s.experiment))
      .map((s) => ({ experiment: s.experiment, entries: s.entries.filter((e) => e.key !== 'input' && e.delta).map((e) => ({ name: name(s.experiment, e.label), d: e.delta!.psnr })) }));
    expect(rows.map((r) => r.experiment)).toEqual(['schedule', 'lambda', 'nfe', 'pi']);
    const quoted = rows.map((r) => `${r.experiment}: ${r.entries.map((e) => `${e.name} ${sign(e.d.mean)} [${sign(e.d.low)}, ${sign(e.d.high)}]`).join(', ')}`).join('; ');
    expect(readme).toContain(`Δ PSNR against each ablation's default row, dB, with its 95 % interval: ${quoted}.`);
    // every row is decided: its interval excludes 0, or it carries an equivalence bound
    const all = rows.flatMap((r) => r.entries);
    for (const e of all) expect(e.d.low > 0 || e.d.high < 0 || typeof e.d.equivalence === 'number', e.name).toBe(true);
    const list = (xs: typeof all) => (xs.length ? xs.map((e) => e.name).join(', ') : 'none');
    const bounded = all.filter((e) => e.d.low <= 0 && e.d.high >= 0);
    // the paper has every other row of these four ablations below its default (cosine, 10/255, NFE 10, x₀ − μ)
    expect(readme).toContain(
      `Below the default with an interval that excludes zero, as the paper has every such row: ${list(all.filter((e) => e.d.high < 0))}. ` +
        `Above the default, against the paper's direction: ${list(all.filter((e) => e.d.low > 0))}. ` +
        `Neither, so bounded instead (two one-sided tests: |Δ| below the bound with 95 % confidence): ${bounded.length ? bounded.map((e) => `${e.name} ${reading(e.d)}`).join(', ') : 'none'}.`,
    );
  });

  it('every bundled entry was trained with the official clipping and repeats its step-10 weights bit for bit with this code (zoo verify)', async () => {
    const work = join(tmp, 'verify-bundled');
    const w64 = SCALES.whole64.zooPrefix!;
    for (const entry of listZoo()) {
      expect(entry.training.gradClip, entry.name).toBe(1);
      // stored in files of at most 4 MiB (shards past that), so the repository's files stay small
      const files = readdirSync(join(BUNDLED_ZOO_DIR, entry.name, 'checkpoint'));
      for (const f of files) expect(statSync(join(BUNDLED_ZOO_DIR, entry.name, 'checkpoint', f)).size, `${entry.name}/${f}`).toBeLessThanOrEqual(SHARD_BYTES);
      if (entry.name.startsWith(w64)) continue; // below, in a process of their own
      // on the backend the entry was trained on (auto may pick the native build, whose float arithmetic differs)
      await initBackend(entry.backend.split(' ')[0] as 'wasm');
      const r = await verifyZooEntry(join(BUNDLED_ZOO_DIR, entry.name), { steps: 10, workDir: work });
      expect(r, entry.name).toMatchObject({ name: entry.name, step: 10, identical: true, ok: true });
    }
  }, 900_000);

  it('the bundled zoo stays within 150 MB (issue 31: three seeds per point, narrow weights where they restore within 1/255)', () => {
    const size = (dir: string): number => readdirSync(dir, { withFileTypes: true }).reduce((n, d) => n + (d.isDirectory() ? size(join(dir, d.name)) : statSync(join(dir, d.name)).size), 0);
    const bytes = size(BUNDLED_ZOO_DIR);
    console.log(`data/zoo: ${(bytes / 1e6).toFixed(1)} MB in ${listZoo().length} entries`);
    expect(bytes).toBeLessThanOrEqual(150e6);
  });

  it('every narrow entry carries the measurement that allows it, on its whole test split; every whole64 entry was measured (zoo add / zoo shrink)', () => {
    const all = listZoo();
    for (const e of all.filter((x) => x.weights.checks)) {
      for (const [dtype, c] of Object.entries(e.weights.checks!)) {
        // testLimit 0: every test image of the bundled mini-uir (its test photographs × crops per photograph, per task)
        const perTask = Number(e.config.testLimit) || (e.dataset.testPhotos as string[]).length * Number(e.dataset.cropsPerPhoto);
        expect(c.images, `${e.name} ${dtype}`).toBe(5 * perTask);
        expect(c.values, `${e.name} ${dtype}`).toBe(c.images * Number(e.config.datasetSize) ** 2 * 3);
      }
      // the format stored is the narrowest one measured within 1/255, and nothing narrower is left unmeasured
      expect(e.weights.dtype, e.name).toBe(chooseStorage(e.weights.checks!));
      expect(formatsToMeasure(e.weights.checks!), e.name).toEqual([]);
    }
    for (const e of all.filter((x) => x.weights.dtype !== 'float32')) expect(e.weights.checks?.[e.weights.dtype as NarrowDtype]?.maxDiff, e.name).toBeLessThanOrEqual(1);
    const w64 = all.filter((x) => x.name.startsWith(SCALES.whole64.zooPrefix!));
    for (const e of w64) expect(e.weights.checks, e.name).toBeDefined();
    // the docs quote what the measurements found
    const measured = (d: NarrowDtype) => w64.filter((e) => e.weights.checks![d]);
    const stored = (d: string) => w64.filter((e) => e.weights.dtype === d).length;
    const worst = (d: NarrowDtype) => Math.max(...measured(d).map((e) => e.weights.checks![d]!.maxDiff));
    const share = (d: NarrowDtype) => {
      const v = measured(d).reduce((n, e) => n + e.weights.checks![d]!.values, 0);
      return ((100 * measured(d).reduce((n, e) => n + e.weights.checks![d]!.valuesDiffering, 0)) / v).toFixed(1);
    };
    const beyond = (d: NarrowDtype) => measured(d).filter((e) => e.weights.checks![d]!.maxDiff > 1).length;
    if (w64.length === 0) return;
    expect(docsText().replace(/\s+/g, ' ')).toContain(
      `Of the ${w64.length} whole64 entries, ${stored('float16')} are stored in float16, ${stored('float24')} in float24 and ${stored('float32')} in float32. ` +
        `float16 moved the restorations of ${beyond('float16')} of ${measured('float16').length} entries by more than 1/255 (up to ${worst('float16')}/255; ${share('float16')} % of all values differ by some step)` +
        (measured('float24').length ? `; float24, measured for those, moved ${share('float24')} % of values, at most ${worst('float24')}/255.` : '.'),
    );
  });

  it('the whole64 entries were trained with the frozen recipe, and the three seeds of the main point and seed 0 of every other size repeat their step-10 weights bit for bit (rdbm zoo verify, on the native backend at the thread count each entry names)', (ctx) => {
    const w64 = SCALES.whole64;
    const entries = listZoo().filter((e) => e.name.startsWith(w64.zooPrefix!));
    const recipe = { steps: w64.overrides.steps, lr: w64.overrides.lr, warmup: w64.overrides.warmup, batchSize: w64.overrides.batchSize, cropSize: w64.overrides.cropSize, emaDecay: w64.overrides.emaDecay, gradClip: 1 };
    for (const e of entries) {
      expect(e.training, e.name).toMatchObject(recipe);
      expect(e.backend, e.name).toMatch(/^node \(.*rdbm native build, 1 thread\)$/);
    }
    const repeated = entries.filter((e) => /^w64-[TSBL](-seed-\d)?$/.test(e.name) && (e.name.startsWith('w64-T') || !e.name.includes('-seed-')));
    if (entries.length === 0) return;
    expect(repeated.length).toBeGreaterThan(0);
    requireTool(ctx, nativeUnavailable('cpu'), 'the whole64 entries\' zoo verify');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'RDBM_THREADS' && k !== 'TF_NUM_INTRAOP_THREADS' && k !== 'RDBM_BACKEND'));
    for (const e of repeated) {
      const run = spawnSync(process.execPath, [join(root, 'bin', 'rdbm.js'), 'zoo', 'verify', e.name, '--json'], { env, encoding: 'utf8', timeout: 600_000 });
      expect(run.status, `${e.name}: ${run.stderr}`).toBe(0);
      const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as { name: string; step: number; identical: boolean; ok: boolean };
      expect(r, e.name).toMatchObject({ name: e.name, step: 10, identical: true, ok: true });
    }
  }, 1_800_000);

});
