// The OS's word on the network, for the desktop app: Electron's net.isOnline() going from
// false to true, or the computer waking up or being unlocked, tells the core the network may
// be back, so an offline Knocker probes at once instead of at its next turn. It is a hint
// only: the probe decides. Polling isOnline() is a local call; it sends nothing.

/** How often net.isOnline() is read. */
const POLL_MS = 2000

export interface NetworkSignalSources {
  isOnline: () => boolean
  /** Electron's powerMonitor: 'resume' and 'unlock-screen'. */
  powerMonitor: { on(event: 'resume' | 'unlock-screen', listener: () => void): unknown; off(event: 'resume' | 'unlock-screen', listener: () => void): unknown }
}

/** Calls `mayBeBack` on each sign; returns a function that stops watching. */
export function watchNetworkSignals(sources: NetworkSignalSources, mayBeBack: () => void, pollMs = POLL_MS): () => void {
  let online = sources.isOnline()
  const poll = setInterval(() => {
    const now = sources.isOnline()
    if (now && !online) mayBeBack()
    online = now
  }, pollMs)
  poll.unref?.()
  const woke = () => mayBeBack()
  sources.powerMonitor.on('resume', woke)
  sources.powerMonitor.on('unlock-screen', woke)
  return () => {
    clearInterval(poll)
    sources.powerMonitor.off('resume', woke)
    sources.powerMonitor.off('unlock-screen', woke)
  }
}
