"""PyTorch side of bench/models.bench.js: the official U-Net (DiffUIR src/model.py, loaded by
path or from the mirror; see models_official_unet.py) timed on CPU with a given thread count.

Usage: models_bench.py <json spec>   spec = {"threads": 1, "repeat": 3, "forward": [{"name": "T", "dim": 8,
        "mults": [1,2,3,6], "size": 256}], "train": {"name": "T", "dim": 8, "mults": [...], "batch": 2, "size": 128},
        "official": optional path}
Prints one JSON object: {"torch": version, "threads": n, "forward": {name: seconds}, "train": seconds}
(median of `repeat` runs after one warm-up).
"""
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from models_official_unet import load_official  # noqa: E402

spec = json.loads(sys.argv[1])
torch.set_num_threads(spec['threads'])
torch.manual_seed(0)
official = load_official(spec.get('official'))


def median_time(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


result = {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'forward': {}}
for f in spec['forward']:
    net = official.Unet(f['dim'], dim_mults=tuple(f['mults']), condition=True).eval()
    x = torch.rand(1, 6, f['size'], f['size']) * 2 - 1
    t = torch.tensor([37])
    with torch.no_grad():
        result['forward'][f['name']] = median_time(lambda: net(x, t), spec['repeat'])

tr = spec['train']
net = official.Unet(tr['dim'], dim_mults=tuple(tr['mults']), condition=True).train()
opt = torch.optim.Adam(net.parameters(), lr=1e-4)
x = torch.rand(tr['batch'], 6, tr['size'], tr['size']) * 2 - 1
target = torch.rand(tr['batch'], 3, tr['size'], tr['size']) * 2 - 1
t = torch.randint(0, 100, (tr['batch'],))


def step():
    opt.zero_grad()
    loss = (net(x, t) - target).abs().mean()
    loss.backward()
    opt.step()


result['train'] = median_time(step, spec['repeat'])
print(json.dumps(result))
