#!/usr/bin/env python3
"""Golden values for src/bridge from the official RDBM code (MiliLab/RDBM, code/rdbm.py), run with PyTorch.

Usage (export each commit's file first; the official code is never committed here):
  git -C <RDBM clone> show ddc8ef9:code/rdbm.py > /tmp/rdbm_ddc8ef9.py
  git -C <RDBM clone> show 5edee8e:code/rdbm.py > /tmp/rdbm_5edee8e.py
  /usr/bin/python3 scripts/reference/bridge_parity.py --official ddc8ef9=/tmp/rdbm_ddc8ef9.py \
      --official 5edee8e=/tmp/rdbm_5edee8e.py --out test/fixtures/bridge/official.json

Needs python3-torch (Debian). Imports the official file unchanged; packages it imports but never uses
at sampling time (torchvision, accelerate, einops, ema_pytorch) are stubbed when absent.

What is recorded, per official file (each carries its own λ):
  - coefficients (thetas, cumsums, Theta, Sigma2, Sigma) of RDBM(timesteps=T) for several T;
  - the sampling time pairs the official ddim_sample visits, observed by a recording stand-in model;
  - sampler outputs (mapped to [0, 1] by the official code) for NFE in {1,2,5,10,20,100}, x0 and eps
    parameterizations, with a deterministic stand-in predictor (below) on a real photo crop;
  - q_sample outputs (π = 1) for fixed noise;
plus numpy references for the π variants of the forward marginal and the residual-to-noise ratio.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from official_import import load  # noqa: E402


def load_official(path, label):
    return load(path, f'rdbm_{label}', ['torchvision', 'torchvision.transforms', 'torchvision.transforms.functional',
                                       'torchvision.utils', 'accelerate', 'einops', 'einops.layers',
                                       'einops.layers.torch', 'ema_pytorch'])


class StandIn(torch.nn.Module):
    """Deterministic stand-in predictor, defined identically in test/bridge/official-parity.test.ts:
         pred = A * tanh(1.3 * x_t - 0.7 * mu + 0.5 * sin(3 * mu) + 0.01 * t - 0.1)
       with A = 1.2 for x0 (so clipping to [-1, 1] is exercised) and A = 0.8 for eps. Records every t it is called with."""

    def __init__(self, amplitude):
        super().__init__()
        self.channels = 3
        self.amplitude = amplitude
        self.calls = []

    def forward(self, x, mu, t):
        self.calls.append(int(t[0]))
        return self.amplitude * torch.tanh(1.3 * x - 0.7 * mu + 0.5 * torch.sin(3 * mu) + 0.01 * t.float().view(-1, 1, 1, 1) - 0.1)


def photo_crop(path, top, left, h, w):
    import cv2
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    rgb = bgr[top:top + h, left:left + w, ::-1].astype(np.float32) / 255.0
    return rgb  # HWC in [0, 1]


def tolist(t):
    return [float(v) for v in t.detach().cpu().reshape(-1).tolist()]


def infer_lambda(inst):
    # Σ_t² = 2λ sinh(c_t) sinh(C − c_t)/sinh(C): read λ back at the middle step (in float64)
    T = inst.num_timesteps
    mid = T // 2
    c = float(inst.thetas_cumsum_0_to_t[mid]); C = float(inst.thetas_cumsum_0_to_T)
    return float(inst.Sigma2[mid]) * math.sinh(C) / (2 * math.sinh(c) * math.sinh(C - c))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--official', action='append', required=True, help='LABEL=PATH of an official code/rdbm.py')
    ap.add_argument('--photo', default='data/photos/chelsea.png')
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)

    # μ: two real 6×5 crops of a photograph, as the official sample() takes them (NCHW in [0, 1])
    crops = [photo_crop(args.photo, 100, 200, 6, 5), photo_crop(args.photo, 40, 60, 6, 5)]
    mu01 = torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).contiguous()  # N C H W
    out = {
        'generator': 'scripts/reference/bridge_parity.py',
        'torch': torch.__version__,
        'photo': args.photo,
        'mu01_nhwc': [float(v) for v in np.stack(crops).reshape(-1)],
        'shape_nhwc': [2, 6, 5, 3],
        'versions': [],
    }
    for item in args.official:
        label, path = item.split('=', 1)
        mod = load_official(path, label)
        version = {'label': label, 'coefficients': {}, 'time_pairs': {}, 'samples': [], 'q_sample': []}
        for T in (2, 7, 100, 1000):
            inst = mod.RDBM(StandIn(1.0), timesteps=T, sampling_timesteps=min(10, T))
            version['coefficients'][str(T)] = {
                'thetas': tolist(inst.thetas),
                'thetas_cumsum_0_to_t': tolist(inst.thetas_cumsum_0_to_t),
                'Theta': tolist(inst.Theta),
                'Sigma2': tolist(inst.Sigma2),
                'Sigma': tolist(inst.Sigma),
            }
            if T == 100:
                version['lambda'] = infer_lambda(inst)
        # time grids: observed from ddim_sample's calls to the model, for every NFE at T = 100
        # and a selection at T = 1000 and T = 7
        for T, nfes in ((100, range(1, 101)), (1000, (1, 2, 3, 7, 10, 33, 100, 333, 999, 1000)), (7, range(1, 8))):
            grid = {}
            for nfe in nfes:
                model = StandIn(1.2)
                inst = mod.RDBM(model, timesteps=T, sampling_timesteps=nfe)
                inst.sample(x_input=mu01[:1, :, :2, :2].clone(), last=True)
                grid[str(nfe)] = model.calls
            version['time_pairs'][str(T)] = grid
        for objective, name in (('pred_x_start', 'x0'), ('pred_noise', 'eps')):
            for nfe in (1, 2, 5, 10, 20, 100):
                if name == 'eps' and nfe == 1:
                    continue  # divides by Theta[T-1] = 0 in the official code
                model = StandIn(1.2 if name == 'x0' else 0.8)
                inst = mod.RDBM(model, timesteps=100, sampling_timesteps=nfe, objective=objective, sampling_type=objective)
                traj = inst.sample(x_input=mu01.clone(), last=(nfe != 5))
                entry = {'parameterization': name, 'nfe': nfe, 'output01': tolist(traj[-1].permute(0, 2, 3, 1))}
                if nfe == 5:
                    entry['trajectory01'] = [tolist(s.permute(0, 2, 3, 1)) for s in traj]
                version['samples'].append(entry)
        inst = mod.RDBM(StandIn(1.0), timesteps=100, sampling_timesteps=10)
        g = torch.Generator().manual_seed(7)
        x0 = torch.rand(mu01.shape, generator=g) * 2 - 1
        noise = torch.randn(mu01.shape, generator=g)
        mu = mu01 * 2 - 1
        for t in ((0, 0), (37, 80), (99, 98)):
            tt = torch.tensor(t, dtype=torch.long)
            xt = inst.q_sample(x0, mu, tt, noise=noise)
            version['q_sample'].append({'t': list(t), 'xt': tolist(xt.permute(0, 2, 3, 1))})
        version['q_inputs'] = {'x0': tolist(x0.permute(0, 2, 3, 1)), 'noise': tolist(noise.permute(0, 2, 3, 1))}
        out['versions'].append(version)

    # numpy (float64) references for what the official code does not implement: π variants and R(i,j,t)
    v0 = out['versions'][0]
    lam = v0['lambda']
    co = v0['coefficients']['100']
    thetas = np.array(co['thetas'], dtype=np.float64)
    c = np.cumsum(thetas); C = c[-1]
    Theta = np.sinh(C - c) / np.sinh(C)
    Sigma = np.sqrt(2 * lam * np.sinh(c) * np.sinh(C - c) / np.sinh(C))
    x0 = np.array(v0['q_inputs']['x0']).reshape(2, 6, 5, 3)
    noise = np.array(v0['q_inputs']['noise']).reshape(2, 6, 5, 3)
    mu = np.array(out['mu01_nhwc']).reshape(2, 6, 5, 3) * 2 - 1
    pis = {'zero': np.zeros_like(x0), 'one': np.ones_like(x0), 'residual': x0 - mu, 'abs-residual': np.abs(x0 - mu)}
    refs = {'lambda': lam, 'thetas': [float(v) for v in thetas], 'marginal': {}, 'rnr': {}}
    for name, pi in pis.items():
        for t in (0, 50, 98):
            xt = mu + Theta[t] * (x0 - mu) + Sigma[t] * pi * noise
            refs['marginal'][f'{name}@{t}'] = [float(v) for v in xt.reshape(-1)]
            with np.errstate(divide='ignore', invalid='ignore'):
                r = (Theta[t] ** 2) * (x0 - mu) ** 2 / (Sigma[t] ** 2 * pi ** 2)
            if name in ('residual', 'abs-residual'):
                r = np.full_like(x0, Theta[t] ** 2 / Sigma[t] ** 2)
            refs['rnr'][f'{name}@{t}'] = [None if not np.isfinite(v) else float(v) for v in r.reshape(-1)]
    out['numpy'] = refs
    with open(args.out, 'w') as f:
        json.dump(out, f)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
