"""Golden values for test/models: the official U-Net (DiffUIR src/model.py, loaded by path or
from the mirror, see models_official_unet.py) in PyTorch 1.13 (Debian python3-torch).

Writes to test/fixtures/models/:
  unet_d8_m12_state.pt     plain state dict, dim 8, mults 1-2 (norm weights perturbed so the test sees them)
  unet_d8_m12_io.json      x_t, μ (NHWC, 2×13×18×3: odd sizes exercise reflect padding), t, output
  unet_d8_m12_grads.json   loss L1(output, μ) and its gradient for selected parameters (PyTorch layout)
  unet_d8_m1_trainer.pt    trainer dict {step, model: model.unet0.*, ema: {online_model.*, ema_model.model.unet0.*}}
                           whose `model` weights differ from the EMA ones (the loader must prefer EMA)
  unet_d8_m1_module.pt     plain state dict with DataParallel's `module.` prefix (same weights as the EMA ones)
  unet_d8_m1_io.json       the EMA network's output on the same input
  unet_T_formula_io.json   preset T (depth 4) with formula weights (no .pt needed): names, input 21×27, output
  param_counts.json        PyTorch parameter counts of every preset and DiffUIR size

Run: /usr/bin/python3 scripts/reference/models_fixtures.py [path/to/diffuir/src/model.py]
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from models_official_unet import load_official  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'models')
official = load_official(sys.argv[1] if len(sys.argv) > 1 else None)


def build(dim, mults, seed):
    torch.manual_seed(seed)
    net = official.Unet(dim, dim_mults=mults, condition=True)
    with torch.no_grad():
        for name, p in net.named_parameters():
            if '.norm.' in name or name.endswith('.g'):
                p.add_(0.2 * torch.randn_like(p))
    return net.eval()


def nhwc(t):
    return t.permute(0, 2, 3, 1).contiguous().reshape(-1).tolist()


def run(net, xt, mu, t):
    with torch.no_grad():
        return net(torch.cat([xt, mu], 1), t)


torch.manual_seed(123)
xt = torch.rand(2, 3, 13, 18) * 2 - 1
mu = torch.rand(2, 3, 13, 18) * 2 - 1
t = torch.tensor([3, 71])
io_common = {'shape': [2, 13, 18, 3], 't': t.tolist(), 'xt': nhwc(xt), 'mu': nhwc(mu)}

net = build(8, (1, 2), 0)
torch.save(net.state_dict(), os.path.join(OUT, 'unet_d8_m12_state.pt'))
out = run(net, xt, mu, t)
with open(os.path.join(OUT, 'unet_d8_m12_io.json'), 'w') as f:
    json.dump({'config': {'dim': 8, 'dimMults': [1, 2]}, **io_common, 'out': nhwc(out), 'torch': torch.__version__}, f)

# Gradients of the L1 training loss |net(x_t ‖ μ, t) − μ|₁ (mean) for selected parameters, in
# PyTorch layout: checks TF.js autodiff through every block type (incl. the strided 4×4 downsample).
GRAD_PARAMS = ['init_conv.weight', 'init_conv.bias', 'time_mlp.1.weight', 'downs.0.0.block1.proj.weight',
               'downs.0.0.block1.norm.weight', 'downs.0.0.mlp.1.weight', 'downs.0.2.fn.norm.g',
               'downs.0.2.fn.fn.to_qkv.weight', 'downs.0.2.fn.fn.to_out.1.g', 'downs.0.3.weight',
               'mid_attn.fn.fn.to_qkv.weight', 'mid_attn.fn.fn.to_out.weight', 'ups.0.0.block1.proj.weight',
               'ups.0.0.res_conv.weight', 'ups.0.3.1.weight', 'final_res_block.block2.norm.bias', 'final_conv.weight']
net.zero_grad()
loss = (net(torch.cat([xt, mu], 1), t) - mu).abs().mean()
loss.backward()
named = dict(net.named_parameters())
with open(os.path.join(OUT, 'unet_d8_m12_grads.json'), 'w') as f:
    json.dump({'loss': loss.item(), 'target': 'mu', 'grads': {k: {'shape': list(named[k].shape), 'values': [float('%.8g' % v) for v in named[k].grad.reshape(-1).tolist()]} for k in GRAD_PARAMS}}, f)

ema = build(8, (1,), 1)
online = build(8, (1,), 2)
ema_sd = ema.state_dict()
online_sd = online.state_dict()
trainer = {
    'step': 7,
    'model': {**{f'model.unet0.{k}': v for k, v in online_sd.items()}, 'model.Theta': torch.linspace(1, 0, 5)},
    'ema': {'initted': torch.tensor([True]), 'step': torch.tensor([7]),
            **{f'online_model.model.unet0.{k}': v for k, v in online_sd.items()},
            **{f'ema_model.model.unet0.{k}': v for k, v in ema_sd.items()}},
    'opt': None,
    'scaler': None,
}
torch.save(trainer, os.path.join(OUT, 'unet_d8_m1_trainer.pt'))
torch.save({f'module.{k}': v for k, v in ema_sd.items()}, os.path.join(OUT, 'unet_d8_m1_module.pt'))
with open(os.path.join(OUT, 'unet_d8_m1_io.json'), 'w') as f:
    json.dump({'config': {'dim': 8, 'dimMults': [1]}, **io_common, 'out': nhwc(run(ema, xt, mu, t)), 'torch': torch.__version__}, f)

SIZES = {'T': (8, (1, 2, 3, 6)), 'S': (16, (1, 2, 3, 4)), 'B': (24, (1, 4, 4, 4)), 'L': (32, (1, 3, 4, 4, 4)),
         'diffuir-0.89M': (32, (1, 1, 1, 1)), 'diffuir-3.27M': (32, (1, 2, 2, 4)),
         'diffuir-12.41M': (64, (1, 2, 2, 4)), 'diffuir-36.26M': (64, (1, 2, 4, 8)), 'tiny': (8, (1, 2))}
counts = {name: {'dim': d, 'dimMults': list(m),
                 'params': sum(p.numel() for p in official.Unet(d, dim_mults=m, condition=True).parameters())}
          for name, (d, m) in SIZES.items()}
with open(os.path.join(OUT, 'param_counts.json'), 'w') as f:
    json.dump({'source': 'official Unet (DiffUIR src/model.py), condition=True, channels=3', 'torch': torch.__version__, 'counts': counts}, f, indent=1)
print('wrote', sorted(os.listdir(OUT)))

# Error-path fixtures: a valid torch.save file that holds no U-Net, and one whose pickle asks for
# os.system (the loader must refuse the global without running anything).
torch.save({'linear.weight': torch.zeros(2, 2), 'linear.bias': torch.zeros(2)}, os.path.join(OUT, 'not_unet.pt'))


class Evil:
    def __reduce__(self):
        return (os.system, ('echo pwned',))


torch.save({'init_conv.weight': torch.zeros(1), 'x': Evil()}, os.path.join(OUT, 'evil.pt'))
print('wrote error-path fixtures')

# Preset T (depth 4, mults 1-2-3-6) without storing its 1.8 MB of weights: every parameter is a
# formula of its position in the state dict (k) and its flat index (i), rebuilt identically by the
# test. 21×27 input: reflect padding to 32×32.
def formula_weights(net):
    with torch.no_grad():
        for k, (name, p) in enumerate(net.named_parameters()):
            i = torch.arange(p.numel(), dtype=torch.float64)
            wave = torch.sin(1.3 * i + 0.7 * k)
            if '.norm.' in name or name.endswith('.g'):
                value = 1 + 0.1 * wave if name.endswith('weight') or name.endswith('.g') else 0.1 * wave
            else:
                fan_in = p[0].numel() if p.dim() > 1 else 16
                value = wave / math.sqrt(fan_in)
            p.copy_(value.reshape(p.shape).to(torch.float32))
    return net


import math  # noqa: E402

t_net = formula_weights(official.Unet(8, dim_mults=(1, 2, 3, 6), condition=True)).eval()
torch.manual_seed(321)
xt_t = torch.rand(1, 3, 21, 27) * 2 - 1
mu_t = torch.rand(1, 3, 21, 27) * 2 - 1
with torch.no_grad():
    out_t = t_net(torch.cat([xt_t, mu_t], 1), torch.tensor([55]))
with open(os.path.join(OUT, 'unet_T_formula_io.json'), 'w') as f:
    json.dump({'config': {'dim': 8, 'dimMults': [1, 2, 3, 6]}, 'shape': [1, 21, 27, 3], 't': [55],
               'weights': 'p_k[i] = sin(1.3 i + 0.7 k) / sqrt(fan_in) (fan_in = numel / out for weights, 16 for biases); norm weights and g 1 + 0.1 sin(...), norm biases 0.1 sin(...); k = index in named_parameters()',
               'names': [n for n, _ in t_net.named_parameters()],
               'xt': [float('%.8g' % v) for v in nhwc(xt_t)], 'mu': [float('%.8g' % v) for v in nhwc(mu_t)], 'out': nhwc(out_t), 'torch': torch.__version__}, f)
print('wrote unet_T_formula_io.json')
