// The schedulers' loop: kicks coalesce into one pass per turn, the timer runs the next pass
// at the time the last one asked for, and nothing runs after stop.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CoalescedPump } from '../../src/main/core/coalescedPump'

beforeEach(() => vi.useFakeTimers({ now: 0 }))
afterEach(() => vi.useRealTimers())

/** Moves the clock, then lets the pass a timer's kick queued run. */
async function advance(ms: number) {
  await vi.advanceTimersByTimeAsync(ms)
  await vi.advanceTimersByTimeAsync(0)
}

function pumpAsking(wakeIn: number) {
  const passes: number[] = []
  const pump = new CoalescedPump(() => (passes.push(Date.now()), Date.now() + wakeIn), { now: () => Date.now() })
  return { pump, passes }
}

describe('CoalescedPump', () => {
  it('many kicks in one turn run one pass, on the next turn', async () => {
    const { pump, passes } = pumpAsking(30_000)
    pump.start()
    for (let i = 0; i < 100; i++) pump.kick()
    expect(passes).toEqual([])
    await vi.advanceTimersByTimeAsync(0)
    expect(passes).toHaveLength(1)
    pump.kick()
    pump.kick()
    await vi.advanceTimersByTimeAsync(0)
    expect(passes).toHaveLength(2)
  })

  // (Fake timers run a queued immediate a millisecond late, hence the margins of 1 ms.)
  it('runs again when the last pass asked, not before', async () => {
    const { pump, passes } = pumpAsking(5000)
    pump.start()
    await advance(4999)
    expect(passes).toEqual([0])
    await advance(2)
    expect(passes).toHaveLength(2)
    expect(passes[1]).toBeGreaterThanOrEqual(5000)
    // A kick in between moves the next timed pass: it is counted from the latest pass.
    await advance(2000)
    pump.kick()
    await advance(0)
    const kicked = passes[2]
    await advance(4990)
    expect(passes).toHaveLength(3)
    await advance(20)
    expect(passes).toHaveLength(4)
    expect(passes[3] - kicked).toBeGreaterThanOrEqual(5000)
  })

  it('a time already past still waits a moment (no busy loop)', async () => {
    const { pump, passes } = pumpAsking(-10)
    pump.start()
    await advance(0)
    expect(passes).toHaveLength(1)
    await advance(5)
    expect(passes.length).toBeGreaterThan(1)
    expect(passes.length).toBeLessThanOrEqual(6)
  })

  it('nothing runs before start or after stop, kicked or timed', async () => {
    const { pump, passes } = pumpAsking(1000)
    pump.kick()
    await advance(5000)
    expect(passes).toEqual([])
    pump.start()
    await vi.advanceTimersByTimeAsync(0)
    pump.kick()
    pump.stop()
    await advance(10_000)
    expect(passes).toEqual([5000])
    expect(pump.running).toBe(false)
  })
})
