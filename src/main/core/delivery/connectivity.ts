// Is the museum PC online? Network-level failures (DNS, refused, reset, TLS, timeouts) at more
// than one destination, with no answer from anywhere in between, mean the problem is ours, not
// the receivers'. Then Knocker is *offline*: it stops sending, probes one destination at a time
// with backoff, and when anything answers (any HTTP status) it is online again and drains
// every queue. Any answer at all proves the network works, so it resets the state.

/** Waits between offline probes. A probe is one tiny request (see channels/outbound/reachable),
 * so it can go every 8 s however long the outage: the first delivery follows within about
 * 8 s of the network coming back. */
const PROBE_BACKOFF_MS = [2_000, 4_000, 8_000]

export interface OfflineState {
  since: number
  /** When the next probe may go out. */
  nextProbeAt: number
}

export class Connectivity {
  /** Endpoints whose last attempt failed at the network level, since the last answer. */
  private readonly failing = new Set<string>()
  private firstFailureAt: number | null = null
  private offline: OfflineState | null = null
  private probes = 0
  /** The end of the last outage, for "late because the museum was offline". */
  private lastOutage: { since: number; until: number } | null = null

  constructor(
    private readonly o: {
      /** How many endpoints could be sending now (enabled, not flagged): with one, one is enough. */
      activeEndpoints: () => number
      onChange?: (offline: OfflineState | null) => void
    },
  ) {}

  get state(): OfflineState | null {
    return this.offline
  }

  /** An attempt failed before any answer came back. */
  networkFailure(endpointId: string, now: number): void {
    this.failing.add(endpointId)
    this.firstFailureAt ??= now
    if (this.offline) {
      this.scheduleProbe(now)
      return
    }
    const needed = Math.min(2, Math.max(1, this.o.activeEndpoints()))
    if (this.failing.size >= needed) {
      this.offline = { since: this.firstFailureAt, nextProbeAt: now }
      this.probes = 0
      this.scheduleProbe(now)
      this.o.onChange?.(this.offline)
    }
  }

  /** A destination answered (whatever the status): the network works. */
  answered(now: number): void {
    this.failing.clear()
    this.firstFailureAt = null
    if (!this.offline) return
    this.lastOutage = { since: this.offline.since, until: now }
    this.offline = null
    this.probes = 0
    this.o.onChange?.(null)
  }

  /** While offline: whether a probe may go now (the caller then sends exactly one). */
  mayProbe(now: number): boolean {
    return this.offline !== null && now >= this.offline.nextProbeAt
  }

  /** The caller launched a probe: the next waits until this one has an answer or backs off. */
  probing(now: number): void {
    if (this.offline) this.offline.nextProbeAt = now + 24 * 3600_000
  }

  /** A hint that the network is back (from the OS): while offline, the next probe may go now
   * (still one at a time) and the waits start again from the shortest. Whether it did. */
  probeSoon(now: number): boolean {
    if (!this.offline) return false
    this.probes = 0
    this.offline.nextProbeAt = Math.min(this.offline.nextProbeAt, now)
    return true
  }

  /** A probe got no answer: the next waits its turn. */
  probeFailed(now: number): void {
    this.scheduleProbe(now)
  }

  /** Whether Knocker was offline at some point after `since` (for late notices). */
  wasOfflineSince(since: number): boolean {
    if (this.offline) return true
    return this.lastOutage !== null && this.lastOutage.until >= since
  }

  private scheduleProbe(now: number): void {
    if (!this.offline) return
    const wait = PROBE_BACKOFF_MS[Math.min(this.probes, PROBE_BACKOFF_MS.length - 1)]
    this.probes++
    this.offline.nextProbeAt = now + wait
  }
}
