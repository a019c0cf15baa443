#!/usr/bin/env python3
"""Golden values for src/rddm from the official RDDM and DiffUIR code, run with PyTorch.

Usage (export the files first; the official code is never committed here):
  git -C <RDDM clone> show HEAD:experiments/2_Image_Restoration_deraing_raindrop_noise1/src/residual_denoising_diffusion_pytorch.py > /tmp/rddm_exp2.py
  git -C <RDDM clone> show HEAD:experiments/0_Partially_path-independent_generation/src/residual_denoising_diffusion_pytorch.py > /tmp/rddm_exp0.py
  git -C <DiffUIR clone> show HEAD:src/model.py > /tmp/diffuir_model.py
  /usr/bin/python3 scripts/reference/rddm_parity.py --rddm /tmp/rddm_exp2.py --rddm-family /tmp/rddm_exp0.py \
      --diffuir /tmp/diffuir_model.py --out test/fixtures/rddm/official.json

Needs python3-torch and python3-opencv (Debian). Imports the official files unchanged; packages they import but
never use at sampling time (torchvision, accelerate, einops, ema_pytorch, Augmentor, thop, the repos' own
`datasets`/`metrics` packages) are stubbed.

What is recorded:
  - gen_coefficients of both official generations (RDDM experiment 2: linspace(1, T) in float64; RDDM experiments
    0/3-6 and DiffUIR: linspace(0, 1)**ratio in float32, plus `normal`), several T, ratios and sum_scale;
  - the registered buffers (ᾱ, β̄², β̄) of RDDM's ResidualDiffusion and DiffUIR's (after Trainer.test's init());
  - ddim_sample outputs (mapped to [0, 1] by the official code) of RDDM (SM-Res / SM-N / SM-Res-N, several NFE,
    η ∈ {0, 0.5, 1}, restoration and generation) and DiffUIR (its test settings: T = 1000, delta_end = 1.8e-3,
    sum_scale = 0.01, pred_res, 3 steps; plus variants), with a random-weight conv network (weights recorded);
    every torch.randn / randn_like draw the official code makes is recorded in order, so the TypeScript side
    replays the same noise;
  - DDIM <-> RDDM for generation: the official RDDM sampler with DDPM-converted coefficients against a DDIM loop;
  - cv2.equalizeHist (DiffUIR's low-light loader) on a photo crop.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from official_import import load as load_official  # noqa: E402

STUBS = ['torchvision', 'torchvision.transforms', 'torchvision.transforms.functional', 'torchvision.utils',
         'accelerate', 'einops', 'einops.layers', 'einops.layers.torch', 'ema_pytorch', 'Augmentor', 'thop',
         'datasets', 'datasets.get_dataset', 'metrics']


def load(path, label):
    return load_official(path, label, STUBS)


def tolist(t):
    """Values as JSON numbers; float32 tensors with 9 significant digits (exact float32 round trip)."""
    t = torch.as_tensor(t).detach().cpu()
    digits = '.9g' if t.dtype == torch.float32 else '.17g'
    return [float(format(v, digits)) for v in t.double().reshape(-1).tolist()]


class RandomConvNet(torch.nn.Module):
    """Random-weight network, defined identically in test/rddm/network.ts:
         h = conv3x3(cat(x_t, μ), W, b, zero padding 1) + 0.002 · τ        (τ: the time condition, a float)
         residual head = 1.1 · tanh(h[:, 0:3]),  noise head = 1.5 · tanh(h[:, 3:6])
       For generation (no μ channels) μ = 0 is concatenated. `heads` picks what is returned, in the official
       order: res → [res], noise → [noise], res_noise → [res, noise]. `time_pick` mimics DiffUIR's UnetRes
       (time = [ᾱ_t·T, β̄_t·T], index 0 for pred_res, 1 for pred_noise)."""

    def __init__(self, weight, bias, heads, time_pick=None):
        super().__init__()
        self.channels = 3
        self.out_dim = 3
        self.self_condition = False
        self.random_or_learned_sinusoidal_cond = False
        self.weight = weight
        self.bias = bias
        self.heads = heads
        self.time_pick = time_pick
        self.times = []

    def forward(self, x, time, x_self_cond=None):
        if x.shape[1] == 3:
            x = torch.cat((x, torch.zeros_like(x)), dim=1)
        tau = time[self.time_pick] if self.time_pick is not None else time
        tau = tau.float().view(-1, 1, 1, 1)
        self.times.append(float(tau.reshape(-1)[0]))
        h = F.conv2d(x, self.weight, self.bias, padding=1) + 0.002 * tau
        res = 1.1 * torch.tanh(h[:, 0:3])
        noise = 1.5 * torch.tanh(h[:, 3:6])
        return {'res': [res], 'noise': [noise], 'res_noise': [res, noise]}[self.heads]


class NoiseRecorder:
    """Replaces torch.randn / torch.randn_like with draws from a seeded generator, recording each draw."""

    def __init__(self, seed):
        self.g = torch.Generator().manual_seed(seed)
        self.draws = []
        self.orig_randn = torch.randn
        self.orig_randn_like = torch.randn_like

    def __enter__(self):
        def randn(*shape, **kw):
            if len(shape) == 1 and isinstance(shape[0], (tuple, list, torch.Size)):
                shape = tuple(shape[0])
            z = self.orig_randn(*shape, generator=self.g)
            self.draws.append(tolist(z.permute(0, 2, 3, 1)))
            return z

        torch.randn = randn
        torch.randn_like = lambda x, **kw: randn(tuple(x.shape))
        return self

    def __exit__(self, *exc):
        torch.randn = self.orig_randn
        torch.randn_like = self.orig_randn_like


def photo_crops(path):
    import cv2
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    crops = [bgr[100:106, 200:205, ::-1], bgr[40:46, 60:65, ::-1]]
    return np.stack(crops).astype(np.float32) / 255.0  # N H W C in [0, 1]


def nhwc(t):
    return tolist(t.permute(0, 2, 3, 1))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--rddm', required=True, help='RDDM experiments/2_Image_Restoration_deraing_raindrop_noise1/src/residual_denoising_diffusion_pytorch.py')
    ap.add_argument('--rddm-family', required=True, help='RDDM experiments/0_Partially_path-independent_generation/src/residual_denoising_diffusion_pytorch.py (gen_coefficients with ratio/normal)')
    ap.add_argument('--diffuir', required=True, help='DiffUIR src/model.py')
    ap.add_argument('--photo', default='data/photos/chelsea.png')
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    rddm = load(args.rddm, 'rddm_exp2')
    family = load(args.rddm_family, 'rddm_exp0')
    diffuir = load(args.diffuir, 'diffuir')

    mu01 = photo_crops(args.photo)
    mu01_nchw = torch.from_numpy(mu01).permute(0, 3, 1, 2).contiguous()
    g = torch.Generator().manual_seed(3)
    weight = torch.randn((6, 6, 3, 3), generator=g) * 0.25
    bias = torch.randn((6,), generator=g) * 0.1
    out = {
        'generator': 'scripts/reference/rddm_parity.py',
        'torch': torch.__version__,
        'photo': args.photo,
        'mu01_nhwc': [float(v) for v in mu01.reshape(-1)],
        'shape_nhwc': list(mu01.shape),
        'net': {'weight_oihw': tolist(weight), 'bias': tolist(bias)},
    }

    # 1. gen_coefficients of both generations
    coeffs = []
    for T in (10, 100):
        for schedule in ('increased', 'decreased', 'average'):
            coeffs.append({'source': 'rddm-exp2', 'schedule': schedule, 'T': T, 'sum_scale': 1, 'ratio': 1,
                           'values': tolist(rddm.gen_coefficients(T, schedule=schedule))})
        for schedule, ratio, sum_scale in (('increased', 1, 1), ('decreased', 1, 1), ('increased', 2, 0.01),
                                           ('decreased', 3, 1), ('average', 1, 0.01), ('normal', 1, 1)):
            for label, mod in (('rddm-family', family), ('diffuir', diffuir)):
                coeffs.append({'source': label, 'schedule': schedule, 'T': T, 'sum_scale': sum_scale, 'ratio': ratio,
                               'values': tolist(mod.gen_coefficients(T, schedule=schedule, sum_scale=sum_scale, ratio=ratio))})
    out['gen_coefficients'] = coeffs

    # 2. buffers
    def rddm_inst(heads, T=1000, nfe=10, objective='pred_res_noise', condition=True, sum_scale=None, eta=0.0, image_size=6):
        net = RandomConvNet(weight, bias, heads)
        inst = rddm.ResidualDiffusion(net, image_size=image_size, timesteps=T, sampling_timesteps=nfe, objective=objective,
                                      condition=condition, sum_scale=sum_scale)
        inst.ddim_sampling_eta = eta  # condition=True forces η = 0 in __init__; set it after construction
        return inst, net

    buffers = {}
    for T, sum_scale in ((1000, 0.01), (10, 0.01), (10, 1.0)):
        inst, _ = rddm_inst('res', T=T, sum_scale=sum_scale, nfe=min(5, T - 1))
        buffers[f'rddm T={T} sum_scale={sum_scale}'] = {k: tolist(getattr(inst, k)) for k in
                                                         ('alphas_cumsum', 'betas2_cumsum', 'betas_cumsum', 'one_minus_alphas_cumsum')}

    def diffuir_inst(heads, objective, test_res_or_noise, nfe, eta=0.0, delta_end=1.8e-3, sum_scale=0.01):
        pick = {'pred_res': 0, 'pred_noise': 1}.get(objective)
        net = RandomConvNet(weight, bias, heads, time_pick=pick)
        inst = diffuir.ResidualDiffusion(net, image_size=256, timesteps=1000, delta_end=delta_end, sampling_timesteps=nfe,
                                         ddim_sampling_eta=eta, objective=objective, condition=True, sum_scale=sum_scale,
                                         test_res_or_noise=test_res_or_noise)
        inst.init()  # as Trainer.test does
        return inst, net

    inst, _ = diffuir_inst('res', 'pred_res', 'res', 3)
    buffers['diffuir delta_end=0.0018'] = {k: tolist(getattr(inst, k)) for k in
                                           ('alphas_cumsum', 'betas2_cumsum', 'betas_cumsum', 'delta_cumsum')}
    out['buffers'] = buffers
    # q_sample (forward marginal) of both, for fixed x₀, μ, ε
    g2 = torch.Generator().manual_seed(11)
    x0 = torch.rand(mu01_nchw.shape, generator=g2) * 2 - 1
    eps = torch.randn(mu01_nchw.shape, generator=g2)
    mu_m11 = mu01_nchw * 2 - 1
    q = {'x0': nhwc(x0), 'noise': nhwc(eps), 'rddm': [], 'diffuir': []}
    inst_r, _ = rddm_inst('res', nfe=5)
    for t in (0, 500, 999):
        tt = torch.full((2,), t, dtype=torch.long)
        q['rddm'].append({'t': t, 'xt': nhwc(inst_r.q_sample(x0, mu_m11 - x0, tt, noise=eps))})
        q['diffuir'].append({'t': t, 'xt': nhwc(inst.q_sample(x0, mu_m11 - x0, mu_m11, tt, noise=eps))})
    out['q_sample'] = q

    # 3. RDDM ddim_sample (experiment 2)
    samples = []
    mu = [mu01_nchw.clone()]  # sample() maps [0, 1] to [-1, 1] itself; ddim_sample is given [-1, 1]
    cases = []
    for objective, heads in (('pred_res', 'res'), ('pred_noise', 'noise'), ('pred_res_noise', 'res_noise')):
        for nfe in (1, 2, 5, 10):
            cases.append((objective, heads, nfe, 0.0))
        cases.append((objective, heads, 5, 0.5))
        cases.append((objective, heads, 10, 1.0))
    seed = 100
    for objective, heads, nfe, eta in cases:
        inst, net = rddm_inst(heads, nfe=nfe, objective=objective, eta=eta)
        seed += 1
        with NoiseRecorder(seed) as rec:
            traj = inst.ddim_sample([mu[0] * 2 - 1], tuple(mu[0].shape), last=(nfe != 5))
        entry = {'family': 'rddm', 'objective': objective, 'nfe': nfe, 'eta': eta, 'T': 1000, 'sum_scale': 0.01,
                 'noise': rec.draws, 'times': net.times, 'output01': nhwc(traj[-1])}
        if nfe == 5:
            entry['trajectory01'] = [nhwc(s) for s in traj]
        samples.append(entry)
    # generation (μ = 0, sum_scale = 1, start from pure noise)
    for objective, heads, nfe, eta in (('pred_res_noise', 'res_noise', 10, 0.0), ('pred_noise', 'noise', 10, 0.0),
                                       ('pred_res_noise', 'res_noise', 10, 1.0)):
        inst, net = rddm_inst(heads, nfe=nfe, objective=objective, eta=eta, condition=False)
        seed += 1
        with NoiseRecorder(seed) as rec:
            traj = inst.sample(x_input=[0], batch_size=2, last=True)
        samples.append({'family': 'rddm-generation', 'objective': objective, 'nfe': nfe, 'eta': eta, 'T': 1000, 'sum_scale': 1.0,
                        'shape_nhwc': [2, 6, 6, 3], 'noise': rec.draws, 'times': net.times, 'output01': nhwc(traj[-1])})

    # official sample() with sampling_timesteps == T runs the ancestral p_sample_loop (posterior mean + variance)
    for objective, heads in (('pred_res', 'res'), ('pred_noise', 'noise'), ('pred_res_noise', 'res_noise')):
        inst, net = rddm_inst(heads, T=20, nfe=20, objective=objective)
        seed += 1
        with NoiseRecorder(seed) as rec:
            traj = inst.sample(x_input=[mu[0][:1].clone()], last=True)
        samples.append({'family': 'rddm-ancestral', 'objective': objective, 'nfe': 20, 'eta': 1.0, 'T': 20, 'sum_scale': 0.01,
                        'noise': rec.draws, 'times': net.times, 'output01': nhwc(traj[-1])})

    # 4. DiffUIR ddim_sample (its test settings, then variants)
    for objective, test_mode, heads, nfe, eta, delta_end in (
            ('pred_res', 'res', 'res', 3, 0.0, 1.8e-3),
            ('pred_res', 'res', 'res', 5, 0.0, 1.8e-3),
            ('pred_res', 'res', 'res', 3, 0.0, 1.5e-3),
            ('pred_noise', 'noise', 'noise', 3, 0.0, 1.8e-3),
            ('pred_res', 'res', 'res', 5, 0.5, 1.8e-3)):
        inst, net = diffuir_inst(heads, objective, test_mode, nfe, eta=eta, delta_end=delta_end)
        seed += 1
        with NoiseRecorder(seed) as rec:
            traj = inst.sample(mu01_nchw.clone(), batch_size=1, last=True)
        samples.append({'family': 'diffuir', 'objective': objective, 'nfe': nfe, 'eta': eta, 'T': 1000, 'sum_scale': 0.01,
                        'delta_end': delta_end, 'noise': rec.draws, 'times': net.times,
                        'output01': nhwc(traj[-1]), 'trajectory01': [nhwc(s) for s in traj]})
    out['samples'] = samples

    # 5. DDIM <-> RDDM for generation: DDPM linear betas, ᾱ^RDDM = 1 − √ā, β̄² = 1 − ā, SM-N (ε-network)
    T = 1000
    betas = torch.linspace(1e-4, 0.02, T, dtype=torch.float32)
    abar = torch.cumprod(1 - betas, dim=0)
    ddim = []
    for nfe, clip in ((10, False), (10, True), (50, False)):
        inst, net = rddm_inst('noise', nfe=nfe, objective='pred_noise', condition=False, sum_scale=1.0)
        inst.alphas_cumsum = (1 - abar.sqrt()).float()
        inst.betas2_cumsum = (1 - abar).float()
        inst.betas_cumsum = (1 - abar).sqrt().float()
        inst.one_minus_alphas_cumsum = abar.sqrt().float()  # the true 1 − ᾱ (the official 1e-6 endpoint hack undone)
        if not clip:
            mp = inst.model_predictions
            inst.model_predictions = lambda *a, **k: mp(*a, **{**k, 'clip_denoised': False})
        seed += 1
        with NoiseRecorder(seed) as rec:
            rddm_out = inst.sample(x_input=[0], batch_size=2, last=True)[-1] * 2 - 1
        # DDIM (Song et al. 2021, η = 0) on the same grid with the same network and start noise
        x = torch.tensor(np.array(rec.draws[0]), dtype=torch.float32).reshape(2, 6, 6, 3).permute(0, 3, 1, 2)
        times = list(reversed(torch.linspace(-1, T - 1, steps=nfe + 1).int().tolist()))
        for t, tn in zip(times[:-1], times[1:]):
            eps = net(x, torch.full((2,), t, dtype=torch.long))[0]
            x0 = (x - (1 - abar[t]).sqrt() * eps) / abar[t].sqrt()
            if clip:
                x0 = x0.clamp(-1, 1)
            x = x0 if tn < 0 else abar[tn].sqrt() * x0 + (1 - abar[tn]).sqrt() * eps
        ddim.append({'nfe': nfe, 'clip': clip, 'noise': rec.draws, 'rddm_official': nhwc(rddm_out), 'ddim_torch': nhwc(x),
                     'max_abs_diff': float((rddm_out - x).abs().max())})
    out['ddim_vs_rddm'] = {'betas': 'linear 1e-4..0.02', 'T': T, 'abar': tolist(abar), 'cases': ddim}

    # 6. DiffUIR's low-light histogram equalisation (cv2.equalizeHist per channel)
    import cv2
    bgr = cv2.imread(args.photo, cv2.IMREAD_COLOR)
    crop = (bgr[0:24, 0:32] // 4).astype(np.uint8)  # darkened crop, as a low-light input
    eq = cv2.merge([cv2.equalizeHist(c) for c in cv2.split(crop)])
    out['equalize_hist'] = {'shape_hwc': list(crop.shape), 'rgb_in': crop[..., ::-1].reshape(-1).tolist(),
                            'rgb_out': eq[..., ::-1].reshape(-1).tolist()}

    with open(args.out, 'w') as f:
        json.dump(out, f)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
