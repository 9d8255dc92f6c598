// "How long may the texts be?": the largest cap for which a message still fits, when fitting
// is monotone (a shorter cap never makes a message larger). Binary search: each try builds
// and measures the real message, so the answer is exact rather than estimated.

/** Largest cap in [low, high] for which `fits` holds, or undefined when not even `low` fits. */
export function largestFitting(low: number, high: number, fits: (cap: number) => boolean): number | undefined {
  if (!fits(low)) return undefined
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (fits(mid)) low = mid
    else high = mid - 1
  }
  return low
}
