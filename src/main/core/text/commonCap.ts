// "Shorten the longest texts first": the one length cap that, applied to every text,
// removes at least `excess` characters, never going below `floor`.

export function commonCap(lengths: number[], excess: number, floor: number): number {
  const removedAt = (cap: number) => lengths.reduce((sum, length) => sum + Math.max(0, length - cap), 0)
  // Largest cap that still removes enough; binary search because removedAt falls as cap rises.
  let low = floor
  let high = Math.max(floor, ...lengths)
  if (removedAt(low) < excess) high = low
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (removedAt(mid) >= excess) low = mid
    else high = mid - 1
  }
  return low
}
