// The scheduler stage: one request in flight per endpoint, waits from backoff, offline probes,
// orphans put back at start. A fake outbox and fake timers, no SQLite.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Backoff } from '../../../src/main/core/delivery/backoff'
import { Connectivity } from '../../../src/main/core/delivery/connectivity'
import type { AttemptRecord, ClaimedRun, DeliveryUpdate, QueueHead } from '../../../src/main/core/delivery/handoffs'
import type { Outbox } from '../../../src/main/core/delivery/outbox'
import { Scheduler } from '../../../src/main/core/delivery/scheduler'
import { createLogger } from '../../../src/main/core/log/logger'
import { FakeClock, item, row, run } from './fakes'

const logger = createLogger({ level: 'silent' })

function setUp(heads: QueueHead[], orphans = [row({ id: 9, status: 'sending' })]) {
  const clock = new FakeClock()
  const finished: Array<{ attempt: AttemptRecord; update: DeliveryUpdate }> = []
  const outbox = {
    heads: () => heads,
    orphaned: () => orphans.splice(0),
    expire: () => 0,
    finish: (attempt: AttemptRecord, update: DeliveryUpdate) => finished.push({ attempt, update }),
  } as unknown as Outbox
  const connectivity = new Connectivity({ activeEndpoints: () => heads.length })
  const backoff = new Backoff()
  const launched: string[] = []
  const pending: Array<() => void> = []
  const scheduler = new Scheduler({
    outbox,
    connectivity,
    backoff,
    pacingOf: () => undefined,
    clock,
    logger,
    claim: (head): ClaimedRun => run({ endpointId: head.endpointId, items: [item(row({ id: head.id, endpointId: head.endpointId }))] }),
    deliver: (claimed) => {
      launched.push(claimed.endpointId)
      return new Promise<void>((resolve) => pending.push(resolve))
    },
    ttlHours: () => ({}),
    stopGraceMs: 100,
  })
  return { clock, scheduler, launched, pending, finished, connectivity, backoff, orphans }
}

const head = (id: number, endpointId: string, nextAttemptAt: number): QueueHead => ({ id, endpointId, kind: 'slack', nextAttemptAt, createdAt: nextAttemptAt })

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

describe('scheduler stage', () => {
  it('puts deliveries interrupted by a stop back in the queue at start, then launches each due endpoint once', async () => {
    const now = new FakeClock().t
    const s = setUp([head(1, 'ep_a', now), head(2, 'ep_b', now + 10_000)])
    s.scheduler.start()
    expect(s.finished).toMatchObject([{ attempt: { deliveryId: 9, outcome: 'retry', errorClass: 'network' }, update: { status: 'retrying' } }])
    await vi.advanceTimersByTimeAsync(1)
    expect(s.launched).toEqual(['ep_a'])
    expect(s.scheduler.busy).toBe(true)
    await vi.advanceTimersByTimeAsync(50)
    expect(s.launched).toEqual(['ep_a']) // still in flight: never two at once
    s.clock.advance(10_000)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(s.launched).toEqual(['ep_a', 'ep_b'])
    for (const resolve of s.pending) resolve()
    await s.scheduler.stop()
  })

  it('waits out a pause that backoff set for the endpoint', async () => {
    const s = setUp([head(1, 'ep_a', 0)], [])
    s.backoff.observe('ep_a', 'slack', { result: 'retry', errorClass: 'rate_limited', message: '', retryAfterMs: 2000 }, s.clock.now())
    s.scheduler.start()
    await vi.advanceTimersByTimeAsync(1)
    expect(s.launched).toEqual([])
    s.clock.advance(2000)
    await vi.advanceTimersByTimeAsync(2000)
    expect(s.launched).toEqual(['ep_a'])
    s.pending[0]()
    await s.scheduler.stop()
  })

  it('offline, sends one probe at a time, taking endpoints in turn', async () => {
    const s = setUp([head(1, 'ep_a', 0), head(2, 'ep_b', 0)], [])
    s.connectivity.networkFailure('ep_a', s.clock.now())
    s.connectivity.networkFailure('ep_b', s.clock.now())
    expect(s.connectivity.state).not.toBeNull()
    s.scheduler.start()
    s.clock.advance(2000)
    await vi.advanceTimersByTimeAsync(2000)
    expect(s.launched).toEqual(['ep_a'])
    s.connectivity.networkFailure('ep_a', s.clock.now())
    s.pending[0]()
    s.clock.advance(5000)
    await vi.advanceTimersByTimeAsync(5000)
    expect(s.launched).toEqual(['ep_a', 'ep_b'])
    s.pending[1]()
    await s.scheduler.stop()
  })

  it('at stop, releases what is still out after the grace period, and drops its late result', async () => {
    const s = setUp([head(1, 'ep_a', 0)], [])
    s.scheduler.start()
    await vi.advanceTimersByTimeAsync(1)
    s.orphans.push(row({ id: 1, status: 'sending' }))
    const stopping = s.scheduler.stop()
    await vi.advanceTimersByTimeAsync(100)
    await stopping
    expect(s.finished).toMatchObject([{ attempt: { deliveryId: 1, outcome: 'retry' }, update: { status: 'retrying' } }])
    expect(s.scheduler.takeReleased(1)).toBe(true)
    expect(s.scheduler.takeReleased(1)).toBe(false)
  })
})
