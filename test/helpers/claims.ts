/**
 * The accuracy figures README.md quotes, each the worst a test measured, and the one margin the
 * tests allow on top of them: a parity test fails when its error exceeds `limit(figure)`, so the
 * README never claims more than the suite holds. test/readme.test.ts checks that README.md quotes
 * every figure here (and the margin) word for word.
 */
export const CLAIM_MARGIN = 1.5;

export interface Claim {
  /** the worst error measured (what README.md says) */
  readonly figure: number;
  /** the words README.md says it with (whitespace-insensitive) */
  readonly quote: string;
}

export const CLAIMS = {
  /** test/bridge/sampler.test.ts: sampleBridge vs the official ddim_sample, [0, 1] outputs and NFE = 5 trajectory */
  bridgeSampler: { figure: 3.8e-6, quote: 'sampler outputs (mapped to [0, 1]) within 3.8e-6' },
  /** test/metrics/parity.test.ts: worst |ΔPSNR| over every convention and fixture pair */
  metricsPsnr: { figure: 6.2e-13, quote: 'worst deviation 6.2e-13 dB PSNR' },
  /** test/metrics/parity.test.ts: worst |ΔSSIM| */
  metricsSsim: { figure: 2.6e-13, quote: '2.6e-13 SSIM' },
  /** torch-import, preset-parity, wasm-parity: max |Δ| of U-Net outputs (of order 1) against PyTorch, cpu and wasm */
  unetOutput: { figure: 3.1e-6, quote: 'outputs agree with PyTorch within 3.1e-6' },
  /** test/models/gradients.test.ts: max |Δg| / max |g| per parameter tensor, cpu and wasm */
  unetGradient: { figure: 4.3e-6, quote: 'gradients within 4.3e-6' },
  /** test/rddm/sampler.test.ts: sampleRddm vs the official samplers, [0, 1] outputs */
  rddmSampler: { figure: 5.1e-6, quote: 'within 5.1e-6 of the official PyTorch code' },
  /** test/rddm/ddim.test.ts: DDIM ↔ RDDM per-step update coefficients, float64 */
  ddimCoefficients: { figure: 1.4e-14, quote: 'update coefficients agree to 1.4e-14' },
} as const satisfies Record<string, Claim>;

/** The bound a test asserts for a claim: the quoted figure times the stated margin. */
export function limit(claim: Claim): number {
  return claim.figure * CLAIM_MARGIN;
}
