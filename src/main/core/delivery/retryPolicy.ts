// When to try again after a failed attempt. Pure: the engine passes the clock and randomness.
import type { ErrorClass } from '../../../shared/domain'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** Wait after the 1st, 2nd, … counted failure (Svix's schedule), then every 10 hours. The
 * budget is time, not a count: a delivery is retried until its event's time to live is up. */
export const FAILURE_BACKOFF_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]

/** Network errors and timeouts (DNS, refused, reset, no answer) usually mean the museum PC
 * itself is offline. They don't count as the receiver failing: retry on this short schedule,
 * capped at 5 minutes, so the queue drains within minutes of the connection coming back. */
export const NETWORK_BACKOFF_MS = [2 * SECOND, 5 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE]

/** A rate limit without a usable Retry-After waits this long; a server-given wait is clamped. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60 * SECOND
export const MAX_SERVER_WAIT_MS = HOUR

export const JITTER = 0.2

export interface RetryInput {
  errorClass: ErrorClass
  /** Counted failures so far, including this one. */
  failureCount: number
  /** Consecutive network failures so far, including this one. */
  networkFailureCount: number
  retryAfterMs?: number
  /** Age of the delivery (now − created). */
  ageMs: number
  /** The event type's time to live: past it, give up. */
  ttlMs: number
  /** The destination thread was deleted; the next attempt opens a new one. */
  threadGone?: boolean
}

export type RetryDecision =
  | { action: 'retry'; delayMs: number; countsAsFailure: boolean }
  | { action: 'give_up'; reason: string }

export function jitter(ms: number, random: () => number): number {
  return Math.round(ms * (1 - JITTER + 2 * JITTER * random()))
}

export function decideRetry(input: RetryInput, random: () => number = Math.random): RetryDecision {
  if (input.ageMs >= input.ttlMs) {
    return { action: 'give_up', reason: `not delivered within its time to live (${formatTtl(input.ttlMs)})` }
  }
  const serverWait =
    input.retryAfterMs !== undefined ? Math.min(Math.max(input.retryAfterMs, 0), MAX_SERVER_WAIT_MS) : undefined

  if (input.threadGone) {
    // Nothing failed: the next attempt opens a new thread.
    return { action: 'retry', delayMs: 0, countsAsFailure: false }
  }
  if (input.errorClass === 'rate_limited') {
    // Being told to slow down is not a failure: wait exactly as long as asked (plus a hair).
    return { action: 'retry', delayMs: (serverWait ?? DEFAULT_RATE_LIMIT_WAIT_MS) + 50, countsAsFailure: false }
  }
  if (input.errorClass === 'network' || input.errorClass === 'timeout') {
    const step = NETWORK_BACKOFF_MS[Math.min(input.networkFailureCount, NETWORK_BACKOFF_MS.length) - 1]
    return { action: 'retry', delayMs: jitter(step, random), countsAsFailure: false }
  }
  const step = FAILURE_BACKOFF_MS[Math.min(input.failureCount, FAILURE_BACKOFF_MS.length) - 1]
  const scheduled = jitter(step, random)
  return { action: 'retry', delayMs: Math.max(scheduled, serverWait ?? 0), countsAsFailure: true }
}

export function formatTtl(ms: number): string {
  const hours = Math.round(ms / HOUR)
  return hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? '' : 's'}` : `${hours} hour${hours === 1 ? '' : 's'}`
}
