/**
 * Everything a report reads off one sorted bootstrap distribution of a difference Δ*: the
 * percentile interval, the p-value by inverting that same interval family, and the two one-sided
 * tests' equivalence bound. Because all three come from one distribution and one quantile function,
 * "the (1 − α) interval excludes 0" ⇔ "p < α" holds by construction (see percentileP), and
 * percentileTest keeps it exact in floating point too.
 */

/** Percentile of sorted values, linear between order statistics (numpy's default `linear` method): Q(q) = s[⌊h⌋] + (h − ⌊h⌋)(s[⌊h⌋+1] − s[⌊h⌋]), h = (R − 1)q. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * α = 1 − confidence as the decimal a reader compares p with (1 − 0.95 is 0.050000000000000044 in
 * binary; this is the double nearest 0.05).
 */
export function levelOf(confidence: number): number {
  return Number((1 - confidence).toPrecision(12));
}

/** The two-sided percentile interval [Q(α/2), Q(1 − α/2)], α = levelOf(confidence). */
export function percentileInterval(sorted: ArrayLike<number>, confidence: number): { low: number; high: number } {
  const half = levelOf(confidence) / 2;
  return { low: quantileSorted(sorted, half), high: quantileSorted(sorted, 1 - half) };
}

/** sup{q ∈ [0, 1] : Q(q) ≤ 0} (0 when every value is above 0). */
function lastNonPositive(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 1) return sorted[0] <= 0 ? 1 : 0;
  if (sorted[0] > 0) return 0;
  if (sorted[n - 1] <= 0) return 1;
  let k = 0; // largest k with s[k] ≤ 0 (then s[k + 1] > 0)
  while (sorted[k + 1] <= 0) k++;
  return (k + -sorted[k] / (sorted[k + 1] - sorted[k])) / (n - 1);
}

/** inf{q ∈ [0, 1] : Q(q) ≥ 0} (1 when every value is below 0). */
function firstNonNegative(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 1) return sorted[0] >= 0 ? 0 : 1;
  if (sorted[0] >= 0) return 0;
  if (sorted[n - 1] < 0) return 1;
  let j = n - 1; // smallest j with s[j] ≥ 0 (then s[j − 1] < 0)
  while (sorted[j - 1] >= 0) j--;
  return (j - 1 + -sorted[j - 1] / (sorted[j] - sorted[j - 1])) / (n - 1);
}

/**
 * The two-sided p-value of H0: Δ = 0 by inverting the percentile intervals of `sorted`: the smallest α
 * at which [Q(α/2), Q(1 − α/2)] excludes 0.
 *
 * Why "excludes 0 at level α ⇔ p < α" holds exactly: Q is continuous and non-decreasing, so
 * {q : Q(q) ≤ 0} = [0, q₀] and {q : Q(q) ≥ 0} = [q₁, 1] are closed. The interval excludes 0 iff
 * Q(α/2) > 0 or Q(1 − α/2) < 0, i.e. iff α/2 > q₀ or 1 − α/2 < q₁, i.e. iff α > 2·min(q₀, 1 − q₁) = p.
 * A p below 1/R (R = resamples: the distribution cannot resolve it) is reported as 1/R, which keeps the
 * equivalence for every α > 1/R (0.05 at any R ≥ 21).
 */
export function percentileP(sorted: ArrayLike<number>): number {
  const raw = 2 * Math.min(lastNonPositive(sorted), 1 - firstNonNegative(sorted));
  return Math.min(1, Math.max(raw, 1 / sorted.length));
}

/**
 * The equivalence bound of two one-sided tests at level α (TOST, Schuirmann 1987): the smallest X with
 * −X < Δ and Δ < X each rejected at α, i.e. the largest |end| of the (1 − 2α) percentile interval.
 * "|Δ| < X with (1 − α) confidence" in the tables; at α = 0.05 from the 90 % interval.
 */
export function equivalenceBound(sorted: ArrayLike<number>, alpha: number): number {
  return Math.max(Math.abs(quantileSorted(sorted, alpha)), Math.abs(quantileSorted(sorted, 1 - alpha)));
}

/** The largest double below a positive `x`. */
function below(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) - 1n);
  return view.getFloat64(0);
}

export interface PercentileTest {
  readonly low: number;
  readonly high: number;
  /** percentileP, on the interval's side of α = levelOf(confidence): low > 0 or high < 0 ⇔ p < α, exactly */
  readonly p: number;
  /** when the interval holds 0: equivalenceBound at α (|Δ| < X with `confidence`); null when it excludes 0 */
  readonly equivalence: number | null;
}

/**
 * Interval, p and equivalence bound of one sorted distribution at `confidence`: what a report shows.
 * The closed-form p and the quantiles agree mathematically; they can disagree only where Q(α/2) or
 * Q(1 − α/2) is 0 up to rounding (neither α/2 nor (R − 1)·α/2 is exact in binary), which ties make
 * reachable. There the interval decides and p moves by at most that rounding to its side of α, so the
 * stored numbers never contradict each other.
 */
export function percentileTest(sorted: ArrayLike<number>, confidence: number): PercentileTest {
  const { low, high } = percentileInterval(sorted, confidence);
  const alpha = levelOf(confidence);
  const excludes = low > 0 || high < 0;
  const raw = percentileP(sorted);
  const p = excludes ? Math.min(raw, below(alpha)) : Math.max(raw, alpha);
  return { low, high, p, equivalence: excludes ? null : equivalenceBound(sorted, alpha) };
}
