// A small seeded PRNG (mulberry32) for generated tests: the same seed gives the same run,
// so a failure can be replayed with FUZZ_SEED=<seed>.
export interface Rng {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  chance(p: number): boolean
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    pick: (items) => items[int(0, items.length - 1)],
    chance: (p) => next() < p,
  }
}

/** FUZZ_SEED from the environment, or a fresh one. */
export function seedFromEnv(name = 'FUZZ_SEED'): number {
  const given = process.env[name]
  if (given !== undefined && given !== '') {
    const seed = Number(given)
    if (!Number.isInteger(seed)) throw new Error(`${name} must be an integer, got ${given}`)
    return seed >>> 0
  }
  return (Date.now() ^ (process.pid << 16)) >>> 0
}
