/**
 * Restoration windows (no TensorFlow.js here, so planning can key on them): the default tile, the
 * windows of a network's training crop (RunConfig.tile `crop`) and where tiles start along an axis.
 */

export const DEFAULT_TILE = Object.freeze({ size: 512, overlap: 32 });

/**
 * The default tile for a network: 512 px, smaller for shallow networks so that the full attention
 * in the middle (over (side / 2^(depth−1))² positions, quadratic memory) stays at most 64×64.
 */
export function defaultTile(depth: number): { size: number; overlap: number } {
  const size = Math.min(DEFAULT_TILE.size, 64 * 2 ** (depth - 1));
  return { size, overlap: Math.min(DEFAULT_TILE.overlap, size / 8) };
}

/** Windows of a network's training crop side (RunConfig.tile `crop`), overlapping as the default tiles do (side / 8, at most 32). */
export function cropTile(cropSize: number): { size: number; overlap: number } {
  return { size: cropSize, overlap: Math.min(DEFAULT_TILE.overlap, Math.floor(cropSize / 8)) };
}

/** Tile origins along one axis: first at 0, last at n − size, spaced at most size − overlap. */
export function tileStarts(n: number, size: number, overlap: number): number[] {
  if (n <= size) return [0];
  const count = Math.ceil((n - overlap) / (size - overlap));
  const stride = (n - size) / (count - 1);
  return Array.from({ length: count }, (_, i) => Math.round(i * stride));
}

/**
 * The windows a run's `tile` mode asks for: `crop` → the training crop's overlapping windows, `grid` → the same
 * side without overlap (a 64-px image in 2 × 2 windows of 32 instead of 3 × 3), `auto` → none (the restore default).
 */
export function tileWindows(mode: 'auto' | 'crop' | 'grid', cropSize: number): { size: number; overlap: number } | undefined {
  if (mode === 'auto') return undefined;
  return mode === 'crop' ? cropTile(cropSize) : { size: cropSize, overlap: 0 };
}
