import { cpSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getExperiment } from '../../src/experiments/builtins.js';
import { STAGE_CODE, checkpointContentKey, codeFingerprint, folderManifestHash } from '../../src/experiments/keys.js';
import { type ContentKeys, FILE_CONTENT_KEYS, planSweep } from '../../src/experiments/plan.js';
import { inspectPlan } from '../../src/experiments/runner.js';
import { openResults } from '../../src/experiments/store.js';
import { missExplainer } from '../../src/experiments/why.js';
import { sha256 } from '../../src/util/hash.js';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

describe('job keys see what changes results (issue 11, item 3)', () => {
  it('include the fingerprint of each stage\'s code: a change to the sampler code changes restore and evaluate keys, not train keys', () => {
    const nfe = getExperiment('nfe');
    const base = planSweep([nfe], 'smoke');
    const changed: ContentKeys = { ...FILE_CONTENT_KEYS, code: (s) => (s === 'restore' ? `${codeFingerprint(s)}-edited` : codeFingerprint(s)) };
    const after = planSweep([nfe], 'smoke', {}, {}, changed);
    for (const [i, p] of base.points.entries()) {
      expect(after.points[i].keys.train).toBe(p.keys.train);
      expect(after.points[i].keys.restore).not.toBe(p.keys.restore);
      expect(after.points[i].keys.evaluate).not.toBe(p.keys.evaluate);
    }
    // the fingerprint is of the real files: 16 hex digits, and the metric code is part of evaluate only
    expect(codeFingerprint('evaluate')).toMatch(/^[0-9a-f]{16}$/);
    expect(STAGE_CODE.evaluate).toContain('metrics');
    expect(STAGE_CODE.train).not.toContain('metrics');
  });

  it('key a --data folder by its manifest: an edited or added file changes it, a moved copy does not', () => {
    const a = tmp('rdbm-keys-a-');
    mkdirSync(join(a, 'Deraining', 'R', 'test', 'label'), { recursive: true });
    const file = join(a, 'Deraining', 'R', 'test', 'label', '1.png');
    writeFileSync(file, 'abc');
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const b = tmp('rdbm-keys-b-');
    cpSync(a, b, { recursive: true, preserveTimestamps: true });
    const ha = folderManifestHash(a);
    expect(folderManifestHash(b)).toBe(ha);
    const plans = [a, b].map((d) => planSweep([getExperiment('nfe')], 'smoke', { dataset: d }));
    expect(plans[1].jobs.map((j) => j.key)).toEqual(plans[0].jobs.map((j) => j.key));
    // an edit (size and time) in a fresh copy: other keys
    const c = tmp('rdbm-keys-c-');
    cpSync(a, c, { recursive: true, preserveTimestamps: true });
    writeFileSync(join(c, 'Deraining', 'R', 'test', 'label', '1.png'), 'abcd');
    expect(folderManifestHash(c)).not.toBe(ha);
    const d = tmp('rdbm-keys-d-');
    cpSync(a, d, { recursive: true, preserveTimestamps: true });
    writeFileSync(join(d, 'Deraining', 'R', 'test', 'label', '2.png'), 'abc');
    expect(folderManifestHash(d)).not.toBe(ha);
  });

  it('key a given checkpoint by content: copies share a key, other bytes do not; the path is not hashed', () => {
    const dir = tmp('rdbm-keys-ckpt-');
    writeFileSync(join(dir, 'a.pt'), Buffer.from([1, 2, 3]));
    writeFileSync(join(dir, 'copy.pt'), Buffer.from([1, 2, 3]));
    writeFileSync(join(dir, 'other.pt'), Buffer.from([1, 2, 4]));
    expect(checkpointContentKey(join(dir, 'a.pt'))).toBe(sha256(`torch\u0000${sha256(new Uint8Array([1, 2, 3]))}`).slice(0, 16));
    expect(checkpointContentKey(join(dir, 'copy.pt'))).toBe(checkpointContentKey(join(dir, 'a.pt')));
    expect(checkpointContentKey(join(dir, 'other.pt'))).not.toBe(checkpointContentKey(join(dir, 'a.pt')));
    // our format: keyed by the manifest's weights hash, so a folder copy shares it
    const ck = join(dir, 'ck');
    mkdirSync(ck);
    writeFileSync(join(ck, 'manifest.json'), JSON.stringify({ sha256: 'ab'.repeat(32), architecture: { dim: 8 }, training: { lambda: 0.1 } }));
    cpSync(ck, join(dir, 'ck2'), { recursive: true });
    expect(checkpointContentKey(join(dir, 'ck2'))).toBe(checkpointContentKey(ck));
    const plan = (p: string) => planSweep([getExperiment('nfe')], 'smoke', { checkpoint: p });
    expect(plan(join(dir, 'copy.pt')).jobs.map((j) => j.key)).toEqual(plan(join(dir, 'a.pt')).jobs.map((j) => j.key));
    expect(plan(join(dir, 'other.pt')).jobs[0].key).not.toBe(plan(join(dir, 'a.pt')).jobs[0].key);
    expect(() => checkpointContentKey(join(dir, 'missing.pt'))).toThrow(/checkpoint not found: .*missing\.pt/);
  });

  it('`--dry-run` says why a job is not cached: what changed since the closest earlier record', () => {
    const dir = tmp('rdbm-keys-why-');
    const store = openResults(dir, { create: true });
    const nfe = getExperiment('nfe');
    const old = planSweep([nfe], 'smoke');
    // pretend the whole old plan finished
    for (const j of old.jobs) store.write({ schema: 1, kind: j.kind, key: j.key, spec: j.spec, artifacts: [], seconds: 0, finishedAt: '', ...(j.kind === 'evaluate' ? { metrics: { images: [] } } : {}) });
    const edited: ContentKeys = { ...FILE_CONTENT_KEYS, code: (s) => (s === 'evaluate' ? 'feedfacefeedface' : codeFingerprint(s)) };
    const plan = planSweep([nfe], 'smoke', {}, {}, edited);
    const explain = missExplainer(store);
    const statuses = inspectPlan(plan, store);
    const toRun = statuses.filter((s) => s.toRun);
    expect(toRun.map((s) => s.job.kind)).toEqual(Array(5).fill('evaluate'));
    expect(explain(toRun[0].job, toRun[0].status)).toBe(`not run with this key; closest earlier evaluate ${old.points[0].keys.evaluate.slice(0, 8)}: the code of the evaluate stage changed (fingerprint ${codeFingerprint('evaluate')} → feedfacefeedface)`);
    const empty = openResults(tmp('rdbm-keys-empty-'), { create: true });
    const first = inspectPlan(old, empty)[0];
    expect(missExplainer(empty)(first.job, first.status)).toMatch(/^no train job has run in /);
    // a damaged record names its damage
    writeFileSync(store.recordPath(old.jobs[0]), '{');
    expect(missExplainer(store)(old.jobs[0], store.read(old.jobs[0]))).toMatch(/^its record is damaged \(not valid JSON/);
    expect(readFileSync(store.recordPath(old.jobs[0]), 'utf8')).toBe('{');
  });
});
