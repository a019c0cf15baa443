/**
 * From the tensors of a PyTorch file to our U-Net parameters: choose the U-Net inside a trainer
 * dict (EMA weights preferred), infer the architecture from tensor shapes, check names and shapes
 * (missing and unexpected tensors listed), and transpose to our layout.
 */
import { RdbmError } from '../../errors.js';
import { type UNetConfig, unetConfig } from '../config.js';
import { type ParamSpec, parameterSpecs } from '../spec.js';
import type { TorchTensor } from './pt.js';

const ANCHOR = 'init_conv.weight';

/** Lower is preferred: EMA copies first (ema_pytorch keeps `ema_model.` next to `online_model.`). */
function prefixRank(prefix: string): number {
  if (/(^|\.)ema_model\./.test(prefix) || /^params_ema\./.test(prefix)) return 0;
  if (/^ema\./.test(prefix) && !/online_model\./.test(prefix)) return 1;
  if (/online_model\./.test(prefix)) return 3;
  return 2;
}

/** Whether prefix `p` (e.g. `ema.ema_model.model.unet0.`) is named by `selector` (`unet0.`, `unet0`, or the whole prefix). */
function matchesSelector(p: string, selector: string): boolean {
  const sel = selector === '' || selector.endsWith('.') ? selector : `${selector}.`;
  return p === sel || p.endsWith(`.${sel}`);
}

/**
 * The U-Net's tensors (prefix stripped) and the prefix chosen, e.g. `ema.ema_model.model.unet0.`.
 * EMA copies are preferred over online weights. A file holding several distinct U-Nets at the
 * preferred rank (RDDM's two-U-Net UnetRes: `unet0.` residual, `unet1.` noise) is refused, listing the
 * prefixes, unless `selector` (e.g. `unet0.`) names one: picking the first silently would load the wrong head.
 */
export function selectUNetTensors(all: ReadonlyMap<string, TorchTensor>, source: string, selector?: string): { tensors: Map<string, TorchTensor>; prefix: string } {
  const found = [...all.keys()].filter((k) => k === ANCHOR || k.endsWith(`.${ANCHOR}`)).map((k) => k.slice(0, k.length - ANCHOR.length));
  if (!found.length) {
    const some = [...all.keys()].slice(0, 5).join(', ');
    throw new RdbmError(`not a U-Net checkpoint: ${source} has no ${ANCHOR} tensor (found ${all.size} tensors${some ? `: ${some}${all.size > 5 ? ', …' : ''}` : ''})`);
  }
  const prefixes = selector === undefined ? found : found.filter((p) => matchesSelector(p, selector));
  if (!prefixes.length) throw new RdbmError(`checkpoint ${source} has no ${selector} U-Net (U-Net prefixes found: ${found.map((p) => p || "''").join(', ')})`);
  prefixes.sort((a, b) => prefixRank(a) - prefixRank(b) || a.length - b.length);
  const best = prefixes.filter((p) => prefixRank(p) === prefixRank(prefixes[0]));
  if (best.length > 1) {
    throw new RdbmError(`checkpoint ${source} holds ${best.length} U-Nets (prefixes: ${best.map((p) => p || "''").join(', ')}); choose one with the prefix option (e.g. { prefix: '${best[0].replace(/^.*?([^.]+\.)$/, '$1')}' })`);
  }
  const prefix = prefixes[0];
  const tensors = new Map<string, TorchTensor>();
  for (const [k, v] of all) if (k.startsWith(prefix)) tensors.set(k.slice(prefix.length), v);
  return { tensors, prefix };
}

/** dim, dimMults, channels, condition and attention width from shapes (GroupNorm groups cannot be seen: 8 unless given). */
export function inferUNetConfig(tensors: ReadonlyMap<string, TorchTensor>, override: Partial<UNetConfig> = {}, source = 'checkpoint'): UNetConfig {
  const shape = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new RdbmError(`cannot infer the architecture of ${source}: tensor ${name} is missing`);
    return t.shape;
  };
  const [dim, inCh] = shape('init_conv.weight');
  const channels = shape('final_conv.weight')[0];
  const mults: number[] = [];
  for (let i = 0; tensors.has(`downs.${i}.3.weight`); i++) mults.push(shape(`downs.${i}.3.weight`)[0] / dim);
  if (!mults.length) throw new RdbmError(`cannot infer the architecture of ${source}: no downs.0.3.weight tensor`);
  const hidden = shape('downs.0.2.fn.fn.to_qkv.weight')[0] / 3;
  const heads = override.attnHeads ?? 4;
  const inferred: Partial<UNetConfig> & Pick<UNetConfig, 'dim' | 'dimMults'> = {
    dim,
    dimMults: mults,
    channels,
    condition: inCh === 2 * channels,
    attnHeads: heads,
    attnDimHead: hidden / heads,
    ...override,
  };
  if (!Number.isInteger(inferred.attnDimHead)) throw new RdbmError(`cannot infer attention heads of ${source}: width ${hidden} is not divisible by ${heads} heads`);
  return unetConfig(inferred);
}

const list = (names: string[]) => (names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', '));

/** Checks names and shapes against `config`; throws one line listing missing, unexpected and mis-shaped tensors. */
export function checkTensors(config: UNetConfig, tensors: ReadonlyMap<string, { shape: readonly number[] }>, source: string, layout: 'torch' | 'ours'): ParamSpec[] {
  const specs = parameterSpecs(config);
  const expected = new Set(specs.map((s) => s.name));
  const missing = specs.filter((s) => !tensors.has(s.name)).map((s) => s.name);
  const unexpected = [...tensors.keys()].filter((k) => !expected.has(k));
  const misshaped = specs
    .filter((s) => tensors.has(s.name))
    .filter((s) => {
      const want = layout === 'torch' ? s.torchShape : s.shape;
      const got = tensors.get(s.name)!.shape;
      return got.length !== want.length || got.some((d, i) => d !== want[i]);
    })
    .map((s) => `${s.name} [${tensors.get(s.name)!.shape.join(',')}] (expected [${(layout === 'torch' ? s.torchShape : s.shape).join(',')}])`);
  if (missing.length || unexpected.length || misshaped.length) {
    const parts = [
      missing.length ? `missing ${missing.length}: ${list(missing)}` : '',
      unexpected.length ? `unexpected ${unexpected.length}: ${list(unexpected)}` : '',
      misshaped.length ? `wrong shape ${misshaped.length}: ${list(misshaped)}` : '',
    ].filter(Boolean);
    throw new RdbmError(`checkpoint ${source} does not match the U-Net (dim ${config.dim}, mults ${config.dimMults.join('-')}): ${parts.join('; ')}`);
  }
  return specs;
}

/** PyTorch layout → ours: conv OIHW → HWIO, linear [out, in] → [in, out], LayerNorm g [1, C, 1, 1] → [C]. */
export function toOurLayout(spec: ParamSpec, t: TorchTensor): Float32Array {
  const src = t.data;
  const out = new Float32Array(src.length);
  if (spec.kind === 'conv') {
    const [o, i, kh, kw] = spec.torchShape;
    for (let a = 0; a < o; a++)
      for (let b = 0; b < i; b++)
        for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) out[((y * kw + x) * i + b) * o + a] = src[((a * i + b) * kh + y) * kw + x];
  } else if (spec.kind === 'linear') {
    const [o, i] = spec.torchShape;
    for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) out[b * o + a] = src[a * i + b];
  } else out.set(src);
  return out;
}
