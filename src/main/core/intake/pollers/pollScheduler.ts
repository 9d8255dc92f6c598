// Runs the pollers: each enabled one at its interval, one poll at a time per poller, spaced
// out after failures (an unreachable host is usually our own connection being down, and a
// refused key won't fix itself). Every page of events goes through intake's own path:
// validated like a pushed batch, deduplicated by event_id and written with the group commit,
// in the same transaction as the snapshot or cursor that goes with it.
import type { Dispatcher } from 'undici'
import type { PollerId } from '../../../../shared/pollers'
import { TargetError } from '../../channels/types'
import { parseTargetUrl } from '../../channels/outbound/targetUrl'
import { guardedAgent } from '../../channels/webhook/privateAddressGuard'
import type { Clock } from '../../clock'
import { CoalescedPump } from '../../coalescedPump'
import type { PollerRecord, PollersRepo } from '../../db/pollersRepo'
import type { SettingsRepo } from '../../db/settingsRepo'
import type { Logger } from '../../log/logger'
import type { IntakeWriter } from '../intakeWriter'
import { validateEvents } from '../validateIntake'
import { eventFeedPoller } from './eventFeedPoller'
import { machinesPoller } from './machinesPoller'
import type { CommitResult, Poller, PollFailure, PollPage } from './poller'
import { seeTheLog } from '../../log/logLocation'

/** Re-check at least this often (a clock that jumped, a machine that slept). */
const SAFETY_WAKE_MS = 30_000
const MAX_BACKOFF_MS = 3_600_000

export const HOST_URL_EXPECTED = "Enter the host app's address, e.g. https://flipfix.theflip.museum"

const POLLERS: Record<PollerId, Poller> = { machines: machinesPoller, event_feed: eventFeedPoller }

/** The wait after `failures` failed polls in a row: the interval doubled per failure, at most an
 * hour (or the interval, when that is longer). */
function backoffMs(intervalSeconds: number, failures: number): number {
  const interval = intervalSeconds * 1000
  return Math.min(interval * 2 ** Math.min(failures, 20), Math.max(MAX_BACKOFF_MS, interval))
}

export interface PollSchedulerOptions {
  repo: PollersRepo
  intake: IntakeWriter
  settings: SettingsRepo
  clock: Clock
  logger: Logger
  dispatcher: Dispatcher
  /** Per request to the host app. */
  timeoutMs: number
  pollers?: Record<PollerId, Poller>
  /** A poll's page brought new events (committed). */
  onAccepted?: (newEvents: number) => void
  /** A poller's new state, inside the transaction that stores it (the machines poller's
   * snapshot refreshes the machine-health projection). Must not throw. */
  onStateSaved?: (id: PollerId, state: string | null, site: URL, now: number) => void
  /** Where the log is (named in the status of a poll that failed inside Knocker). */
  logLocation: string
}

export class PollScheduler {
  private readonly pump: CoalescedPump
  private readonly inFlight = new Map<PollerId, Promise<void>>()

  constructor(private readonly o: PollSchedulerOptions) {
    this.pump = new CoalescedPump(() => this.pass(), o.clock)
  }

  start(): void {
    this.pump.start()
  }

  async stop(): Promise<void> {
    this.pump.stop()
    await Promise.allSettled([...this.inFlight.values()])
  }

  /** Look at the pollers' times as soon as possible (coalesced). Tests call it after moving the clock. */
  kick(): void {
    this.pump.kick()
  }

  /** Poll now (after any poll already running), whatever the schedule says. */
  async pollNow(id: PollerId): Promise<void> {
    await this.inFlight.get(id)
    await (this.inFlight.get(id) ?? this.launch(id))
  }

  /** Change a poller's settings between polls, never during one (its result belongs to the old ones). */
  async reconfigure<T>(id: PollerId, apply: () => T): Promise<T> {
    await this.inFlight.get(id)
    const result = apply()
    this.kick()
    return result
  }

  /** Launches the polls that are due; returns when to look again. */
  private pass(): number {
    const now = this.o.clock.now()
    let wakeAt = now + SAFETY_WAKE_MS
    for (const record of this.o.repo.list()) {
      if (!record.enabled || !record.baseUrl || !record.hasApiKey || this.inFlight.has(record.id)) continue
      const due = record.nextPollAt ?? now
      if (due <= now) this.launch(record.id)
      else wakeAt = Math.min(wakeAt, due)
    }
    return wakeAt
  }

  private launch(id: PollerId): Promise<void> {
    const run = this.runPoll(id).finally(() => {
      this.inFlight.delete(id)
      this.kick()
    })
    this.inFlight.set(id, run)
    return run
  }

  private async runPoll(id: PollerId): Promise<void> {
    const { repo, clock, logger } = this.o
    const record = repo.get(id)
    const now = clock.now()
    let failure: PollFailure | null
    try {
      failure = await this.poll(record, now)
    } catch (error) {
      logger.error({ err: error, poller: id }, 'poll failed unexpectedly')
      failure = { kind: 'bad_response', message: `Knocker failed while reading the answer; ${seeTheLog(this.o.logLocation)}` }
    }
    if (failure === null) {
      repo.recordSuccess(id, { now, nextPollAt: now + record.intervalSeconds * 1000 })
      return
    }
    const failures = record.consecutiveFailures + 1
    repo.recordFailure(id, { message: failure.message, now, nextPollAt: now + backoffMs(record.intervalSeconds, failures) })
    logger.warn({ poller: id, kind: failure.kind, failures }, `poller ${id}: ${failure.message}`)
  }

  private async poll(record: PollerRecord, now: number): Promise<PollFailure | null> {
    const allowPrivate = this.o.settings.get().allow_private_targets
    const apiKey = this.o.repo.apiKey(record.id)
    if (!record.baseUrl || !apiKey) return { kind: 'refused', message: 'Set the address and the API key first' }
    let baseUrl: URL
    try {
      // Checked again at every poll: "allow private targets" may have been switched off since.
      baseUrl = parseTargetUrl(record.baseUrl, { expected: HOST_URL_EXPECTED, allowPrivate })
    } catch (error) {
      if (error instanceof TargetError) return { kind: 'refused', message: error.message }
      throw error
    }
    // Without allow_private_targets, a public name that resolves to a private address is refused too.
    const dispatcher = allowPrivate ? this.o.dispatcher : guardedAgent()
    const commit = (page: PollPage) => this.commit(record.id, page, baseUrl, now)
    const poller = (this.o.pollers ?? POLLERS)[record.id]
    return poller.poll(
      { baseUrl, apiKey, state: record.state, stateVersion: record.stateVersion, now, http: { dispatcher, timeoutMs: this.o.timeoutMs } },
      commit,
    )
  }

  /** A page's events through intake's path, with the poller's state in the same transaction. */
  private async commit(id: PollerId, page: PollPage, site: URL, now: number): Promise<CommitResult> {
    const { events, issues } = validateEvents(page.events)
    if (issues.length > 0) {
      const bad = new Set(issues.map((i) => i.path.split('.').slice(0, 2).join('.'))).size
      const first = issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`)
      return {
        ok: false,
        message: `${page.source} sent ${bad} invalid event${bad === 1 ? '' : 's'} of ${page.events.length}; nothing of it was stored (${first.join('; ')})`,
      }
    }
    let emitted = 0
    const results = await this.o.intake.submit(events, {
      inSameCommit: (accepted) => {
        emitted = accepted.filter((a) => !a.duplicate).length
        this.o.repo.saveState(id, { state: page.state, stateVersion: page.stateVersion, emitted })
        this.o.onStateSaved?.(id, page.state, site, now)
      },
    })
    if (emitted > 0) this.o.onAccepted?.(emitted)
    return { ok: true, emitted, duplicates: results.length - emitted }
  }
}
