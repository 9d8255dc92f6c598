// The scheduler stage: one request in flight per endpoint, waits from backoff, offline probes,
// orphans put back at start. A fake outbox and queue and fake timers, no SQLite.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Backoff } from '../../../src/main/core/delivery/backoff'
import { Connectivity } from '../../../src/main/core/delivery/connectivity'
import type { AttemptRecord, ClaimedRun, DeliveryUpdate, QueueHead } from '../../../src/main/core/delivery/handoffs'
import type { Outbox } from '../../../src/main/core/delivery/outbox'
import type { QueueView } from '../../../src/main/core/delivery/queueView'
import { Scheduler } from '../../../src/main/core/delivery/scheduler'
import { createLogger } from '../../../src/main/core/log/logger'
import { FakeClock, item, row, run, T0 } from './fakes'

const logger = createLogger({ level: 'silent' })

/** Fake timers' own clock (Date.now is faked with them): a pass a timer queues runs a moment
 * after the timer, and must see the time it runs at, not the next step's. */
class TimersClock {
  now = () => Date.now()
  advance(_ms: number) {}
}

function setUp(
  heads: QueueHead[],
  orphans = [row({ id: 9, status: 'sending' })],
  probe: (head: QueueHead) => Promise<boolean> | null = () => null,
  clock: FakeClock | TimersClock = new FakeClock(),
) {
  const finished: Array<{ attempt: AttemptRecord; update: DeliveryUpdate }> = []
  const queue = { heads: () => heads, nextRelease: () => null } as unknown as QueueView
  const outbox = {
    orphaned: () => orphans.splice(0),
    finish: (attempt: AttemptRecord, update: DeliveryUpdate) => finished.push({ attempt, update }),
  } as unknown as Outbox
  const connectivity = new Connectivity({ activeEndpoints: () => heads.length })
  const backoff = new Backoff()
  const launched: string[] = []
  const pending: Array<() => void> = []
  const scheduler = new Scheduler({
    outbox,
    queue,
    sweeps: { expire: () => 0 },
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
    probe,
    ttlHours: () => ({}),
    stopGraceMs: 100,
  })
  return { clock, scheduler, launched, pending, finished, connectivity, backoff, orphans }
}

const head = (id: number, endpointId: string, nextAttemptAt: number): QueueHead => ({ id, endpointId, kind: 'slack', nextAttemptAt, createdAt: nextAttemptAt })

/** Moves both clocks, then lets the pass a timer queued run. */
async function step(s: { clock: { advance(ms: number): void } }, ms: number) {
  s.clock.advance(ms)
  await vi.advanceTimersByTimeAsync(ms)
  await settle()
}

/** Runs what answers and kicks queued: promise callbacks, then the pass they ask for (fake
 * timers run an immediate a millisecond late, so this moves the timers' clock by a few ms). */
async function settle() {
  for (let i = 0; i < 3; i++) await vi.advanceTimersByTimeAsync(1)
}

beforeEach(() => vi.useFakeTimers({ now: T0 }))
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

  it('offline, probes without sending when the channel can, one at a time, and drains once one answers', async () => {
    const probes: Array<{ endpointId: string; answer: (ok: boolean) => void }> = []
    const probe = (h: QueueHead) => new Promise<boolean>((answer) => probes.push({ endpointId: h.endpointId, answer }))
    const s = setUp([head(1, 'ep_a', 0), head(2, 'ep_b', 0)], [], probe, new TimersClock())
    s.connectivity.networkFailure('ep_a', s.clock.now())
    s.connectivity.networkFailure('ep_b', s.clock.now())
    s.scheduler.start()
    await step(s, 2000)
    expect(probes.map((p) => p.endpointId)).toEqual(['ep_a'])
    // While a probe is out, no other goes, however long it takes.
    await step(s, 60_000)
    expect(probes).toHaveLength(1)
    probes[0].answer(false)
    await settle()
    // No answer: the next probe, at another endpoint, 4 s later; nothing was sent meanwhile.
    await step(s, 3980)
    expect(probes).toHaveLength(1)
    await step(s, 30)
    expect(probes.map((p) => p.endpointId)).toEqual(['ep_a', 'ep_b'])
    expect(s.launched).toEqual([])
    // An answer: online, and every endpoint's head goes at once.
    probes[1].answer(true)
    await settle()
    expect(s.connectivity.state).toBeNull()
    expect(s.launched.sort()).toEqual(['ep_a', 'ep_b'])
    s.pending.forEach((resolve) => resolve())
    await s.scheduler.stop()
  })

  it('offline, a hint that the network is back sends the next probe at once', async () => {
    const probes: Array<(ok: boolean) => void> = []
    const s = setUp([head(1, 'ep_a', 0)], [], () => new Promise<boolean>((answer) => probes.push(answer)), new TimersClock())
    s.connectivity.networkFailure('ep_a', s.clock.now())
    s.scheduler.start()
    await step(s, 2000)
    probes[0](false)
    await settle()
    // The next would wait 4 s; the hint brings it forward.
    expect(s.connectivity.probeSoon(s.clock.now())).toBe(true)
    s.scheduler.kick()
    await settle()
    expect(probes).toHaveLength(2)
    probes[1](true)
    await settle()
    expect(s.connectivity.state).toBeNull()
    // Online, a hint changes nothing.
    expect(s.connectivity.probeSoon(s.clock.now())).toBe(false)
    s.pending.forEach((resolve) => resolve())
    await s.scheduler.stop()
  })

  it('offline probes go at most 8 s apart, however long the outage', async () => {
    const probes: Array<{ at: number; answer: (ok: boolean) => void }> = []
    const probe = () => new Promise<boolean>((answer) => probes.push({ at: Date.now(), answer }))
    const s = setUp([head(1, 'ep_a', 0)], [], probe, new TimersClock())
    s.connectivity.networkFailure('ep_a', s.clock.now())
    s.scheduler.start()
    for (let i = 0; i < 12; i++) {
      while (probes.length === i) await step(s, 100)
      probes[i].answer(false)
      await settle()
    }
    const gaps = probes.slice(1).map((p, i) => p.at - probes[i].at)
    // 2 s, 4 s, then 8 s apart (plus the few ms the fake timers add per probe).
    expect(gaps[0]).toBeGreaterThanOrEqual(4000)
    expect(gaps[0]).toBeLessThan(4100)
    expect(gaps.slice(1).every((gap) => gap >= 8000 && gap < 8100)).toBe(true)
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
