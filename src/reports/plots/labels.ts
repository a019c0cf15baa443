/**
 * Point labels that do not overlap (psnr-vs-cost had `RDBM-T` over `RDBM-S` and `ConvIR` over `MaIR`):
 * each label takes the first of a ring of positions around its point that stays inside the plot and
 * clear of every point and every label placed before it, in pixels of a scale with a fixed domain.
 * Pure; the spec then draws each label at its position in data coordinates (labelLayers).
 */

/** average advance of a 10-px character, px (DejaVu Sans, what the PNGs and the browsers draw with; wide letters included) */
const CHAR_EM = 0.64;
/** half the side of a point's box, px (a filled point of size 60 has a radius of about 4.4) */
const POINT_HALF = 5;
const GAP = 3;

export type LabelAlign = 'left' | 'center' | 'right';

export interface PlacedLabel {
  /** the label's anchor in pixels from the plot's top left */
  readonly px: number;
  readonly py: number;
  readonly align: LabelAlign;
}

interface Box {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

/** Estimated width of a text in px at a font size (conservative: a label's real width is at most this). */
export function textWidth(text: string, fontSize: number): number {
  return [...text].length * CHAR_EM * fontSize;
}

const overlap = (a: Box, b: Box) => Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));

/** Candidate anchors around a point, nearest first: right, left, above, below, the four diagonals, then further out. */
function candidates(x: number, y: number, lineHeight: number): PlacedLabel[] {
  const side = POINT_HALF + GAP;
  const up = lineHeight / 2 + POINT_HALF;
  const ring = (k: number): PlacedLabel[] => [
    { px: x + side, py: y - (k - 1) * lineHeight, align: 'left' },
    { px: x - side, py: y - (k - 1) * lineHeight, align: 'right' },
    { px: x, py: y - up - (k - 1) * lineHeight, align: 'center' },
    { px: x, py: y + up + (k - 1) * lineHeight, align: 'center' },
    { px: x + side - 2, py: y - k * lineHeight, align: 'left' },
    { px: x + side - 2, py: y + k * lineHeight, align: 'left' },
    { px: x - side + 2, py: y - k * lineHeight, align: 'right' },
    { px: x - side + 2, py: y + k * lineHeight, align: 'right' },
  ];
  return [...ring(1), ...ring(2), ...ring(3)];
}

function labelBox(c: PlacedLabel, width: number, lineHeight: number): Box {
  const x0 = c.align === 'left' ? c.px : c.align === 'right' ? c.px - width : c.px - width / 2;
  return { x0, x1: x0 + width, y0: c.py - lineHeight / 2, y1: c.py + lineHeight / 2 };
}

/**
 * An anchor for each label of points at pixel positions (x, y) in a plot of width × height: the first
 * candidate inside the plot that overlaps no point and no label placed before; the least overlapping
 * one when none is clear.
 */
export function placeLabels(points: readonly { readonly x: number; readonly y: number; readonly label: string }[], plot: { readonly width: number; readonly height: number; readonly fontSize: number }): PlacedLabel[] {
  const lineHeight = plot.fontSize + 3;
  const taken: Box[] = points.map((p) => ({ x0: p.x - POINT_HALF, x1: p.x + POINT_HALF, y0: p.y - POINT_HALF, y1: p.y + POINT_HALF }));
  const order = points.map((_, i) => i).sort((a, b) => points[a].x - points[b].x || points[a].y - points[b].y);
  const placed: PlacedLabel[] = new Array(points.length);
  for (const i of order) {
    const p = points[i];
    const width = textWidth(p.label, plot.fontSize);
    let best: { c: PlacedLabel; cost: number } | undefined;
    for (const c of candidates(p.x, p.y, lineHeight)) {
      const box = labelBox(c, width, lineHeight);
      const outside = Math.max(0, -box.x0) + Math.max(0, box.x1 - plot.width) + Math.max(0, -box.y0) + Math.max(0, box.y1 - plot.height);
      const cost = taken.reduce((a, t) => a + overlap(box, t), 0) + outside * lineHeight;
      if (!best || cost < best.cost) best = { c, cost };
      if (cost === 0) break;
    }
    placed[i] = best!.c;
    taken.push(labelBox(best!.c, width, lineHeight));
  }
  return placed;
}

/** A fixed scale domain with room around the values (log: in decades). */
export function paddedDomain(values: readonly number[], log: boolean): [number, number] {
  const v = log ? values.map(Math.log10) : values;
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const span = Math.max(hi - lo, log ? 0.5 : 1);
  const pad = 0.1 * span + (log ? 0.1 : 0.3);
  return log ? [10 ** (lo - pad), 10 ** (hi + pad)] : [lo - pad, hi + pad];
}

/** Pixel ↔ data along an axis of a fixed domain (y grows downwards in pixels). */
export function axisMap(domain: readonly [number, number], pixels: number, options: { log: boolean; flip: boolean }) {
  const f = options.log ? Math.log10 : (v: number) => v;
  const [a, b] = [f(domain[0]), f(domain[1])];
  const toPx = (v: number) => {
    const t = (f(v) - a) / (b - a);
    return (options.flip ? 1 - t : t) * pixels;
  };
  const toData = (px: number) => {
    const t = options.flip ? 1 - px / pixels : px / pixels;
    const u = a + t * (b - a);
    return options.log ? 10 ** u : u;
  };
  return { toPx, toData };
}

/**
 * Fixed domains for a scatter plot and, for each point, where its label goes in data coordinates
 * (lx, ly) and how it is aligned: what a spec needs to draw labels that do not overlap.
 */
export function scatterLabels(points: readonly { readonly x: number; readonly y: number; readonly label: string }[], plot: { readonly width: number; readonly height: number; readonly fontSize: number; readonly xLog: boolean; readonly yLog: boolean }) {
  const xDomain = paddedDomain(points.map((p) => p.x), plot.xLog);
  const yDomain = paddedDomain(points.map((p) => p.y), plot.yLog);
  const x = axisMap(xDomain, plot.width, { log: plot.xLog, flip: false });
  const y = axisMap(yDomain, plot.height, { log: plot.yLog, flip: true });
  const anchors = placeLabels(points.map((p) => ({ x: x.toPx(p.x), y: y.toPx(p.y), label: p.label })), plot);
  return { xDomain, yDomain, labels: anchors.map((a) => ({ lx: x.toData(a.px), ly: y.toData(a.py), align: a.align })) };
}

/** Text layers drawing each datum's `label` at (lx, ly) with its `align` (one layer per alignment: vega-lite cannot encode it). */
export function labelLayers(scales: { readonly x: object; readonly y: object }, extra: { readonly fontSize: number; readonly color?: object }) {
  return (['left', 'center', 'right'] as const).map((align) => ({
    transform: [{ filter: { field: 'align', equal: align } }],
    mark: { type: 'text', align, baseline: 'middle', fontSize: extra.fontSize },
    encoding: { x: { field: 'lx', type: 'quantitative', scale: scales.x }, y: { field: 'ly', type: 'quantitative', scale: scales.y }, text: { field: 'label' }, ...(extra.color ? { color: extra.color } : {}) },
  }));
}
