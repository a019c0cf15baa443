/**
 * The U-Net's parameter list, named exactly like the PyTorch state-dict keys of the official
 * `Unet` (e.g. `downs.0.2.fn.fn.to_qkv.weight`), with both layouts:
 *   torchShape: PyTorch (conv OIHW, linear [out, in], LayerNorm g [1, C, 1, 1])
 *   shape:      ours, NHWC-friendly (conv HWIO, linear [in, out], g [C])
 * Importing a state dict is then a rename-free transpose.
 */
import { type UNetConfig, inputChannels } from './config.js';

export type ParamKind = 'conv' | 'linear' | 'bias' | 'norm-weight' | 'norm-bias' | 'layernorm-g';

export interface ParamSpec {
  readonly name: string;
  readonly kind: ParamKind;
  /** our layout */
  readonly shape: readonly number[];
  /** PyTorch layout */
  readonly torchShape: readonly number[];
  /** fan-in for PyTorch's default init (kaiming_uniform a=√5 → U(±1/√fan_in)) */
  readonly fanIn: number;
}

/** Widths the network is built from (official names: init_dim, dims, in_out, time_dim, mid_dim). */
export function unetDims(config: UNetConfig) {
  const dims = [config.dim, ...config.dimMults.map((m) => config.dim * m)];
  const inOut = dims.slice(0, -1).map((d, i) => [d, dims[i + 1]] as const);
  return { dims, inOut, timeDim: config.dim * 4, midDim: dims[dims.length - 1], hidden: config.attnHeads * config.attnDimHead };
}

export function parameterSpecs(config: UNetConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  const { inOut, timeDim, midDim, hidden } = unetDims(config);
  const conv = (name: string, cin: number, cout: number, k: number, bias = true) => {
    specs.push({ name: `${name}.weight`, kind: 'conv', shape: [k, k, cin, cout], torchShape: [cout, cin, k, k], fanIn: cin * k * k });
    if (bias) specs.push({ name: `${name}.bias`, kind: 'bias', shape: [cout], torchShape: [cout], fanIn: cin * k * k });
  };
  const linear = (name: string, cin: number, cout: number) => {
    specs.push({ name: `${name}.weight`, kind: 'linear', shape: [cin, cout], torchShape: [cout, cin], fanIn: cin });
    specs.push({ name: `${name}.bias`, kind: 'bias', shape: [cout], torchShape: [cout], fanIn: cin });
  };
  const groupNorm = (name: string, c: number) => {
    specs.push({ name: `${name}.weight`, kind: 'norm-weight', shape: [c], torchShape: [c], fanIn: 0 });
    specs.push({ name: `${name}.bias`, kind: 'norm-bias', shape: [c], torchShape: [c], fanIn: 0 });
  };
  const layerNorm = (name: string, c: number) => specs.push({ name: `${name}.g`, kind: 'layernorm-g', shape: [c], torchShape: [1, c, 1, 1], fanIn: 0 });
  const resnet = (name: string, cin: number, cout: number) => {
    linear(`${name}.mlp.1`, timeDim, cout * 2);
    conv(`${name}.block1.proj`, cin, cout, 3);
    groupNorm(`${name}.block1.norm`, cout);
    conv(`${name}.block2.proj`, cout, cout, 3);
    groupNorm(`${name}.block2.norm`, cout);
    if (cin !== cout) conv(`${name}.res_conv`, cin, cout, 1);
  };
  const linearAttention = (name: string, c: number) => {
    layerNorm(`${name}.fn.norm`, c);
    conv(`${name}.fn.fn.to_qkv`, c, hidden * 3, 1, false);
    conv(`${name}.fn.fn.to_out.0`, hidden, c, 1);
    layerNorm(`${name}.fn.fn.to_out.1`, c);
  };

  conv('init_conv', inputChannels(config), config.dim, 7);
  linear('time_mlp.1', config.dim, timeDim);
  linear('time_mlp.3', timeDim, timeDim);
  inOut.forEach(([din, dout], i) => {
    const last = i === inOut.length - 1;
    resnet(`downs.${i}.0`, din, din);
    resnet(`downs.${i}.1`, din, din);
    linearAttention(`downs.${i}.2`, din);
    conv(`downs.${i}.3`, din, dout, last ? 3 : 4);
  });
  resnet('mid_block1', midDim, midDim);
  layerNorm('mid_attn.fn.norm', midDim);
  conv('mid_attn.fn.fn.to_qkv', midDim, hidden * 3, 1, false);
  conv('mid_attn.fn.fn.to_out', hidden, midDim, 1);
  resnet('mid_block2', midDim, midDim);
  [...inOut].reverse().forEach(([din, dout], i) => {
    const last = i === inOut.length - 1;
    resnet(`ups.${i}.0`, dout + din, dout);
    resnet(`ups.${i}.1`, dout + din, dout);
    linearAttention(`ups.${i}.2`, dout);
    conv(last ? `ups.${i}.3` : `ups.${i}.3.1`, dout, din, 3);
  });
  resnet('final_res_block', config.dim * 2, config.dim);
  conv('final_conv', config.dim, config.channels, 1);
  return specs;
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Number of trainable parameters (equals PyTorch's `sum(p.numel() for p in unet.parameters())`). */
export function countParams(config: UNetConfig): number {
  return parameterSpecs(config).reduce((n, s) => n + size(s.shape), 0);
}

/**
 * Multiply-accumulates of one forward pass on an h×w input (after reflect padding to a multiple
 * of 2^depth), batch 1. Counts convolutions, linear layers and the attention matrix products
 * (thop, used by DiffUIR, counts convs and linears only; `convAndLinear` gives that figure).
 */
export function countMacs(config: UNetConfig, h: number, w: number): { total: number; convAndLinear: number; attention: number } {
  const s = 2 ** config.dimMults.length;
  let H = Math.ceil(h / s) * s;
  let W = Math.ceil(w / s) * s;
  const { inOut, timeDim, midDim, hidden } = unetDims(config);
  let convs = 0;
  let attn = 0;
  const conv = (cin: number, cout: number, k: number, hh = H, ww = W) => (convs += hh * ww * cin * cout * k * k);
  const resnet = (cin: number, cout: number) => {
    convs += timeDim * cout * 2;
    conv(cin, cout, 3);
    conv(cout, cout, 3);
    if (cin !== cout) conv(cin, cout, 1);
  };
  const linAttn = (c: number) => {
    conv(c, hidden * 3, 1);
    conv(hidden, c, 1);
    attn += 2 * H * W * hidden * config.attnDimHead; // context = k vᵀ and out = contextᵀ q, per head dh×dh×N
  };
  conv(inputChannels(config), config.dim, 7);
  convs += config.dim * timeDim + timeDim * timeDim;
  inOut.forEach(([din, dout], i) => {
    resnet(din, din);
    resnet(din, din);
    linAttn(din);
    if (i === inOut.length - 1) conv(din, dout, 3);
    else {
      conv(din, dout, 4, H / 2, W / 2);
      H /= 2;
      W /= 2;
    }
  });
  resnet(midDim, midDim);
  conv(midDim, hidden * 3, 1);
  conv(hidden, midDim, 1);
  attn += 2 * (H * W) ** 2 * hidden;
  resnet(midDim, midDim);
  [...inOut].reverse().forEach(([din, dout], i) => {
    resnet(dout + din, dout);
    resnet(dout + din, dout);
    linAttn(dout);
    if (i === inOut.length - 1) conv(dout, din, 3);
    else {
      H *= 2;
      W *= 2;
      conv(dout, din, 3);
    }
  });
  resnet(config.dim * 2, config.dim);
  conv(config.dim, config.channels, 1);
  return { total: convs + attn, convAndLinear: convs, attention: attn };
}
