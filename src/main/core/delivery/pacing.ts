// Token buckets per endpoint, so a burst of events goes out at the pace a destination
// tolerates (Slack: about 1 message/s with short bursts) instead of collecting 429s.
import type { Pacing } from '../channels/types'

export class PacingBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  /** Milliseconds until the endpoint may send (0 = now). */
  waitMs(endpointId: string, pacing: Pacing | undefined, now: number): number {
    if (!pacing) return 0
    const tokens = this.refill(endpointId, pacing, now)
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / pacing.perSecond) * 1000)
  }

  take(endpointId: string, pacing: Pacing | undefined, now: number): void {
    if (!pacing) return
    const tokens = this.refill(endpointId, pacing, now)
    this.buckets.set(endpointId, { tokens: tokens - 1, at: now })
  }

  private refill(endpointId: string, pacing: Pacing, now: number): number {
    const bucket = this.buckets.get(endpointId) ?? { tokens: pacing.burst, at: now }
    const tokens = Math.min(pacing.burst, bucket.tokens + ((now - bucket.at) / 1000) * pacing.perSecond)
    this.buckets.set(endpointId, { tokens, at: now })
    return tokens
  }
}
