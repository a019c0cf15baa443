#!/usr/bin/env python3
"""End-to-end golden values for an RDDM restoration checkpoint (RDDM experiment 2, deraining: UnetRes with
share_encoder=0, i.e. two U-Nets — unet0 predicts the residual, unet1 the noise — objective pred_res_noise,
sum_scale 1, T = 1000, integer time input), sampled by the official ResidualDiffusion.sample (ema model).

Writes a small trainer-format checkpoint {step, ema: {ema_model.model.unet0.*, ema_model.model.unet1.*, buffers}}
with seeded random weights (dim 8, mults (1,)) and the official outputs for it.

Usage (the official file is never committed here):
  git -C <RDDM clone> show HEAD:experiments/2_Image_Restoration_deraing_raindrop_noise1/src/residual_denoising_diffusion_pytorch.py > /tmp/rddm_exp2.py
  /usr/bin/python3 scripts/reference/rddm_checkpoint.py --rddm /tmp/rddm_exp2.py \
      --pt test/fixtures/rddm/rddm_d8_m1_trainer.pt --out test/fixtures/rddm/rddm_checkpoint.json
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from models_official_unet import _rearrange, _reduce  # noqa: E402
from rddm_parity import NoiseRecorder, load, nhwc  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--rddm', required=True)
    ap.add_argument('--photo', default='data/photos/chelsea.png')
    ap.add_argument('--pt', required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    mod = load(args.rddm, 'rddm_e2e')
    mod.rearrange, mod.reduce = _rearrange, _reduce

    torch.manual_seed(21)
    unet = mod.UnetRes(dim=8, dim_mults=(1,), share_encoder=0, condition=True)
    with torch.no_grad():
        for name, p in unet.named_parameters():
            if '.norm.' in name or name.endswith('.g'):
                p.add_(0.2 * torch.randn_like(p))
    cases = []
    import cv2
    bgr = cv2.imread(args.photo, cv2.IMREAD_COLOR)
    crop = torch.from_numpy(np.ascontiguousarray(bgr[120:132, 150:166, ::-1])).float().div(255).permute(2, 0, 1)[None]
    for nfe in (5, 10):
        diffusion = mod.ResidualDiffusion(unet, image_size=256, timesteps=1000, sampling_timesteps=nfe, objective='pred_res_noise',
                                          loss_type='l1', condition=True, sum_scale=1)
        diffusion.eval()
        with NoiseRecorder(500 + nfe) as rec, torch.no_grad():
            out = diffusion.sample(x_input=[crop.clone()], last=True)
        cases.append({'nfe': nfe, 'noise': rec.draws, 'output01': nhwc(out[-1])})
    state = diffusion.state_dict()
    torch.save({'step': 5, 'ema': {'initted': torch.tensor([True]), 'step': torch.tensor([5]),
                                   **{f'ema_model.{k}': v for k, v in state.items()}}}, args.pt)
    with open(args.out, 'w') as f:
        json.dump({'generator': 'scripts/reference/rddm_checkpoint.py', 'torch': torch.__version__, 'checkpoint': args.pt,
                   'config': {'dim': 8, 'dimMults': [1]}, 'mu01_nhwc': nhwc(crop), 'shape_nhwc': [1, 12, 16, 3], 'cases': cases}, f)
    print(f'wrote {args.pt} and {args.out}')


if __name__ == '__main__':
    main()
