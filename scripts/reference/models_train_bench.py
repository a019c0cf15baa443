"""PyTorch side of bench/native.bench.js: training steps and forward passes of the official U-Net
(DiffUIR src/model.py, loaded at run time by models_official_unet.py; never committed) on CPU with a
given thread count, for comparison with the toolkit's native and wasm backends.

Usage: models_train_bench.py <json spec>
  spec = {"threads": 2, "steps": 2, "official": optional path,
          "train":   [{"key": "train T", "dim": 8, "mults": [1,2,3,6], "batch": 8, "size": 64}, ...],
          "forward": [{"key": "forward B", "dim": 24, "mults": [1,4,4,4], "batch": 1, "size": 256}, ...]}
A training step is what the official trainers do per step on resident tensors: forward, L1 to the target,
backward, Adam (lr 1e-4) and the EMA update (decay 0.995). Each case runs one warm-up and then `steps`
timed runs; the minimum is reported.
Prints one JSON object: {"torch": version, "blas": BLAS_INFO, "threads": n,
                         "params": {key: count}, "seconds": {key: seconds}}
"""
import json
import os
import re
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from models_official_unet import load_official  # noqa: E402

spec = json.loads(sys.argv[1])
torch.set_num_threads(spec['threads'])
torch.manual_seed(0)
official = load_official(spec.get('official'))
blas = re.search(r'BLAS_INFO=([^,\s]+)', torch.__config__.show())


def best_time(fn, steps):
    fn()
    best = float('inf')
    for _ in range(steps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


result = {'torch': torch.__version__, 'blas': blas.group(1) if blas else 'unknown',
          'threads': torch.get_num_threads(), 'params': {}, 'seconds': {}}

for f in spec.get('forward', []):
    net = official.Unet(f['dim'], dim_mults=tuple(f['mults']), condition=True).eval()
    x = torch.rand(f['batch'], 6, f['size'], f['size']) * 2 - 1
    t = torch.full((f['batch'],), 37)
    result['params'][f['key']] = sum(p.numel() for p in net.parameters())
    with torch.no_grad():
        result['seconds'][f['key']] = best_time(lambda: net(x, t), spec['steps'])

for tr in spec.get('train', []):
    net = official.Unet(tr['dim'], dim_mults=tuple(tr['mults']), condition=True).train()
    params = list(net.parameters())
    ema = [p.detach().clone() for p in params]
    opt = torch.optim.Adam(params, lr=1e-4)
    x = torch.rand(tr['batch'], 6, tr['size'], tr['size']) * 2 - 1
    target = torch.rand(tr['batch'], 3, tr['size'], tr['size']) * 2 - 1
    t = torch.randint(0, 100, (tr['batch'],))
    result['params'][tr['key']] = sum(p.numel() for p in params)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = (net(x, t) - target).abs().mean()
        loss.backward()
        opt.step()
        with torch.no_grad():
            for e, p in zip(ema, params):
                e.lerp_(p, 1 - 0.995)
        return loss.item()

    result['seconds'][tr['key']] = best_time(step, spec['steps'])

print(json.dumps(result))
