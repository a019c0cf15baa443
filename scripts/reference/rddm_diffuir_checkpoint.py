#!/usr/bin/env python3
"""End-to-end golden values for a DiffUIR checkpoint: the official DiffUIR test path (src/model.py:
UnetRes + ResidualDiffusion after Trainer.test's init(), ema weights, its published test settings) on a
small trainer-format checkpoint, with its loader's low-light equalisation applied to the input.

Usage (the official file is never committed here):
  git -C <DiffUIR clone> show HEAD:src/model.py > /tmp/diffuir_model.py
  /usr/bin/python3 scripts/reference/rddm_diffuir_checkpoint.py --diffuir /tmp/diffuir_model.py \
      --checkpoint test/fixtures/models/unet_d8_m1_trainer.pt --out test/fixtures/rddm/diffuir_checkpoint.json

The checkpoint is DiffUIR's trainer layout {step, model: model.unet0.*, ema: {online_model.*, ema_model.model.unet0.*}}
(test/fixtures/models/unet_d8_m1_trainer.pt, written by scripts/reference/models_fixtures.py); the official
Trainer.load + test() sample with ema.ema_model, so the ema_model weights are loaded here.
einops is replaced by the stand-in of scripts/reference/models_official_unet.py; other training-only imports are stubbed.
"""
import argparse
import json
import os
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from models_official_unet import _rearrange, _reduce  # noqa: E402
from rddm_parity import NoiseRecorder, load, nhwc  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--diffuir', required=True, help='DiffUIR src/model.py')
    ap.add_argument('--checkpoint', required=True, help='trainer-format .pt (DiffUIR layout)')
    ap.add_argument('--photo', default='data/photos/chelsea.png')
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    mod = load(args.diffuir, 'diffuir_e2e')
    mod.rearrange, mod.reduce = _rearrange, _reduce

    data = torch.load(args.checkpoint, map_location='cpu')
    prefix = 'ema_model.model.'
    state = {k[len(prefix):]: v for k, v in data['ema'].items() if k.startswith(prefix)}
    dim = state['unet0.init_conv.weight'].shape[0]
    mults = tuple(int(state[f'unet0.downs.{i}.0.block1.proj.weight'].shape[0] // dim) for i in range(len({k.split('.')[2] for k in state if k.startswith('unet0.downs.')})))

    # DiffUIR's low-light loader: RGB -> BGR, cv2.equalizeHist per channel (path contains 'LOL'), BGR -> RGB, to [0, 1]
    bgr = cv2.imread(args.photo, cv2.IMREAD_COLOR)
    low = (bgr[60:73, 90:108] // 5).astype(np.uint8)  # a darkened 13×18 crop: odd sizes exercise reflect padding
    eq = cv2.merge([cv2.equalizeHist(c) for c in cv2.split(low)])
    condition = torch.from_numpy(np.ascontiguousarray(eq[..., ::-1])).float().div(255).permute(2, 0, 1)[None]

    cases = []
    for objective, test_mode, nfe in (('pred_res', 'res', 3), ('pred_res', 'res', 5), ('pred_noise', 'noise', 3)):
        unet = mod.UnetRes(dim=dim, dim_mults=mults, condition=True, objective=objective, test_res_or_noise=test_mode)
        unet.load_state_dict(state)
        unet.eval()
        diffusion = mod.ResidualDiffusion(unet, image_size=256, timesteps=1000, delta_end=1.8e-3, sampling_timesteps=nfe,
                                          ddim_sampling_eta=0.0, objective=objective, loss_type='l1', condition=True,
                                          sum_scale=0.01, test_res_or_noise=test_mode)
        diffusion.init()  # as Trainer.test
        diffusion.eval()
        with NoiseRecorder(1000 + nfe) as rec, torch.no_grad():
            out = diffusion.sample(condition.clone(), batch_size=1, last=True)
        cases.append({'objective': objective, 'nfe': nfe, 'noise': rec.draws, 'output01': nhwc(out[-1]),
                      'output_u8': [int(v) for v in (out[-1].clamp(0, 1) * 255).round().permute(0, 2, 3, 1).reshape(-1).tolist()]})
    result = {
        'generator': 'scripts/reference/rddm_diffuir_checkpoint.py',
        'torch': torch.__version__,
        'checkpoint': args.checkpoint,
        'config': {'dim': dim, 'dimMults': list(mults)},
        'low_rgb_u8': low[..., ::-1].reshape(-1).tolist(),
        'shape_hwc': list(low.shape),
        'cases': cases,
    }
    with open(args.out, 'w') as f:
        json.dump(result, f)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
