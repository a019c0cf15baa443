"""Golden values for src/util/float24.ts: float32 values rounded to 24-bit floats (sign, the 8 exponent bits and the
top 15 mantissa bits of IEEE float32; the low byte dropped), round to nearest, ties to even, computed here by exact
rational arithmetic (fractions), not by the bit trick the TypeScript uses: each value goes to the nearer of the two
24-bit floats around it (the larger magnitude beyond the largest finite one is infinity). Writes
test/fixtures/util/float24.json.

Usage: /usr/bin/python3 scripts/reference/util_float24.py
"""
import json
import math
import os
import struct
from fractions import Fraction

import numpy as np


def f32_bits(x):
    return struct.unpack('<I', struct.pack('<f', x))[0]


def bits_value(b):
    """The exact value of float32 bits b (finite), as a Fraction."""
    return Fraction(struct.unpack('<f', struct.pack('<I', b))[0])


def round24(b):
    """The float32 bits of b rounded to a 24-bit float (low byte zero)."""
    exp = (b >> 23) & 0xFF
    if exp == 0xFF:  # inf stays; NaN stays NaN (a mantissa bit kept in the top 15)
        m = b & 0x7FFFFF
        return (b & 0xFFFFFF00) | (0x400000 if m and not (m & 0x7FFF00) else 0)
    lo = b & 0xFFFFFF00  # the 24-bit float toward zero
    if lo == b:
        return b
    hi = lo + 0x100  # the next one away from zero (may carry into the exponent, or reach infinity)
    x = abs(bits_value(b))
    a = abs(bits_value(lo))
    if ((hi >> 23) & 0xFF) == 0xFF:
        # beyond the largest finite 24-bit float: IEEE rounds to infinity when x is at least halfway to the next
        # power-of-two step (the value the exponent range would give hi)
        step = Fraction(2) ** 128 - a
        return hi if x - a >= step / 2 and not (x - a == step / 2 and ((lo >> 8) & 1) == 0) else lo
    c = abs(bits_value(hi))
    if x - a < c - x:
        return lo
    if x - a > c - x:
        return hi
    return lo if ((lo >> 8) & 1) == 0 else hi


rng = np.random.default_rng(0)
special = [0.0, -0.0, 1.0, -1.0, 3.4028235e38, -3.4028235e38, 1e-45, -1e-45, 1.17549435e-38, 1e-40, 0.1, 0.2, 1 / 3,
           math.inf, -math.inf, 65504.0, 1e-10, 123456.789]
values = [f32_bits(v) for v in special]
# ties exactly halfway (low byte 0x80) with even and odd kept parts, and the neighbours of a tie
for base in [0x3F800000, 0x3F800100, 0x40490F00, 0x00000100, 0x00000000, 0x7F7FFF00, 0x7F7FFE00, 0x3F7FFF00]:
    for low in [0x7F, 0x80, 0x81, 0xFF, 0x01]:
        values.append(base | low)
        values.append((base | low) | 0x80000000)
weights = (rng.standard_normal(3000) * rng.choice([1e-6, 1e-4, 1e-2, 0.1, 1.0, 10.0], 3000)).astype(np.float32)
values += [int(b) for b in weights.view(np.uint32)]
values += [int(b) for b in rng.integers(0, 2 ** 32, 1000, dtype=np.uint64)]  # any bit pattern, NaNs included
rounded = [round24(b) for b in values]
out = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'util', 'float24.json')
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, 'w') as f:
    json.dump({'float32Bits': values, 'float24Bits': [r >> 8 for r in rounded]}, f)
print(f'wrote {len(values)} values to {out}')
