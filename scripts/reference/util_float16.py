"""Golden values for src/util/float16.ts: float32 values and their float16 bits as numpy rounds them
(astype(np.float16): round to nearest, ties to even). Writes test/fixtures/util/float16.json.

Usage: /usr/bin/python3 scripts/reference/util_float16.py
"""
import json
import os

import numpy as np

rng = np.random.default_rng(0)
special = np.array([0.0, -0.0, 1.0, -1.0, 65504.0, 65519.99, 65520.0, 1e6, -1e6, 6.1035156e-05, 6.0e-08, 5.9604645e-08,
                    2.9802322e-08, 2.98e-08, 3.0e-08, 1e-10, np.inf, -np.inf, 0.1, 0.2, 1 / 3, 2049.0, 2051.0, 4097.0], dtype=np.float32)
# ties: values exactly halfway between two halves, at several exponents and in the subnormal range
ties = np.array([1 + 2 ** -11, 1 + 3 * 2 ** -11, 2 + 2 ** -10, 2 ** -20 * 1.5, 2 ** -24 * 1.5, 2 ** -24 * 2.5, 2 ** -25], dtype=np.float32)
weights = (rng.standard_normal(2000) * rng.choice([1e-4, 1e-2, 0.1, 1.0, 10.0], 2000)).astype(np.float32)
values = np.concatenate([special, ties, -ties, weights]).astype(np.float32)
bits = values.astype(np.float16).view(np.uint16)
out = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'util', 'float16.json')
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, 'w') as f:
    json.dump({'numpy': np.__version__, 'float32Bits': [int(b) for b in values.view(np.uint32)], 'float16Bits': [int(b) for b in bits]}, f)
print(f'wrote {len(values)} values to {out}')
