"""Loads the official lucidrains-style conditional U-Net (DiffUIR src/model.py, identical in
DGSolver code/model.py) from a path given at run time, without its training-only imports.

The official file is never copied into this repository: we read it, keep its module-level
helpers and network classes (from `def exists` up to `def extract`), and execute them with
torch and a minimal einops stand-in for exactly the patterns those classes use.

    from models_official_unet import load_official
    Unet = load_official('/tmp/diffuir_model.py').Unet

Export the file with:
    git -C <DiffUIR clone> show HEAD:src/model.py > /tmp/diffuir_model.py
"""
import math
import os
import subprocess
import sys
import types
from functools import partial

import torch
import torch.nn.functional as F
from torch import einsum, nn



def _rearrange(t, pattern, **axes):
    if pattern == 'b c -> b c 1 1':
        return t[:, :, None, None]
    if pattern == 'b (h c) x y -> b h c (x y)':
        b, _, x, y = t.shape
        return t.reshape(b, axes['h'], -1, x * y)
    if pattern == 'b h c (x y) -> b (h c) x y':
        b, h, c, _ = t.shape
        return t.reshape(b, h * c, axes['x'], axes['y'])
    if pattern == 'b h (x y) d -> b (h d) x y':
        b, h, _, d = t.shape
        return t.permute(0, 1, 3, 2).reshape(b, h * d, axes['x'], axes['y'])
    if pattern == 'b -> b 1':
        return t[:, None]
    if pattern == 'd -> 1 d':
        return t[None]
    raise NotImplementedError(f'einops stand-in: pattern {pattern!r}')


def _reduce(t, pattern, reduction):
    if pattern != 'o ... -> o 1 1 1':
        raise NotImplementedError(f'einops stand-in: pattern {pattern!r}')
    flat = t.reshape(t.shape[0], -1)
    r = flat.mean(dim=1) if reduction == 'mean' else reduction(flat, 1)
    return r.view(-1, 1, 1, 1)


def official_source(path=None):
    if path:
        with open(path, encoding='utf-8') as f:
            return f.read()
    mirror = os.environ.get('DIFFUIR_MIRROR')
    if not mirror:
        sys.exit('models_official_unet: pass the official DiffUIR src/model.py path (RDBM_UNET_PY) or set DIFFUIR_MIRROR to a DiffUIR git clone')
    return subprocess.run(['git', '-C', mirror, 'show', 'HEAD:src/model.py'],
                          check=True, capture_output=True, text=True).stdout


def load_official(path=None):
    src = official_source(path)
    start = src.index('\ndef exists(')
    end = src.index('\ndef extract(')
    ns = {'math': math, 'torch': torch, 'nn': nn, 'F': F, 'einsum': einsum, 'partial': partial,
          'rearrange': _rearrange, 'reduce': _reduce, '__name__': 'official_unet'}
    exec(compile(src[start:end], path or 'official:src/model.py', 'exec'), ns)  # noqa: S102 (trusted local file)
    return types.SimpleNamespace(**ns)
