/**
 * Machine tools some tests need (jupyter with the tslab kernel, clang with wasm-ld). Under CI=true a
 * missing tool fails the test: .ci/run installs every one, so a skip there would hide a broken setup.
 * Elsewhere the test is skipped and the skip says what was not checked and why.
 */
import type { TestContext } from 'vitest';

export const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? '');

/** Fails under CI, else skips `what` with the reason; does nothing when `missing` is undefined. */
export function requireTool(ctx: Pick<TestContext, 'skip'>, missing: string | undefined, what: string, ci = IN_CI): void {
  if (missing === undefined) return;
  if (ci) throw new Error(`${missing}: CI=true, so ${what} fails instead of being skipped`);
  console.warn(`skipped ${what}: ${missing}`);
  ctx.skip(`${what}: ${missing}`);
}
