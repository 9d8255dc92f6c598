// The delivery engine: the stages wired together. The scheduler picks an endpoint's head;
// claim takes it (or a digest run) from the outbox; attempt formats, sends and classifies;
// backoff decides pauses and each delivery's next state; record writes the attempts; endpoint
// health flags what a person must fix. Each stage is its own file with its own tests.
import { randomBytes } from 'node:crypto'
import type { Dispatcher } from 'undici'
import type { ChannelRegistry } from '../channels/registry'
import type { SendContext } from '../channels/types'
import type { Clock } from '../clock'
import type { CoreEvents } from '../coreEvents'
import type { EndpointsRepo } from '../db/endpointsRepo'
import type { SettingsRepo } from '../db/settingsRepo'
import type { Logger } from '../log/logger'
import { attempt } from './attempt'
import type { AttentionAlerts } from './attentionAlerts'
import { Backoff, withWait } from './backoff'
import { Claim } from './claim'
import { Connectivity } from './connectivity'
import { EndpointHealth } from './endpointHealth'
import type { AttemptResult, ClaimedRun, DeliveryRow, Trigger } from './handoffs'
import type { Outbox } from './outbox'
import type { QueueSweeps } from './queueSweeps'
import type { QueueView } from './queueView'
import type { ReportEdits } from './reportEdits'
import { cleanOutcome, Recorder, secretScrubber } from './record'
import { Scheduler } from './scheduler'
import { DEFAULT_TTL_HOURS, ttlHoursOf } from './timeToLive'
import type { ThreadStore } from './threads'

export interface EngineOptions {
  outbox: Outbox
  queue: QueueView
  sweeps: QueueSweeps
  /** Reports' posts and their message ids (for edits when a report is closed or reopened). */
  reportEdits: ReportEdits
  threads: ThreadStore
  endpoints: EndpointsRepo
  settings: SettingsRepo
  /** Flags endpoints "needs attention" and alerts their fallback endpoints. */
  alerts: AttentionAlerts
  channels: ChannelRegistry
  clock: Clock
  logger: Logger
  dispatcher: Dispatcher
  timeoutMs: number
  /** How long to wait for in-flight sends on stop before releasing them. */
  stopGraceMs?: number
  /**
   * Where the engine says what happened: deliveries changed (an attempt recorded with its
   * effect on the endpoint, interrupted ones recovered, overdue ones expired), Knocker went
   * offline or came back, an endpoint was newly flagged "needs attention".
   */
  events: Pick<CoreEvents, 'changed' | 'attention'>
  /** Settles once every event accepted so far is on disk: nothing is sent before its event is. */
  eventsOnDisk: () => Promise<void>
  random?: () => number
}

export class DeliveryEngine {
  readonly instanceId = randomBytes(6).toString('hex')
  readonly connectivity: Connectivity
  private readonly backoff: Backoff
  private readonly claim: Claim
  private readonly recorder: Recorder
  private readonly health: EndpointHealth
  private readonly scheduler: Scheduler

  constructor(private readonly o: EngineOptions) {
    const { outbox, endpoints, channels, clock, logger } = o
    this.connectivity = new Connectivity({
      activeEndpoints: () => endpoints.list().filter((e) => e.enabled && !e.needsAttention).length,
      onChange: (offline) => {
        if (offline) {
          logger.warn({ since: offline.since }, 'offline: no destination reachable; holding deliveries and probing')
        } else {
          // Back online: everything waiting on a network backoff goes now, in order.
          logger.info({ resumed: o.sweeps.resumeAfterOutage(clock.now()) }, 'online again: draining the queues')
          this.kick()
        }
        // Offline or back: the tray and the window show it; waiting deliveries were rescheduled.
        o.events.changed('state', 'deliveries')
      },
    })
    this.backoff = new Backoff(o.random)
    this.claim = new Claim({
      outbox,
      queue: o.queue,
      threads: o.threads,
      endpoints,
      channels,
      owner: this.instanceId,
      timeoutMs: o.timeoutMs,
      offline: () => this.connectivity.state !== null,
      wasOfflineSince: (since) => this.connectivity.wasOfflineSince(since),
      messageOf: (postDeliveryId) => o.reportEdits.messageOf(postDeliveryId),
    })
    this.recorder = new Recorder({ outbox, threads: o.threads, reportEdits: o.reportEdits })
    this.health = new EndpointHealth({
      isFlagged: (id) => endpoints.get(id)?.needsAttention != null,
      clearFlag: (id) => endpoints.clearFlag(id),
      disable: (id, now) => void endpoints.update(id, { enabled: false }, now),
      flag: (id, reason, now, options) => o.alerts.flag(id, reason, now, options),
      onAttention: (endpoint) => o.events.attention(endpoint),
      onAlertQueued: () => this.kick(),
      warn: (fields, message) => logger.warn(fields, message),
    })
    this.scheduler = new Scheduler({
      outbox,
      queue: o.queue,
      sweeps: o.sweeps,
      connectivity: this.connectivity,
      backoff: this.backoff,
      pacingOf: (kind) => channels[kind].pacing,
      clock,
      logger,
      claim: (head, now) => this.claim.next(head, now),
      deliver: (run) => this.deliver(run),
      probe: (head) => {
        const channel = channels[head.kind]
        if (!channel.probe) return null
        try {
          return channel.probe(endpoints.target(head.endpointId), this.sendContext())
        } catch (error) {
          // A target that can't be opened: the real attempt records why.
          logger.error({ err: error, endpointId: head.endpointId }, 'offline probe could not start')
          return null
        }
      },
      ttlHours: () => ttlHoursOf(o.settings.get()),
      stopGraceMs: o.stopGraceMs,
      onDeliveriesChanged: () => this.deliveriesChanged(),
    })
  }

  // The window, the tray and the change stream refresh on it; 'state' because a delivery may
  // end an outage or flag an endpoint.
  private deliveriesChanged(): void {
    this.o.events.changed('deliveries', 'endpoints', 'state')
  }

  start(): void {
    this.scheduler.start()
  }

  async stop(): Promise<void> {
    await this.scheduler.stop()
    await Promise.allSettled(Object.values(this.o.channels).map((channel) => channel.dispose?.()))
  }

  /** Look at the queue as soon as possible (coalesced). */
  kick(): void {
    this.scheduler.kick()
  }

  /** While offline, probe now rather than at the probe's turn. */
  networkMayBeBack(): void {
    if (this.connectivity.probeSoon(this.o.clock.now())) this.kick()
  }

  /** When the network went away (no destination reachable), or null while online. */
  offlineSince(): number | null {
    return this.connectivity.state?.since ?? null
  }

  get busy(): boolean {
    return this.scheduler.busy
  }

  /** How long a direct send (test) should wait to respect a known rate limit. */
  pauseRemainingMs(endpointId: string, kind: string): number {
    return this.backoff.pauseRemainingMs(endpointId, kind, this.o.clock.now())
  }

  /** One attempt of a delivery claimed by the caller (a test send). */
  async attempt(delivery: DeliveryRow, trigger: Trigger): Promise<AttemptResult> {
    return (await this.deliver(this.claim.prepare([delivery], trigger, this.o.clock.now())))[0]
  }

  private sendContext(): SendContext {
    return {
      dispatcher: this.o.dispatcher,
      timeoutMs: this.o.timeoutMs,
      allowPrivate: this.o.settings.get().allow_private_targets,
      now: this.o.clock.now,
    }
  }

  /** One request for a claimed run; each of its deliveries gets its own attempt record and state. */
  private async deliver(run: ClaimedRun): Promise<AttemptResult[]> {
    const { outbox, channels, clock } = this.o
    const channel = channels[run.kind]
    // Intake's last commit may still be on its way to the disk (its fsync runs off the loop).
    await this.o.eventsOnDisk()
    const out = await attempt(channel, run, this.sendContext())
    const released = run.items.filter((item) => this.scheduler.takeReleased(item.delivery.id))
    if (released.length > 0) {
      const durationMs = out.result.durationMs
      return run.items.map(({ delivery }) => ({ delivery, outcome: out.outcome, statusCode: null, durationMs, status: 'retrying' as const }))
    }
    const now = clock.now()
    // Any answer proves the network works; a failure before any answer may mean we are offline.
    if (out.result.ok) this.connectivity.answered(now)
    else if (out.result.errorClass !== 'internal') this.connectivity.networkFailure(run.endpointId, now)
    this.backoff.observe(run.endpointId, run.kind, out.outcome, now)

    const scrub = secretScrubber(run.target !== null && channel.secretValues ? channel.secretValues(run.target) : [])
    const outcome = withWait(cleanOutcome(out.outcome, scrub))
    const ttlHours = ttlHoursOf(this.o.settings.get())
    const networkRetry = outcome.result === 'retry' && (outcome.errorClass === 'network' || outcome.errorClass === 'timeout')
    const updates = run.items.map((item) =>
      this.backoff.nextState({
        delivery: item.delivery,
        outcome,
        trigger: run.trigger,
        hadThread: item.ctx.threadId !== null,
        networkFailures: networkRetry ? this.o.queue.trailingNetworkFailures(item.delivery.id) : 0,
        ttlHours: ttlHours[item.eventType] ?? DEFAULT_TTL_HOURS,
        now,
      }),
    )
    const results = this.recorder.record({ run, attempt: out, outcome, updates, scrub, now })
    if (run.endpoint) this.health.after(run.endpoint, outcome, run.trigger, now, run.items[0].alert !== null)
    this.deliveriesChanged()
    const response = out.result.ok ? out.result.response : null
    this.o.logger.info(
      {
        deliveryId: run.items[0].delivery.id,
        ...(run.items.length > 1 ? { digestOf: run.items.length } : {}),
        endpointId: run.endpointId,
        attempt: run.items[0].delivery.attemptCount,
        result: outcome.result,
        status: response?.status,
        errorClass: outcome.result === 'delivered' ? undefined : outcome.errorClass,
        ms: Math.round(out.result.durationMs),
      },
      'delivery attempt',
    )
    return results
  }
}
