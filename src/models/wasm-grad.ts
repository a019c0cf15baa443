/**
 * Conv2DBackpropFilter for the wasm backend, which does not ship it (tfjs-backend-wasm 4.22).
 * The filter gradient of y = conv(x, w; stride s, padding p) is itself a convolution:
 *   ∂L/∂w[i, j, c, o] = Σ_{b,y,x} x_pad[b, s·y + i, s·x + j, c] · dy[b, y, x, o]
 * i.e. a 'valid' convolution of x_pad with channels and batch swapped ([C, H, W, B]) by dy used
 * as the filter ([H', W', B, O]) with dilation s, cropped to the kernel size. Built from the wasm
 * backend's own Transpose, PadV2, Conv2D and Slice kernels.
 */
import { tf } from '../tf/index.js';

type Info = tf.TensorInfo;
type KernelCall = (name: string, inputs: Record<string, Info>, attrs: Record<string, unknown>) => Info;

function conv2dBackpropFilter(args: { inputs: Record<string, Info>; backend: unknown; attrs?: Record<string, unknown> }): Info {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as { strides: number | [number, number]; pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
  if (attrs.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter (wasm shim): only NHWC');
  const backend = args.backend as { disposeData(id: object): void };
  const call: KernelCall = (name, inputs, a) => {
    const k = tf.getKernel(name, 'wasm');
    if (!k) throw new Error(`wasm kernel ${name} missing`);
    return k.kernelFunc({ inputs, backend: backend as never, attrs: a as never }) as Info;
  };
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const [kh, kw, cin, cout] = attrs.filterShape;
  const { top, bottom, left, right } = info.padInfo;
  const temps: Info[] = [];
  const keep = (t: Info) => (temps.push(t), t);
  const xp = top || bottom || left || right ? keep(call('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 })) : x;
  const xT = keep(call('Transpose', { x: xp }, { perm: [3, 1, 2, 0] }));
  const dyT = keep(call('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }));
  const g = keep(call('Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth] }));
  const cropped = g.shape[1] === kh && g.shape[2] === kw ? g : keep(call('Slice', { x: g }, { begin: [0, 0, 0, 0], size: [cin, kh, kw, cout] }));
  const out = call('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] });
  for (const t of temps) backend.disposeData(t.dataId);
  return out;
}

let registered = false;

/** Registers the shim once (no-op when the wasm backend already has the kernel). */
export function registerWasmConvFilterGrad(): void {
  if (registered || tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter as unknown as tf.KernelFunc });
  registered = true;
}
