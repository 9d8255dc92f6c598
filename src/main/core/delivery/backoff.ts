// After an attempt: when may this endpoint send again, and when is this delivery tried again?
// Pure apart from its pause and pacing memory; the caller passes the clock and randomness.
// Every wait Knocker chooses itself is here: the one default wait when a server says "slow
// down" without saying how long, the one cap on a server-given wait, the retry schedules.
import type { ErrorClass } from '../../../shared/domain'
import type { Outcome, Pacing } from '../channels/types'
import type { DeliveryRow, DeliveryUpdate, Trigger } from './handoffs'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** Wait after the 1st, 2nd, … counted failure (Svix's schedule), then every 10 hours. The
 * budget is time, not a count: a delivery is retried until its event's time to live is up. */
const FAILURE_BACKOFF_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]

/** Network errors and timeouts (DNS, refused, reset, no answer) usually mean the museum PC
 * itself is offline. They don't count as the receiver failing: retry on this short schedule,
 * capped at 5 minutes, so the queue drains within minutes of the connection coming back. */
const NETWORK_BACKOFF_MS = [2 * SECOND, 5 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE]

/** A server that says "slow down" without saying for how long (a 429 without Retry-After, an
 * empty rate-limit bucket without a reset time) is left alone this long (Svix waits ≥ 60 s). */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60 * SECOND
/** No server-given wait is followed for longer than this; a ban without an end lasts this long. */
const MAX_SERVER_WAIT_MS = HOUR

const JITTER = 0.2

interface RetryInput {
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

type RetryDecision = { action: 'retry'; delayMs: number; countsAsFailure: boolean } | { action: 'give_up'; reason: string }

function jitter(ms: number, random: () => number): number {
  return Math.round(ms * (1 - JITTER + 2 * JITTER * random()))
}

/** A server-given wait within [0, 1 h]. */
function capped(ms: number): number {
  return Math.min(Math.max(ms, 0), MAX_SERVER_WAIT_MS)
}

function decideRetry(input: RetryInput, random: () => number = Math.random): RetryDecision {
  if (input.ageMs >= input.ttlMs) {
    return { action: 'give_up', reason: `not delivered within its time to live (${formatTtl(input.ttlMs)})` }
  }
  const serverWait = input.retryAfterMs !== undefined ? capped(input.retryAfterMs) : undefined
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
  return { action: 'retry', delayMs: Math.max(jitter(step, random), serverWait ?? 0), countsAsFailure: true }
}

export function formatTtl(ms: number): string {
  const hours = Math.round(ms / HOUR)
  return hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? '' : 's'}` : `${hours} hour${hours === 1 ? '' : 's'}`
}

/** How long an outcome pauses its endpoint (or, global, every endpoint of its kind): a 429 or
 * an empty bucket for as long as the server said, else the default; a ban for the cap. */
function pauseOf(outcome: Outcome): { waitMs: number; global: boolean } | null {
  const hint = outcome.rateLimit
  const rateLimited = outcome.result !== 'delivered' && outcome.errorClass === 'rate_limited'
  if (!hint && !rateLimited) return null
  const said = hint?.waitMs ?? (outcome.result === 'retry' ? outcome.retryAfterMs : undefined)
  const waitMs = hint?.banned ? MAX_SERVER_WAIT_MS : capped(said ?? DEFAULT_RATE_LIMIT_WAIT_MS)
  return waitMs > 0 ? { waitMs, global: hint?.global === true } : null
}

/** A rate limit's message says when the next attempt goes ("… Retrying in 1.2 s."). */
export function withWait(outcome: Outcome): Outcome {
  if (outcome.result !== 'retry' || outcome.errorClass !== 'rate_limited') return outcome
  const waitMs = pauseOf(outcome)?.waitMs ?? DEFAULT_RATE_LIMIT_WAIT_MS
  const when = waitMs >= 2 * MINUTE ? `${Math.round(waitMs / MINUTE)} min` : `${(waitMs / SECOND).toFixed(1)} s`
  return { ...outcome, message: `${outcome.message} Retrying in ${when}.` }
}

/** Token buckets per endpoint, so a burst goes out at the pace a destination tolerates (Slack:
 * about 1 message/s with short bursts) instead of collecting 429s. */
class PacingBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  waitMs(endpointId: string, pacing: Pacing | undefined, now: number): number {
    if (!pacing) return 0
    const tokens = this.refill(endpointId, pacing, now)
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / pacing.perSecond) * 1000)
  }

  take(endpointId: string, pacing: Pacing | undefined, now: number): void {
    if (!pacing) return
    this.buckets.set(endpointId, { tokens: this.refill(endpointId, pacing, now) - 1, at: now })
  }

  private refill(endpointId: string, pacing: Pacing, now: number): number {
    const bucket = this.buckets.get(endpointId) ?? { tokens: pacing.burst, at: now }
    const tokens = Math.min(pacing.burst, bucket.tokens + ((now - bucket.at) / 1000) * pacing.perSecond)
    this.buckets.set(endpointId, { tokens, at: now })
    return tokens
  }
}

export interface NextStateInput {
  delivery: DeliveryRow
  outcome: Outcome
  trigger: Trigger
  /** The attempt posted into a known thread (only then can "thread gone" be true). */
  hadThread: boolean
  networkFailures: number
  ttlHours: number
  now: number
}

/** Pauses (per endpoint, per kind), pacing, and each delivery's next state. */
export class Backoff {
  private readonly endpointPausedUntil = new Map<string, number>()
  private readonly kindPausedUntil = new Map<string, number>()
  private readonly pacing = new PacingBuckets()

  constructor(private readonly random: () => number = Math.random) {}

  /** When pauses and pacing let this endpoint send again (≤ now: at once). */
  readyAt(endpointId: string, kind: string, pacing: Pacing | undefined, now: number): number {
    return Math.max(this.pausedUntil(endpointId, kind), now + this.pacing.waitMs(endpointId, pacing, now))
  }

  /** A request is going out now. */
  took(endpointId: string, pacing: Pacing | undefined, now: number): void {
    this.pacing.take(endpointId, pacing, now)
  }

  /** How long a direct send (test) should wait to respect a known rate limit. */
  pauseRemainingMs(endpointId: string, kind: string, now: number): number {
    return Math.max(0, this.pausedUntil(endpointId, kind) - now)
  }

  /** The server's answer pauses the endpoint (or its kind) when it asked to slow down. */
  observe(endpointId: string, kind: string, outcome: Outcome, now: number): void {
    const pause = pauseOf(outcome)
    if (!pause) return
    const [map, key] = pause.global ? [this.kindPausedUntil, kind] : [this.endpointPausedUntil, endpointId]
    map.set(key, Math.max(map.get(key) ?? 0, now + pause.waitMs))
  }

  nextState(input: NextStateInput): DeliveryUpdate {
    const { delivery, outcome, trigger, now } = input
    if (outcome.result === 'delivered') {
      return { status: 'delivered', deliveredAt: now, remoteId: outcome.remoteId ?? null, lastErrorClass: null, lastError: null }
    }
    const failure = { lastErrorClass: outcome.errorClass, lastError: outcome.message }
    if (outcome.result === 'permanent' || trigger === 'test') return { ...failure, status: 'failed' }
    const pause = pauseOf(outcome)
    const decision = decideRetry(
      {
        errorClass: outcome.errorClass,
        failureCount: delivery.failureCount + 1,
        networkFailureCount: input.networkFailures + 1,
        retryAfterMs: outcome.errorClass === 'rate_limited' ? (pause?.waitMs ?? outcome.retryAfterMs) : outcome.retryAfterMs,
        // A person's retry starts the time to live again.
        ageMs: trigger === 'manual' ? 0 : now - delivery.createdAt,
        ttlMs: input.ttlHours * HOUR,
        // Only a post into a known thread can lose it; anything else backs off as usual.
        threadGone: outcome.threadGone === true && input.hadThread,
      },
      this.random,
    )
    if (decision.action === 'give_up') return { ...failure, status: 'failed', lastError: `${failure.lastError} (${decision.reason})` }
    return {
      ...failure,
      status: 'retrying',
      nextAttemptAt: now + decision.delayMs,
      failureCount: delivery.failureCount + (decision.countsAsFailure ? 1 : 0),
    }
  }

  private pausedUntil(endpointId: string, kind: string): number {
    return Math.max(this.endpointPausedUntil.get(endpointId) ?? 0, this.kindPausedUntil.get(kind) ?? 0)
  }
}
