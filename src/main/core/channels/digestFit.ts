// How many waiting events one digest message carries, and how long their texts may be. More
// events per message beats longer texts (each links to the full record), so first as many
// events as fit with their texts at a floor, then the longest texts those events allow.
import { largestFitting } from '../text/largestFitting'

export interface DigestFit {
  /** How many of the first items go into this message. */
  included: number
  /** The longest any item's text may be. */
  cap: number
}

/**
 * `fits(count, cap)`: does a message of the first `count` items, texts cut to `cap`, hold
 * every limit? (More items or a longer cap never make it smaller.) Returns null when not even
 * the first item fits at `floor`: the caller then cuts that one the way its single message does.
 */
export function fitDigest(
  maxItems: number,
  floor: number,
  ceiling: number,
  fits: (count: number, cap: number) => boolean,
): DigestFit | null {
  let included = 0
  while (included < maxItems && fits(included + 1, floor)) included += 1
  if (included === 0) return null
  const cap = largestFitting(floor, Math.max(floor, ceiling), (c) => fits(included, c)) ?? floor
  return { included, cap }
}
