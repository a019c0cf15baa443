#!/usr/bin/env python3
"""Golden values for src/stats/bootstrap.ts (pairedBootstrap), computed independently with numpy.

The resample indices and sign flips are not re-drawn here: test/stats/bootstrap.test.ts writes the
exact draws of each case (pairs, strata, bootstrap indices per resample and stratum, ±1 signs per
permutation) to test/fixtures/stats/bootstrap-draws.json. From those this script computes, with numpy:
  mean  = mean over strata of the per-stratum mean of d = candidate - baseline
  low, high = numpy.quantile (method 'linear') of the resampled strata means at (1 -/+ confidence)/2
  p     = (#{ |T*| >= |T| } + 1) / (R + 1), T* the strata mean of the sign-flipped d
  (|T| is lowered by 1e-12·max(1, |T|) so ties in floating point count, as in the TypeScript)

Usage: /usr/bin/python3 scripts/reference/stats_bootstrap.py test/fixtures/stats/bootstrap-draws.json \
         > test/fixtures/stats/bootstrap-numpy.json
"""
import json
import sys

import numpy as np


def strata_mean(d, groups):
    return np.mean([np.mean(d[np.asarray(g)]) for g in groups])


def case_result(case):
    base = np.asarray(case['baseline'], dtype=np.float64)
    cand = np.asarray(case['candidate'], dtype=np.float64)
    d = cand - base
    groups = case['groups']
    obs = strata_mean(d, groups)
    # indices[r][s] are pair indices drawn within stratum s for resample r
    boot = np.array([np.mean([np.mean(d[np.asarray(idx)]) for idx in resample]) for resample in case['indices']])
    alpha = (1 - case['confidence']) / 2
    low, high = np.quantile(boot, [alpha, 1 - alpha])
    signs = np.array([[1.0 if c == '+' else -1.0 for c in row] for row in case['signs']])
    flipped = np.array([strata_mean(s * d, groups) for s in signs])
    threshold = abs(obs) - 1e-12 * max(1.0, abs(obs))
    count = int(np.sum(np.abs(flipped) >= threshold))
    return {'name': case['name'], 'mean': float(obs), 'low': float(low), 'high': float(high),
            'p': (count + 1) / (len(case['signs']) + 1), 'count': count}


def main():
    with open(sys.argv[1]) as f:
        draws = json.load(f)
    out = {'source': 'scripts/reference/stats_bootstrap.py', 'numpy': np.__version__,
           'cases': [case_result(c) for c in draws['cases']]}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
