#!/usr/bin/env python3
"""Golden job keys for the sweep planner (src/experiments/plan.ts), computed independently.

A key is the first 16 hex digits of sha256 over the canonical JSON of the job's spec (keys sorted,
no spaces: the same bytes as util/hash.ts stableStringify). The specs are rebuilt here from the
documented rules: the paper config, the smoke scale's overrides, the experiment's axis value; the
train spec holds the train-stage fields, the restore spec the train key plus the sampler settings
and test data, the evaluate spec the restore key plus the metric convention. Every spec also holds
the fingerprint of its stage's code and the dataset's content key; the test plans with the fixed
stand-ins below (`code-<stage>`, the bundled benchmark's name, size and `code-data`), so the golden
keys check the key rules, not the current source.

Usage: /usr/bin/python3 scripts/reference/experiments_plan_keys.py > test/fixtures/experiments/plan-keys.json
"""
import hashlib
import json

PAPER = dict(model='L', objective='x0', pi='residual', **{'lambda': 10 / 255}, schedule='cosine', timesteps=100, steps=500000,
             batchSize=20, cropSize=256, lr=1e-4, emaDecay=0.995, seed=0, gradClip=1, dataset='mini-uir', datasetSize=256, checkpoint='',
             nfe=10, sampleSchedule='same', testLimit=0, metric='rdbm')
SMOKE = dict(model='tiny', steps=2, batchSize=5, cropSize=16, lr=1e-3, emaDecay=0, datasetSize=32, testLimit=1)
TRAIN_FIELDS = ['model', 'objective', 'pi', 'lambda', 'schedule', 'timesteps', 'steps', 'batchSize', 'cropSize', 'lr', 'emaDecay',
                'seed', 'gradClip', 'datasetSize']
# fields added after keys existed: left out of the spec at the value configs without them meant (0 = no clipping)
ABSENT_AS = dict(gradClip=0)


def key(spec):
    return hashlib.sha256(json.dumps(spec, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode()).hexdigest()[:16]


def keys(c):
    data = dict(bundled=c['dataset'], size=c['datasetSize'], code='code-data')
    train = dict(stage='train', code='code-train', **{f: c[f] for f in TRAIN_FIELDS if not (f in ABSENT_AS and c[f] == ABSENT_AS[f])}, data=data)
    tk = key(train)
    restore = dict(stage='restore', code='code-restore', after=tk, objective=c['objective'],
                   schedule=c['schedule'] if c['sampleSchedule'] == 'same' else c['sampleSchedule'], **{'lambda': c['lambda']},
                   timesteps=c['timesteps'], nfe=c['nfe'], testLimit=c['testLimit'], data=data)
    rk = key(restore)
    ev = dict(stage='evaluate', code='code-evaluate', after=rk, metric=c['metric'])
    return dict(train=tk, restore=rk, evaluate=key(ev))



out = {}
for name, axis, values in [('nfe', 'nfe', [2, 10, 20, 50, 100]), ('lambda', 'lambda', [1 / 255, 10 / 255, 100 / 255]),
                           ('sampling-schedule', 'sampleSchedule', ['cosine', 'linear', 'sigmoid'])]:
    out[name] = []
    for v in values:
        c = {**PAPER, **SMOKE, axis: v}
        out[name].append(dict(axis=axis, value=v, keys=keys(c)))
print(json.dumps(dict(generator='scripts/reference/experiments_plan_keys.py', scale='smoke', experiments=out), indent=1))
