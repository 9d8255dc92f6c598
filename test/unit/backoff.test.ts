// The retry policy, through the backoff stage's next state for one delivery.
import { describe, expect, it } from 'vitest'
import type { ErrorClass } from '../../src/shared/domain'
import { Backoff, formatTtl } from '../../src/main/core/delivery/backoff'
import { row, T0 } from './delivery/fakes'

interface RetryCase {
  errorClass: ErrorClass
  /** Counted failures so far, including this one. */
  failureCount: number
  /** Consecutive network failures so far, including this one. */
  networkFailureCount: number
  retryAfterMs?: number
  ageMs: number
  ttlMs: number
  threadGone?: boolean
}

/** What the backoff stage decides for a retryable outcome, as retry-or-give-up. */
function decideRetry(c: RetryCase, random: () => number) {
  const update = new Backoff(random).nextState({
    delivery: row({ failureCount: c.failureCount - 1, createdAt: T0 - c.ageMs }),
    outcome: { result: 'retry', errorClass: c.errorClass, message: 'm', ...(c.retryAfterMs !== undefined && { retryAfterMs: c.retryAfterMs }), ...(c.threadGone && { threadGone: true }) },
    trigger: 'scheduled',
    hadThread: true,
    networkFailures: c.networkFailureCount - 1,
    ttlHours: c.ttlMs / 3600_000,
    now: T0,
  })
  if (update.status === 'failed') return { action: 'give_up' as const, reason: /^m \((.*)\)$/.exec(update.lastError ?? '')?.[1] }
  return { action: 'retry' as const, delayMs: update.nextAttemptAt! - T0, countsAsFailure: update.failureCount === c.failureCount }
}

const mid = () => 0.5 // no jitter
const DAY = 24 * 3600_000
const base = { networkFailureCount: 0, ageMs: 0, ttlMs: 2 * DAY }

describe('retry policy', () => {
  it('follows the documented schedule for server errors: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then every 10 h', () => {
    const delays = Array.from({ length: 9 }, (_, i) => {
      const d = decideRetry({ ...base, errorClass: 'server_error', failureCount: i + 1 }, mid)
      return d.action === 'retry' ? d.delayMs : -1
    })
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000, 36_000_000, 36_000_000])
  })

  it('spends a budget of time, not a count: retries until the event type’s time to live, then gives up saying so', () => {
    expect(decideRetry({ ...base, errorClass: 'server_error', failureCount: 40, ageMs: 2 * DAY - 1 }, mid)).toMatchObject({
      action: 'retry',
    })
    expect(decideRetry({ ...base, errorClass: 'server_error', failureCount: 2, ageMs: 2 * DAY }, mid)).toEqual({
      action: 'give_up',
      reason: 'not delivered within its time to live (2 days)',
    })
    expect(decideRetry({ ...base, errorClass: 'network', failureCount: 1, networkFailureCount: 3, ttlMs: 7 * DAY, ageMs: 7 * DAY }, mid)).toMatchObject({
      action: 'give_up',
      reason: 'not delivered within its time to live (7 days)',
    })
    expect(formatTtl(36 * 3600_000)).toBe('36 hours')
    expect(formatTtl(DAY)).toBe('1 day')
  })

  it('adds ±20 % jitter', () => {
    const low = decideRetry({ ...base, errorClass: 'server_error', failureCount: 2 }, () => 0)
    const high = decideRetry({ ...base, errorClass: 'server_error', failureCount: 2 }, () => 0.999999)
    expect(low).toMatchObject({ delayMs: 240_000 })
    expect(high.action === 'retry' && high.delayMs).toBeCloseTo(360_000, -1)
  })

  it('honours Retry-After exactly for rate limits without spending the retry budget', () => {
    const d = decideRetry({ ...base, errorClass: 'rate_limited', failureCount: 99, retryAfterMs: 1234 }, mid)
    expect(d).toEqual({ action: 'retry', delayMs: 1284, countsAsFailure: false })
    const clamped = decideRetry({ ...base, errorClass: 'rate_limited', failureCount: 1, retryAfterMs: 10 * 3600_000 }, mid)
    expect(clamped.action === 'retry' && clamped.delayMs).toBe(3600_000 + 50)
    const noHeader = decideRetry({ ...base, errorClass: 'rate_limited', failureCount: 1 }, mid)
    expect(noHeader.action === 'retry' && noHeader.delayMs).toBe(60_050)
  })

  it('sends again at once, without counting a failure, when the thread was deleted', () => {
    expect(decideRetry({ ...base, errorClass: 'rejected', failureCount: 3, threadGone: true }, mid)).toEqual({
      action: 'retry',
      delayMs: 0,
      countsAsFailure: false,
    })
  })

  it('never waits less than a server-given Retry-After on 5xx', () => {
    const d = decideRetry({ ...base, errorClass: 'server_error', failureCount: 1, retryAfterMs: 120_000 }, mid)
    expect(d).toMatchObject({ delayMs: 120_000, countsAsFailure: true })
  })

  it('treats network errors and timeouts as our own outage: short capped backoff, never counted', () => {
    for (const errorClass of ['network', 'timeout'] as const) {
      const delays = [1, 2, 3, 7, 50].map((n) => {
        const d = decideRetry({ ...base, errorClass, failureCount: 1, networkFailureCount: n }, mid)
        expect(d).toMatchObject({ action: 'retry', countsAsFailure: false })
        return d.action === 'retry' ? d.delayMs : 0
      })
      expect(delays).toEqual([2_000, 5_000, 15_000, 300_000, 300_000])
    }
    const longest = decideRetry({ ...base, errorClass: 'network', failureCount: 1, networkFailureCount: 1000 }, mid)
    expect(longest).toMatchObject({ delayMs: 300_000 })
  })
})
