// The backoff stage: pauses, the one default wait, the one cap, and each delivery's next state.
import { describe, expect, it } from 'vitest'
import type { Outcome } from '../../../src/main/core/channels/types'
import { Backoff, withWait } from '../../../src/main/core/delivery/backoff'
import { FakeClock, pauseAfter, row, T0 } from './fakes'

const rateLimited = (patch: Partial<Extract<Outcome, { result: 'retry' }>> = {}): Outcome => ({
  result: 'retry',
  errorClass: 'rate_limited',
  message: 'Slack: rate limited.',
  ...patch,
})
const next = (backoff: Backoff, outcome: Outcome, patch: Partial<Parameters<Backoff['nextState']>[0]> = {}) =>
  backoff.nextState({ delivery: row(), outcome, trigger: 'scheduled', hadThread: false, networkFailures: 0, ttlHours: 48, now: T0, ...patch })

describe('backoff: what happens after a 429', () => {
  it('waits as long as the server said, for the endpoint, and tries the delivery again just after', () => {
    const clock = new FakeClock()
    const backoff = new Backoff(() => 0.5)
    const outcome = rateLimited({ retryAfterMs: 1234, rateLimit: { waitMs: 1234 } })
    backoff.observe('ep_1', 'slack', outcome, clock.now())
    expect(backoff.pauseRemainingMs('ep_1', 'slack', clock.now())).toBe(1234)
    expect(backoff.pauseRemainingMs('ep_2', 'slack', clock.now())).toBe(0)
    expect(next(backoff, outcome)).toMatchObject({ status: 'retrying', nextAttemptAt: T0 + 1284, failureCount: 0 })
    clock.advance(1234)
    expect(backoff.readyAt('ep_1', 'slack', undefined, clock.now())).toBe(clock.now())
  })

  it('without a stated wait, every channel gets the same default wait, paused and rescheduled alike', () => {
    const backoff = new Backoff(() => 0.5)
    const outcome = rateLimited()
    expect(pauseAfter(outcome)).toEqual({ waitMs: 60_000, global: false })
    backoff.observe('ep_1', 'teams', outcome, T0)
    expect(backoff.pauseRemainingMs('ep_1', 'teams', T0)).toBe(60_000)
    expect(next(backoff, outcome)).toMatchObject({ nextAttemptAt: T0 + 60_000 + 50 })
    expect(withWait(outcome)).toMatchObject({ message: 'Slack: rate limited. Retrying in 60.0 s.' })
  })

  it('caps any server-given wait at one hour, and a ban without an end lasts exactly that', () => {
    const backoff = new Backoff(() => 0.5)
    const long = rateLimited({ retryAfterMs: 10 * 3_600_000, rateLimit: { waitMs: 10 * 3_600_000 } })
    backoff.observe('ep_1', 'webhook', long, T0)
    expect(backoff.pauseRemainingMs('ep_1', 'webhook', T0)).toBe(3_600_000)
    expect(next(backoff, long)).toMatchObject({ nextAttemptAt: T0 + 3_600_000 + 50 })
    const ban = rateLimited({ rateLimit: { global: true, banned: true } })
    expect(pauseAfter(ban)).toEqual({ waitMs: 3_600_000, global: true })
    expect(withWait(ban)).toMatchObject({ message: 'Slack: rate limited. Retrying in 60 min.' })
  })

  it('a global limit pauses every endpoint of the kind, and only that kind', () => {
    const backoff = new Backoff()
    backoff.observe('ep_1', 'discord', rateLimited({ rateLimit: { waitMs: 2000, global: true } }), T0)
    expect(backoff.pauseRemainingMs('ep_9', 'discord', T0 + 500)).toBe(1500)
    expect(backoff.pauseRemainingMs('ep_9', 'slack', T0 + 500)).toBe(0)
  })

  it('an empty bucket on a delivered message pauses without rescheduling anything', () => {
    const backoff = new Backoff()
    const delivered: Outcome = { result: 'delivered', rateLimit: { waitMs: 1500 } }
    backoff.observe('ep_1', 'discord', delivered, T0)
    expect(backoff.readyAt('ep_1', 'discord', undefined, T0)).toBe(T0 + 1500)
    expect(next(backoff, delivered)).toMatchObject({ status: 'delivered', deliveredAt: T0 })
    expect(pauseAfter({ result: 'delivered' })).toBeNull()
    expect(withWait(delivered)).toBe(delivered)
  })

  it('paces a burst: after the bucket is spent, the next send waits for a token', () => {
    const backoff = new Backoff()
    const pacing = { burst: 2, perSecond: 1 }
    backoff.took('ep_1', pacing, T0)
    backoff.took('ep_1', pacing, T0)
    expect(backoff.readyAt('ep_1', 'slack', pacing, T0)).toBe(T0 + 1000)
    expect(backoff.readyAt('ep_1', 'slack', pacing, T0 + 1000)).toBe(T0 + 1000)
  })

  it('fails a permanent refusal and any test at once; network trouble follows the short schedule', () => {
    const backoff = new Backoff(() => 0.5)
    const refused: Outcome = { result: 'permanent', errorClass: 'rejected', message: 'no', flagEndpoint: false }
    expect(next(backoff, refused)).toEqual({ status: 'failed', lastErrorClass: 'rejected', lastError: 'no' })
    const network: Outcome = { result: 'retry', errorClass: 'network', message: 'ECONNREFUSED' }
    expect(next(backoff, network, { trigger: 'test' })).toMatchObject({ status: 'failed' })
    expect(next(backoff, network, { networkFailures: 2 })).toMatchObject({ status: 'retrying', nextAttemptAt: T0 + 15_000, failureCount: 0 })
  })

  it('a lost thread is tried again at once only when the attempt posted into one', () => {
    const backoff = new Backoff(() => 0.5)
    const gone: Outcome = { result: 'retry', errorClass: 'rejected', message: 'thread gone', threadGone: true }
    expect(next(backoff, gone, { hadThread: true })).toMatchObject({ nextAttemptAt: T0, failureCount: 0 })
    expect(next(backoff, gone, { hadThread: false })).toMatchObject({ nextAttemptAt: T0 + 5000, failureCount: 1 })
  })

  it('a person’s retry starts the time to live again; an old scheduled one gives up, saying why', () => {
    const backoff = new Backoff(() => 0.5)
    const error: Outcome = { result: 'retry', errorClass: 'server_error', message: 'HTTP 500.' }
    const old = row({ createdAt: T0 - 49 * 3600_000 })
    expect(next(backoff, error, { delivery: old })).toEqual({
      status: 'failed',
      lastErrorClass: 'server_error',
      lastError: 'HTTP 500. (not delivered within its time to live (2 days))',
    })
    expect(next(backoff, error, { delivery: old, trigger: 'manual' })).toMatchObject({ status: 'retrying' })
  })
})
