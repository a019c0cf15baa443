import { describe, expect, it } from 'vitest';
import { placeLabels, scatterLabels, textWidth } from '../../../src/reports/plots/labels.js';

type Box = { x0: number; x1: number; y0: number; y1: number };
const boxOf = (p: { px: number; py: number; align: string }, label: string, fontSize = 10): Box => {
  const w = textWidth(label, fontSize);
  const x0 = p.align === 'left' ? p.px : p.align === 'right' ? p.px - w : p.px - w / 2;
  return { x0, x1: x0 + w, y0: p.py - (fontSize + 3) / 2, y1: p.py + (fontSize + 3) / 2 };
};
const overlaps = (a: Box, b: Box) => Math.min(a.x1, b.x1) > Math.max(a.x0, b.x0) && Math.min(a.y1, b.y1) > Math.max(a.y0, b.y0);

describe('placeLabels', () => {
  it('puts a lone label right of its point, and crowded labels clear of each other, of every point and inside the plot', () => {
    expect(placeLabels([{ x: 50, y: 50, label: 'RDBM-T' }], { width: 260, height: 220, fontSize: 10 })).toEqual([{ px: 58, py: 50, align: 'left' }]);
    // psnr-vs-cost's crowding: four sizes within 40 px, ConvIR and MaIR 4 px apart, a point at the right edge
    const points = [
      { x: 20, y: 200, label: 'RDBM-T' }, { x: 45, y: 199, label: 'RDBM-S' }, { x: 85, y: 193, label: 'RDBM-B' }, { x: 110, y: 197, label: 'RDBM-L' },
      { x: 150, y: 60, label: 'ConvIR' }, { x: 154, y: 60, label: 'MaIR' }, { x: 255, y: 90, label: 'GOUB' },
    ];
    const placed = placeLabels(points, { width: 260, height: 220, fontSize: 10 });
    const boxes = placed.map((p, i) => boxOf(p, points[i].label));
    for (const [i, a] of boxes.entries()) {
      expect(a.x0 >= 0 && a.x1 <= 260 && a.y0 >= 0 && a.y1 <= 220, points[i].label).toBe(true);
      for (const [j, b] of boxes.entries()) if (i !== j) expect(overlaps(a, b), `${points[i].label} / ${points[j].label}`).toBe(false);
      for (const p of points) expect(overlaps(a, { x0: p.x - 5, x1: p.x + 5, y0: p.y - 5, y1: p.y + 5 }), `${points[i].label} over the point of ${p.label}`).toBe(false);
    }
  });
});

describe('scatterLabels', () => {
  it('pads the domains (log in decades) and gives each label its anchor in data coordinates', () => {
    const { xDomain, yDomain, labels } = scatterLabels([{ x: 1, y: 18, label: 'a' }, { x: 100, y: 30, label: 'b' }], { width: 200, height: 100, fontSize: 10, xLog: true, yLog: false });
    expect(xDomain[0]).toBeCloseTo(10 ** -0.3, 12);
    expect(xDomain[1]).toBeCloseTo(10 ** 2.3, 12);
    expect(yDomain).toEqual([18 - 1.5, 30 + 1.5]);
    // 'a' right of its point: 8 px further on a log axis of 2.6 decades over 200 px
    expect(labels[0].align).toBe('left');
    expect(Math.log10(labels[0].lx)).toBeCloseTo(8 * (2.6 / 200), 10);
    expect(labels[0].ly).toBeCloseTo(18, 10);
  });
});
