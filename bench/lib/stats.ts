// Percentiles and rounding for reported figures.

export interface Distribution {
  n: number
  p50: number
  p99: number
  max: number
}

/** Nearest-rank percentiles in milliseconds (values are sorted in place). */
export function distribution(values: number[]): Distribution | null {
  if (values.length === 0) return null
  values.sort((a, b) => a - b)
  const at = (p: number) => values[Math.min(values.length - 1, Math.max(0, Math.ceil(values.length * p) - 1))]
  return { n: values.length, p50: round(at(0.5), 1), p99: round(at(0.99), 1), max: round(values[values.length - 1], 1) }
}

export function median(values: number[]): number {
  return distribution([...values])!.p50
}

export function round(x: number, digits = 0): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across modules of this
 * process (the mock stamps arrivals with it, the load generator stamps answers). */
export const preciseNow = (): number => performance.timeOrigin + performance.now()

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
