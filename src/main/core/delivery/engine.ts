// The delivery engine: sends each endpoint's queue in order, endpoints in parallel, starting
// the moment intake commits. Every attempt is recorded; transient failures are rescheduled
// by the retry policy; rate limits pause the endpoint instead of collecting 429s.
import { randomBytes } from 'node:crypto'
import type { Dispatcher } from 'undici'
import { ATTENTION_ALERT_TTL_HOURS, ATTENTION_ALERT_TYPE, type AttentionAlert } from '../../../shared/attentionAlert'
import { conversationKey } from '../../../shared/conversation'
import type { KnockerEvent } from '../../../shared/events'
import type { ChannelRegistry } from '../channels/registry'
import type { DigestItem, FormatContext, LateNotice, Outcome, PreparedRequest, SendContext, SendResult } from '../channels/types'
import { KIND_LABELS } from '../../../shared/endpointKinds'
import type { Clock } from '../clock'
import type { EndpointsRepo } from '../db/endpointsRepo'
import type { SettingsRepo } from '../db/settingsRepo'
import type { Logger } from '../log/logger'
import { redactText } from '../log/redact'
import type { AttentionAlerts } from './attentionAlerts'
import { Connectivity, type OfflineState } from './connectivity'
import { DeliveryQueue, ThreadStore, type DeliveryRow, type DeliveryUpdate, type QueueHead } from './deliveryQueue'
import { PacingBuckets } from './pacing'
import { decideRetry } from './retryPolicy'

export const RESPONSE_BODY_LIMIT = 4096
/** Re-check the queue at least this often (lease expiries, clock jumps after sleep). */
const SAFETY_PUMP_MS = 30_000
/** A message going out later than this after Knocker received its event says so. */
export const LATE_AFTER_MS = 5 * 60_000
/** A backlog: this many messages due for one endpoint, the oldest waiting at least this long
 * (after an outage, or a burst faster than the service takes). It goes as digests where the
 * service allows one; a fresh burst within the service's pace still goes one by one. */
export const DIGEST_MIN_BACKLOG = 3
export const DIGEST_AFTER_WAIT_MS = 10_000
/** Consecutive refused messages (each a permanent error) that pause an endpoint. */
export const PERMANENT_FAILURES_TO_PAUSE = 3
/** How often deliveries past their time to live are failed. */
const EXPIRY_SWEEP_MS = 60_000

export interface EngineOptions {
  queue: DeliveryQueue
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
  /** An endpoint was flagged "needs attention" (the desktop shell shows a notification). */
  onAttention?: (endpoint: { id: string; name: string; reason: string }) => void
  /** Knocker went offline (state) or came back online (null). */
  onConnectivity?: (offline: OfflineState | null) => void
  /** Deliveries changed by the engine: an attempt recorded (with its effect on the endpoint),
   * interrupted ones recovered, overdue ones expired. */
  onDeliveriesChanged?: () => void
  random?: () => number
}

export interface AttemptResult {
  delivery: DeliveryRow
  outcome: Outcome
  statusCode: number | null
  durationMs: number
  status: DeliveryRow['status']
}

type Trigger = 'scheduled' | 'manual' | 'test'

export class DeliveryEngine {
  readonly instanceId = randomBytes(6).toString('hex')
  private running = false
  private pumpQueued = false
  private timer: NodeJS.Timeout | null = null
  private readonly inFlight = new Map<string, Promise<void>>()
  /** Deliveries released at stop while their send was still out: their late result is dropped. */
  private readonly released = new Set<number>()
  private readonly endpointPausedUntil = new Map<string, number>()
  private readonly kindPausedUntil = new Map<string, number>()
  private readonly pacing = new PacingBuckets()
  readonly connectivity: Connectivity
  /** Consecutive refused messages per endpoint, reset by a delivered one. */
  private readonly permanentStreak = new Map<string, number>()
  /** Round-robin position of offline probes, so one dead host can't hide that others work. */
  private probeTurn = 0
  private nextExpirySweepAt = 0

  constructor(private readonly o: EngineOptions) {
    this.connectivity = new Connectivity({
      activeEndpoints: () => this.o.endpoints.list().filter((e) => e.enabled && !e.needsAttention).length,
      onChange: (offline) => {
        if (offline) {
          this.o.logger.warn({ since: offline.since }, 'offline: no destination reachable; holding deliveries and probing')
        } else {
          // Back online: everything waiting on a network backoff goes now, in order.
          const resumed = this.o.queue.resumeAfterOutage(this.o.clock.now())
          this.o.logger.info({ resumed }, 'online again: draining the queues')
          this.kick()
        }
        this.o.onConnectivity?.(offline)
      },
    })
  }

  start(): void {
    this.recoverOrphans()
    this.running = true
    this.kick()
  }

  /** Stop taking work, give in-flight sends a grace period, then release what is left so it
   * is sent again after restart. */
  async stop(): Promise<void> {
    this.running = false
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const grace = this.o.stopGraceMs ?? 5000
    const all = Promise.allSettled([...this.inFlight.values()])
    const timedOut = await Promise.race([all.then(() => false), sleep(grace).then(() => true)])
    if (timedOut) this.recoverOrphans('Knocker was shutting down before the destination answered; it will be sent again')
    await Promise.allSettled(Object.values(this.o.channels).map((channel) => channel.dispose?.()))
  }

  /** Look at the queue as soon as possible (coalesced). */
  kick(): void {
    if (!this.running || this.pumpQueued) return
    this.pumpQueued = true
    setImmediate(() => {
      this.pumpQueued = false
      this.pump()
    })
  }

  /** When the network went away (no destination reachable), or null while online. */
  offlineSince(): number | null {
    return this.connectivity.state?.since ?? null
  }

  get busy(): boolean {
    return this.inFlight.size > 0
  }

  private pump(): void {
    if (!this.running) return
    const now = this.o.clock.now()
    if (now >= this.nextExpirySweepAt) {
      this.nextExpirySweepAt = now + EXPIRY_SWEEP_MS
      this.expireOverdue(now)
    }
    let wakeAt = Math.min(now + SAFETY_PUMP_MS, this.nextExpirySweepAt)
    const offline = this.connectivity.state
    const heads = this.o.queue.heads()
    // Offline, only a probe goes out: the next endpoint in turn that isn't waiting on a rate
    // limit, whatever its own backoff says. Its answer tells whether the network is back.
    const ready = heads.filter((head) => !this.inFlight.has(head.endpointId) && this.rateWaitUntil(head, now) <= now)
    if (offline) {
      if (this.inFlight.size === 0 && ready.length > 0 && this.connectivity.mayProbe(now)) {
        const probe = ready[this.probeTurn++ % ready.length]
        this.connectivity.probing(now)
        this.launch(probe, now)
      } else if (offline.nextProbeAt > now) {
        wakeAt = Math.min(wakeAt, offline.nextProbeAt)
      }
    } else {
      for (const head of heads) {
        if (this.inFlight.has(head.endpointId)) continue
        const notBefore = Math.max(head.nextAttemptAt, this.rateWaitUntil(head, now))
        if (notBefore > now) {
          wakeAt = Math.min(wakeAt, notBefore)
          continue
        }
        this.launch(head, now)
      }
    }
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => this.kick(), Math.max(wakeAt - this.o.clock.now(), 1))
    this.timer.unref?.()
  }

  /** When rate limits and pacing let this endpoint send again. */
  private rateWaitUntil(head: QueueHead, now: number): number {
    return Math.max(
      this.endpointPausedUntil.get(head.endpointId) ?? 0,
      this.kindPausedUntil.get(head.kind) ?? 0,
      now + this.pacing.waitMs(head.endpointId, this.o.channels[head.kind].pacing, now),
    )
  }

  private launch(head: QueueHead, now: number): void {
    const batch = this.claimBatch(head, now)
    if (batch.length === 0) return
    this.pacing.take(head.endpointId, this.o.channels[head.kind].pacing, now)
    const run = this.attemptBatch(batch, batch[0].nextTrigger === 'manual' ? 'manual' : 'scheduled')
      .then(() => undefined)
      .catch((error) => this.o.logger.error({ err: error, deliveryId: batch[0].id }, 'delivery attempt crashed'))
      .finally(() => {
        this.inFlight.delete(head.endpointId)
        this.kick()
      })
    this.inFlight.set(head.endpointId, run)
  }

  /** The head delivery, plus the ones due right after it when they fit one digest message. */
  private claimBatch(head: QueueHead, now: number): DeliveryRow[] {
    const lease = now + this.o.timeoutMs + 30_000
    const channel = this.o.channels[head.kind]
    const endpoint = this.o.endpoints.get(head.endpointId)
    const digestable =
      channel.digest && endpoint && endpoint.options.forum !== true && endpoint.options.digests !== false && !this.connectivity.state
    if (digestable) {
      const run = this.o.queue.dueRun(head.endpointId, head.id, now, channel.digest!.maxItems)
      // Knocker's own alerts always go alone: the run stops before the first one.
      const firstAlert = run.findIndex((d) => d.eventType === ATTENTION_ALERT_TYPE)
      const due = firstAlert === -1 ? run : run.slice(0, firstAlert)
      if (due.length >= DIGEST_MIN_BACKLOG && now - due[0].createdAt >= DIGEST_AFTER_WAIT_MS) {
        const { included } = channel.digest!.format(due.map((d) => this.digestItem(d, endpoint.options, now)))
        const claimed = this.o.queue.claimMany(due.slice(0, Math.max(1, included)).map((d) => d.id), this.instanceId, lease, now)
        if (claimed.length > 0) return claimed
      }
    }
    const single = this.o.queue.claim(head.id, this.instanceId, lease, now)
    return single ? [single] : []
  }

  private digestItem(delivery: DeliveryRow, options: Record<string, unknown>, now: number): DigestItem {
    const stored = this.o.queue.event(delivery.eventSeq)
    const event = JSON.parse(stored.payload) as KnockerEvent
    return {
      event,
      ctx: {
        test: false,
        options,
        settings: {},
        delivery: { id: delivery.id, eventId: stored.eventId, endpointId: delivery.endpointId, createdAt: delivery.createdAt },
        conversation: conversationKey(event),
        threadId: null,
        late: this.lateNotice(delivery, 'scheduled', now),
      },
    }
  }

  /** "2 h 11 min late — the museum was offline", when a message goes out well after arrival. */
  private lateNotice(delivery: DeliveryRow, trigger: Trigger, now: number): LateNotice | null {
    const ms = now - delivery.createdAt
    if (trigger === 'test' || ms < LATE_AFTER_MS) return null
    const kind = this.o.endpoints.nameOf(delivery.endpointId)?.kind
    const reason =
      trigger === 'manual'
        ? 'sent again by hand'
        : this.connectivity.wasOfflineSince(delivery.createdAt) || delivery.lastErrorClass === 'network' || delivery.lastErrorClass === 'timeout'
          ? 'the museum was offline'
          : delivery.lastErrorClass === 'rate_limited'
            ? `${kind ? KIND_LABELS[kind] : 'the service'} was busy`
            : delivery.lastErrorClass === null
              ? 'it waited in the queue'
              : `${kind ? KIND_LABELS[kind] : 'the service'} was not accepting messages`
    return { ms, reason }
  }

  /** Deliveries past their event type's time to live fail, with the reason. */
  private expireOverdue(now: number): void {
    const expired = this.o.queue.expire(now, this.ttlHours())
    if (expired === 0) return
    this.o.logger.warn({ expired }, 'deliveries expired (not delivered within their time to live)')
    this.o.onDeliveriesChanged?.()
  }

  /** One attempt of a claimed delivery: format, send, classify, record. */
  async attempt(delivery: DeliveryRow, trigger: Trigger): Promise<AttemptResult> {
    return (await this.attemptBatch([delivery], trigger))[0]
  }

  /** One request for claimed deliveries of one endpoint: one message, or a digest of several
   * (in order). Each delivery gets its own attempt record and state. */
  private async attemptBatch(batch: DeliveryRow[], trigger: Trigger): Promise<AttemptResult[]> {
    const { queue, endpoints, channels, clock } = this.o
    const first = batch[0]
    const endpointId = first.endpointId
    const endpoint = endpoints.get(endpointId)
    const kind = endpoint?.kind ?? endpoints.nameOf(endpointId)!.kind
    const channel = channels[kind]
    const target = endpoint ? endpoints.target(endpointId) : null
    const settings = target && channel.publicSettings ? channel.publicSettings(target) : {}
    const now0 = clock.now()
    const items = batch.map((delivery) => {
      const stored = queue.event(delivery.eventSeq)
      // Knocker's own alert, or an event from the host app.
      const alert = stored.eventType === ATTENTION_ALERT_TYPE ? (JSON.parse(stored.payload) as AttentionAlert) : null
      const event = alert ? null : (JSON.parse(stored.payload) as KnockerEvent)
      const conversation = event ? conversationKey(event) : null
      return {
        event,
        alert,
        eventType: stored.eventType,
        isTest: stored.isTest,
        ctx: {
          test: stored.isTest,
          options: endpoint?.options ?? {},
          settings,
          delivery: { id: delivery.id, eventId: stored.eventId, endpointId, createdAt: delivery.createdAt },
          conversation,
          // Test sends never join (or open) a real report's thread.
          threadId: conversation && !stored.isTest ? this.o.threads.get(endpointId, conversation) : null,
          late: this.lateNotice(delivery, trigger, now0),
        },
      }
    })
    const ctx = items[0].ctx
    const sendCtx: SendContext = {
      dispatcher: this.o.dispatcher,
      timeoutMs: this.o.timeoutMs,
      allowPrivate: this.o.settings.get().allow_private_targets,
      now: clock.now,
    }
    const startedAt = clock.now()

    let prepared: PreparedRequest | null = null
    let result: SendResult
    let outcome: Outcome
    try {
      if (!endpoint || !target) throw new Error('the endpoint was deleted')
      if (batch.length > 1) {
        const digest = channel.digest!.format(items.map(digestItemOf))
        if (digest.included !== batch.length) throw new Error(`the digest took ${digest.included} of ${batch.length} messages`)
        prepared = digest
      } else {
        const { alert } = items[0]
        prepared = alert ? channel.formatAlert(alert, ctx) : channel.format(digestItemOf(items[0]).event, ctx)
      }
      const failedCheck = trigger === 'test' && channel.verify ? await channel.verify(target, sendCtx) : null
      result = failedCheck ?? (await channel.send(target, prepared, sendCtx))
      outcome = channel.classify(result, clock.now())
    } catch (error) {
      // A bug of ours (formatter crash), not the destination's: fail loudly, don't retry forever.
      const message = `Knocker could not build or send this message: ${redactText(String((error as Error)?.message ?? error))}`
      result = { ok: false, errorClass: 'network', message, durationMs: clock.now() - startedAt }
      outcome = { result: 'permanent', errorClass: 'rejected', message, flagEndpoint: false }
    }
    const released = batch.filter((d) => this.released.delete(d.id))
    if (released.length > 0) {
      return batch.map((delivery) => ({ delivery, outcome, statusCode: null, durationMs: result.durationMs, status: 'retrying' as const }))
    }
    const now = clock.now()
    // Any answer proves the network works; a failure before any answer may mean we are offline.
    if (result.ok) this.connectivity.answered(now)
    else if (prepared && (result.errorClass === 'network' || result.errorClass === 'timeout')) {
      this.connectivity.networkFailure(endpointId, now)
    }
    this.applyRateLimit(endpointId, kind, outcome)
    // A destination may echo what we sent (auth headers, tokens): nothing secret is stored.
    const scrub = secretScrubber(target && channel.secretValues ? channel.secretValues(target) : [])
    if (outcome.result !== 'delivered') outcome = { ...outcome, message: scrub(outcome.message) }
    else if (outcome.note) outcome = { ...outcome, note: scrub(outcome.note) }
    const response = result.ok ? result.response : null
    const digestNote =
      batch.length > 1 ? `Sent as one message with ${batch.length - 1} other${batch.length > 2 ? 's' : ''} (deliveries #${first.id}–#${batch[batch.length - 1].id}), as a digest` : null

    const results = batch.map((delivery, i) => {
      const update = { ...this.nextState(delivery, outcome, trigger, items[i].ctx, items[i].eventType), lastStatusCode: response?.status ?? null }
      const note = [outcome.result === 'delivered' && outcome.note ? redactText(outcome.note) : null, digestNote].filter(Boolean).join('. ')
      queue.finish(
        {
          deliveryId: delivery.id,
          attemptNo: delivery.attemptCount,
          trigger,
          startedAt,
          durationMs: Math.round(result.durationMs),
          outcome: outcome.result === 'delivered' ? 'delivered' : update.status === 'failed' ? 'failed' : 'retry',
          statusCode: response?.status ?? null,
          errorClass: outcome.result === 'delivered' ? null : outcome.errorClass,
          errorMessage: outcome.result === 'delivered' ? null : redactText(outcome.message),
          note: note || null,
          // A digest's body is kept once, with its first delivery.
          requestBody: prepared && i === 0 ? JSON.stringify(prepared.body) : null,
          responseHeaders: response ? scrub(JSON.stringify(response.headers)) : null,
          responseBody: response ? scrub(redactText(response.body.slice(0, RESPONSE_BODY_LIMIT))) : null,
        },
        update,
        now,
      )
      return { delivery, outcome, statusCode: response?.status ?? null, durationMs: Math.round(result.durationMs), status: update.status! }
    })

    const conversation = ctx.conversation
    if (outcome.result === 'delivered' && outcome.threadId && ctx.options.forum === true && conversation && !ctx.threadId && !items[0].isTest) {
      this.o.threads.save(endpointId, conversation, outcome.threadId, now)
    }
    if (outcome.result === 'retry' && outcome.threadGone && conversation && ctx.threadId) {
      this.o.threads.forget(endpointId, conversation)
    }
    this.updateEndpointHealth(endpoint, outcome, trigger, now, items[0].alert !== null)
    this.o.onDeliveriesChanged?.()
    this.o.logger.info(
      {
        deliveryId: first.id,
        ...(batch.length > 1 ? { digestOf: batch.length } : {}),
        endpointId,
        attempt: first.attemptCount,
        result: outcome.result,
        status: response?.status,
        errorClass: outcome.result === 'delivered' ? undefined : outcome.errorClass,
        ms: Math.round(result.durationMs),
      },
      'delivery attempt',
    )
    return results
  }

  /** Flags (pauses) an endpoint on an unmistakable error, or after several refused messages in
   * a row; a successful manual send clears the flag. Network trouble never counts. A new flag
   * alerts the endpoint's fallback, unless what failed was itself an alert (no chains). */
  private updateEndpointHealth(
    endpoint: ReturnType<EndpointsRepo['get']>,
    outcome: Outcome,
    trigger: Trigger,
    now: number,
    wasAlert: boolean,
  ): void {
    if (!endpoint) return
    const { endpoints } = this.o
    if (outcome.result === 'delivered') {
      this.permanentStreak.delete(endpoint.id)
      if (trigger !== 'scheduled' && endpoints.get(endpoint.id)?.needsAttention) {
        // A person tested or retried and it worked: the destination is fixed, resume its queue.
        endpoints.clearFlag(endpoint.id)
      }
      return
    }
    if (outcome.result !== 'permanent') return
    if (outcome.disableEndpoint) endpoints.update(endpoint.id, { enabled: false }, now)
    // A test's sample message says nothing about the real ones, unless the endpoint itself is gone.
    const streak = (this.permanentStreak.get(endpoint.id) ?? 0) + (trigger === 'test' ? 0 : 1)
    this.permanentStreak.set(endpoint.id, streak)
    const reason =
      outcome.flagEndpoint || outcome.disableEndpoint
        ? outcome.message
        : streak >= PERMANENT_FAILURES_TO_PAUSE
          ? `${streak} messages in a row were refused; the last: ${outcome.message}`
          : null
    if (!reason) return
    this.permanentStreak.delete(endpoint.id)
    const flagged = this.o.alerts.flag(endpoint.id, reason, now, { alertFallback: !wasAlert })
    this.o.logger.warn({ endpointId: endpoint.id, reason }, 'endpoint needs attention')
    if (flagged.newlyFlagged) this.o.onAttention?.({ id: endpoint.id, name: endpoint.name, reason: redactText(reason) })
    if (flagged.alertDeliveryId !== null) this.kick()
  }

  /** Time to live per event type: the settings', and the alerts' own. */
  private ttlHours(): Record<string, number> {
    return { ...this.o.settings.get().ttl_hours, [ATTENTION_ALERT_TYPE]: ATTENTION_ALERT_TTL_HOURS }
  }

  private nextState(delivery: DeliveryRow, outcome: Outcome, trigger: Trigger, ctx: FormatContext, eventType: string): DeliveryUpdate {
    const now = this.o.clock.now()
    const ttlHours = this.ttlHours()[eventType] ?? 48
    if (outcome.result === 'delivered') {
      return {
        status: 'delivered',
        deliveredAt: now,
        remoteId: outcome.remoteId ?? null,
        lastErrorClass: null,
        lastError: null,
      }
    }
    const failure = { lastErrorClass: outcome.errorClass, lastError: redactText(outcome.message) }
    if (outcome.result === 'permanent' || trigger === 'test') {
      return { ...failure, status: 'failed' }
    }
    const decision = decideRetry(
      {
        errorClass: outcome.errorClass,
        failureCount: delivery.failureCount + 1,
        networkFailureCount: this.o.queue.trailingNetworkFailures(delivery.id) + 1,
        retryAfterMs: outcome.retryAfterMs,
        // A person's retry starts the time to live again.
        ageMs: trigger === 'manual' ? 0 : now - delivery.createdAt,
        ttlMs: ttlHours * 3600_000,
        // Only a post into a known thread can lose it; anything else backs off as usual.
        threadGone: outcome.threadGone === true && ctx.threadId !== null,
      },
      this.o.random,
    )
    if (decision.action === 'give_up') {
      return { ...failure, status: 'failed', lastError: `${failure.lastError} (${decision.reason})` }
    }
    return {
      ...failure,
      status: 'retrying',
      nextAttemptAt: now + decision.delayMs,
      failureCount: delivery.failureCount + (decision.countsAsFailure ? 1 : 0),
    }
  }

  private applyRateLimit(endpointId: string, kind: string, outcome: Outcome): void {
    const hint = outcome.rateLimit
    if (!hint || hint.waitMs <= 0) return
    const until = this.o.clock.now() + hint.waitMs
    const map = hint.global ? this.kindPausedUntil : this.endpointPausedUntil
    const key = hint.global ? kind : endpointId
    map.set(key, Math.max(map.get(key) ?? 0, until))
  }

  /** How long a direct send (test) should wait to respect a known rate limit. */
  pauseRemainingMs(endpointId: string, kind: string): number {
    const until = Math.max(this.endpointPausedUntil.get(endpointId) ?? 0, this.kindPausedUntil.get(kind) ?? 0)
    return Math.max(0, until - this.o.clock.now())
  }

  /** Deliveries left in "sending" (by a crash, or by this process at stop) go back in the
   * queue with an attempt that says what happened. Test sends are not retried. */
  private recoverOrphans(reason = 'Knocker stopped before the destination answered; sending again'): void {
    const now = this.o.clock.now()
    for (const orphan of this.o.queue.orphaned()) {
      if (this.inFlight.size > 0) this.released.add(orphan.id)
      this.o.queue.finish(
        {
          deliveryId: orphan.id,
          attemptNo: orphan.attemptCount,
          trigger: orphan.isTest ? 'test' : orphan.nextTrigger === 'manual' ? 'manual' : 'scheduled',
          startedAt: orphan.updatedAt,
          durationMs: Math.max(0, now - orphan.updatedAt),
          outcome: orphan.isTest ? 'failed' : 'retry',
          statusCode: null,
          errorClass: 'network',
          errorMessage: reason,
          requestBody: null,
          responseHeaders: null,
          responseBody: null,
        },
        orphan.isTest
          ? { status: 'failed', lastErrorClass: 'network', lastError: reason }
          : { status: 'retrying', nextAttemptAt: now, lastErrorClass: 'network', lastError: reason },
        now,
      )
      this.o.logger.warn({ deliveryId: orphan.id }, 'recovered an interrupted delivery')
      this.o.onDeliveriesChanged?.()
    }
  }
}

/** A host-app event as a digest item; an alert never is one (claimBatch keeps them out). */
function digestItemOf(item: { event: KnockerEvent | null; ctx: FormatContext }): DigestItem {
  if (!item.event) throw new Error('an alert cannot be part of a digest')
  return { event: item.event, ctx: item.ctx }
}

/** Replaces every occurrence of the given secrets (and their base64 forms, as in Basic auth). */
export function secretScrubber(secrets: string[]): (text: string) => string {
  const needles = secrets
    .filter((s) => s.length >= 6)
    .flatMap((s) => [s, Buffer.from(s).toString('base64')])
    .sort((a, b) => b.length - a.length)
  if (needles.length === 0) return (text) => text
  return (text) => needles.reduce((out, needle) => out.split(needle).join('[redacted]'), text)
}

function sleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms))
}
