"""Golden values for the gradient clipping of the official trainers: DiffUIR's and RDDM's Trainer call
accelerator.clip_grad_norm_(model.parameters(), 1.0) before every Adam step, i.e. torch.nn.utils.clip_grad_norm_
(L2 norm of the per-parameter norms, coefficient max / (norm + 1e-6) clamped at 1). PyTorch 1.13 (Debian python3-torch).

Writes test/fixtures/models/clip_grad_norm.json: three gradient sets (shapes of a small network's parameters)
whose total norms straddle 1, each with torch's total norm and clipped gradients.

Run: /usr/bin/python3 scripts/reference/models_clip.py
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'models', 'clip_grad_norm.json')
shapes = [[3, 3, 4, 8], [8], [1, 1, 8, 16], [16], [7, 5]]
cases = []
for seed, scale in [(0, 0.02), (1, 0.3), (2, 3.0)]:
    g = torch.Generator().manual_seed(seed)
    params = [torch.nn.Parameter(torch.zeros(s)) for s in shapes]
    for p in params:
        p.grad = (torch.randn(p.shape, generator=g) * scale).float()
    before = [p.grad.clone().flatten().tolist() for p in params]
    total = torch.nn.utils.clip_grad_norm_(params, 1.0)
    cases.append({
        'maxNorm': 1.0,
        'shapes': shapes,
        'grads': before,
        'totalNorm': float(total),
        'clipped': [p.grad.flatten().tolist() for p in params],
    })
with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f)
print('wrote', OUT, [round(c['totalNorm'], 4) for c in cases])
