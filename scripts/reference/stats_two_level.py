#!/usr/bin/env python3
"""Golden values for src/stats/two-level.ts (twoLevelDelta), computed independently with numpy/scipy.

test/stats/two-level.test.ts writes each case's inputs and its exact draws (image indices per resample
and task, the seed-level normal z_r and the Student factor kappa_r) to
test/fixtures/stats/two-level-draws.json. From those this script computes, with numpy:
  D_i      = mean over the candidate's seeds - mean over the baseline's seeds, per image
  estimate = mean over tasks of the task means of D
  V_t      = var(D in task t, ddof=1) / n_t / T^2 (df n_t - 1)
  V_seed   = sum over seeded configurations of var(per-seed averages, ddof=1) / S (df S - 1), or the pooled
             variance times sum 1/S when a configuration has a single seed
  nu       = (sum V)^2 / sum(V^2 / df)                                      (Welch-Satterthwaite)
  value_r  = estimate + kappa_r * (sum_t sqrt(n_t/(n_t-1)) (mean D[idx_rt] - mean D_t) / T + sqrt(V_seed) z_r)
  low,high = numpy.quantile(values, [(1-c)/2, (1+c)/2])                       (method 'linear')
  p        = the smallest alpha at which [Q(alpha/2), Q(1-alpha/2)] excludes 0, found by bisection on
             numpy.quantile (not by the TypeScript's closed form), floored at 1/R
  equivalence = max |numpy.quantile(values, [1-c, c])| when low <= 0 <= high, else None
the Student quantiles t.ppf(0.975, df) for the df in STUDENT_DF (test/stats/student.test.ts draws Z·kappa and
compares its empirical quantile), and, for the cases marked `welch` (no image-to-image spread: the interval must be Welch's t interval):
  welch_low, welch_high = estimate -/+ scipy.stats.t.ppf((1+c)/2, nu) * sqrt(V_seed)

Usage (numpy and scipy): python3 scripts/reference/stats_two_level.py test/fixtures/stats/two-level-draws.json \
         > test/fixtures/stats/two-level-numpy.json
"""
import json
import sys

import numpy as np
from scipy import stats


def groups_of(strata):
    order = []
    groups = {}
    for i, s in enumerate(strata):
        if s not in groups:
            groups[s] = []
            order.append(s)
        groups[s].append(i)
    return [np.asarray(groups[s]) for s in order]


def strata_mean(values, groups):
    return float(np.mean([np.mean(values[g]) for g in groups]))


def components(case, groups):
    base = np.asarray(case['baseline'], dtype=np.float64)
    cand = np.asarray(case['candidate'], dtype=np.float64)
    d = cand.mean(axis=0) - base.mean(axis=0)
    T = len(groups)
    image = [(np.var(d[g], ddof=1) / len(g) / T ** 2, len(g) - 1) for g in groups]
    sides = [(cand, False)] + [(base, case.get('deterministic', False))]
    seeded = [m for m, det in sides if not det]
    several = [m for m in seeded if m.shape[0] >= 2]
    if not several:
        seed = []
    else:
        spreads = [(m.shape[0], np.var([strata_mean(row, groups) for row in m], ddof=1)) for m in several]
        if len(several) == len(seeded):
            seed = [(s2 / S, S - 1) for S, s2 in spreads]
        else:
            df = sum(S - 1 for S, _ in spreads)
            pooled = sum((S - 1) * s2 for S, s2 in spreads) / df
            seed = [(pooled * sum(1 / m.shape[0] for m in seeded), df)]
    return d, image, seed


def satterthwaite(comps):
    comps = [(v, df) for v, df in comps if v > 0]
    if not comps:
        return float('inf')
    return sum(v for v, _ in comps) ** 2 / sum(v * v / df for v, df in comps)


def inversion_p(values):
    """Smallest alpha with 0 outside [Q(alpha/2), Q(1-alpha/2)], by bisection on numpy.quantile."""
    def excludes(alpha):
        lo, hi = np.quantile(values, [alpha / 2, 1 - alpha / 2])
        return lo > 0 or hi < 0
    if not excludes(1.0):
        return 1.0
    a, b = 0.0, 1.0  # excludes(b) is True
    if excludes(0.0):
        return 1 / len(values)
    for _ in range(200):
        m = (a + b) / 2
        if excludes(m):
            b = m
        else:
            a = m
    return max(b, 1 / len(values))


def case_result(case):
    groups = groups_of(case['strata'])
    d, image, seed = components(case, groups)
    T = len(groups)
    estimate = strata_mean(d, groups)
    nu = satterthwaite(image + seed)
    seed_sd = float(np.sqrt(sum(v for v, _ in seed)))
    out = {'name': case['name'], 'estimate': estimate, 'nu': None if np.isinf(nu) else nu, 'seed_sd': seed_sd}
    c = case['confidence']
    if 'draws' in case:
        draws = case['draws']
        task_means = [np.mean(d[g]) for g in groups]
        values = []
        for idx, z, kappa in zip(draws['indices'], draws['z'], draws['kappa']):
            dev = sum(np.sqrt(len(g) / (len(g) - 1)) * (np.mean(d[np.asarray(ix)]) - task_means[t])
                      for t, (g, ix) in enumerate(zip(groups, idx))) / T
            values.append(estimate + kappa * (dev + seed_sd * z))
        values = np.asarray(values)
        low, high = np.quantile(values, [(1 - c) / 2, (1 + c) / 2])
        out.update({'low': float(low), 'high': float(high), 'p': inversion_p(values)})
        eq = np.quantile(values, [1 - c, c])
        out['equivalence'] = float(np.max(np.abs(eq))) if low <= 0 <= high else None
    if case.get('welch'):
        half = stats.t.ppf((1 + c) / 2, nu) * seed_sd
        out.update({'welch_low': estimate - half, 'welch_high': estimate + half})
    return out


STUDENT_DF = [2.5, 5, 12.3, 60]


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)['cases']
    out = {'source': 'scripts/reference/stats_two_level.py', 'numpy': np.__version__,
           'scipy': __import__('scipy').__version__, 'cases': [case_result(c) for c in cases],
           'student': [{'df': df, 'q975': float(stats.t.ppf(0.975, df)), 'q75': float(stats.t.ppf(0.75, df))} for df in STUDENT_DF]}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
