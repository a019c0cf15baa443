/** An 8-bit image in row-major HWC layout (interleaved channels), 1 (grey) or 3 (RGB) channels. */
export interface Image8 {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
}

/** A float image in HWC layout; the value range is stated by whoever produces it. */
export interface ImageF32 {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: Float32Array;
}
