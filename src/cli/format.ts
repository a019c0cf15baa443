/** Fixed 6 decimals for ordinary magnitudes, exponent form for tiny or huge ones (CLI tables). */
export function formatNumber(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(6) : v.toExponential(4);
}
