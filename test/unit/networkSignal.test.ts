// The desktop's network hints: offline → online as Electron's net.isOnline() reports it, and
// waking or unlocking the computer, each tell the core once; nothing else does.
import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { watchNetworkSignals } from '../../src/main/shell/networkSignal'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

function setUp(initiallyOnline: boolean) {
  const state = { online: initiallyOnline }
  const powerMonitor = new EventEmitter()
  const hints: number[] = []
  const stop = watchNetworkSignals({ isOnline: () => state.online, powerMonitor }, () => hints.push(Date.now()), 1000)
  return { state, powerMonitor, hints, stop }
}

describe('watchNetworkSignals', () => {
  it('tells once when the OS goes from offline to online, not while it stays either', async () => {
    const s = setUp(false)
    await vi.advanceTimersByTimeAsync(5000)
    expect(s.hints).toHaveLength(0)
    s.state.online = true
    await vi.advanceTimersByTimeAsync(1000)
    expect(s.hints).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(5000)
    expect(s.hints).toHaveLength(1)
    s.state.online = false
    await vi.advanceTimersByTimeAsync(1000)
    expect(s.hints).toHaveLength(1)
    s.state.online = true
    await vi.advanceTimersByTimeAsync(1000)
    expect(s.hints).toHaveLength(2)
    s.stop()
  })

  it('tells on resume and unlock; after stop, nothing', async () => {
    const s = setUp(true)
    s.powerMonitor.emit('resume')
    s.powerMonitor.emit('unlock-screen')
    expect(s.hints).toHaveLength(2)
    s.stop()
    s.powerMonitor.emit('resume')
    s.state.online = false
    await vi.advanceTimersByTimeAsync(1000)
    s.state.online = true
    await vi.advanceTimersByTimeAsync(1000)
    expect(s.hints).toHaveLength(2)
    expect(s.powerMonitor.listenerCount('resume')).toBe(0)
  })
})
