// The delivery engine: sends each endpoint's queue in order, endpoints in parallel, starting
// the moment intake commits. Every attempt is recorded; transient failures are rescheduled
// by the retry policy; rate limits pause the endpoint instead of collecting 429s.
import { randomBytes } from 'node:crypto'
import type { Dispatcher } from 'undici'
import { conversationKey } from '../../../shared/conversation'
import type { KnockerEvent } from '../../../shared/events'
import type { ChannelRegistry } from '../channels/registry'
import type { FormatContext, Outcome, PreparedRequest, SendContext, SendResult } from '../channels/types'
import type { Clock } from '../clock'
import type { EndpointsRepo } from '../db/endpointsRepo'
import type { SettingsRepo } from '../db/settingsRepo'
import type { Logger } from '../log/logger'
import { redactText } from '../log/redact'
import { DeliveryQueue, ThreadStore, type DeliveryRow, type DeliveryUpdate, type QueueHead } from './deliveryQueue'
import { PacingBuckets } from './pacing'
import { decideRetry } from './retryPolicy'

export const RESPONSE_BODY_LIMIT = 4096
/** Re-check the queue at least this often (lease expiries, clock jumps after sleep). */
const SAFETY_PUMP_MS = 30_000

export interface EngineOptions {
  queue: DeliveryQueue
  threads: ThreadStore
  endpoints: EndpointsRepo
  settings: SettingsRepo
  channels: ChannelRegistry
  clock: Clock
  logger: Logger
  dispatcher: Dispatcher
  timeoutMs: number
  /** How long to wait for in-flight sends on stop before releasing them. */
  stopGraceMs?: number
  /** An endpoint was flagged "needs attention" (the desktop shell shows a notification). */
  onAttention?: (endpoint: { id: string; name: string; reason: string }) => void
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

  constructor(private readonly o: EngineOptions) {}

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

  /** When the network went away (every destination unreachable), or null while online. */
  offlineSince(): number | null {
    return null
  }

  get busy(): boolean {
    return this.inFlight.size > 0
  }

  private pump(): void {
    if (!this.running) return
    const now = this.o.clock.now()
    let wakeAt = now + SAFETY_PUMP_MS
    for (const head of this.o.queue.heads()) {
      if (this.inFlight.has(head.endpointId)) continue
      const notBefore = Math.max(
        head.nextAttemptAt,
        this.endpointPausedUntil.get(head.endpointId) ?? 0,
        this.kindPausedUntil.get(head.kind) ?? 0,
        now + this.pacing.waitMs(head.endpointId, this.o.channels[head.kind].pacing, now),
      )
      if (notBefore > now) {
        wakeAt = Math.min(wakeAt, notBefore)
        continue
      }
      this.launch(head, now)
    }
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => this.kick(), Math.max(wakeAt - this.o.clock.now(), 1))
    this.timer.unref?.()
  }

  private launch(head: QueueHead, now: number): void {
    const delivery = this.o.queue.claim(head.id, this.instanceId, now + this.o.timeoutMs + 30_000, now)
    if (!delivery) return
    this.pacing.take(head.endpointId, this.o.channels[head.kind].pacing, now)
    const run = this.attempt(delivery, delivery.nextTrigger === 'manual' ? 'manual' : 'scheduled')
      .then(() => undefined)
      .catch((error) => this.o.logger.error({ err: error, deliveryId: delivery.id }, 'delivery attempt crashed'))
      .finally(() => {
        this.inFlight.delete(head.endpointId)
        this.kick()
      })
    this.inFlight.set(head.endpointId, run)
  }

  /** One attempt of a claimed delivery: format, send, classify, record. */
  async attempt(delivery: DeliveryRow, trigger: Trigger): Promise<AttemptResult> {
    const { queue, endpoints, channels, clock } = this.o
    const stored = queue.event(delivery.eventSeq)
    const event = JSON.parse(stored.payload) as KnockerEvent
    const endpoint = endpoints.get(delivery.endpointId)
    const kind = endpoint?.kind ?? endpoints.nameOf(delivery.endpointId)!.kind
    const channel = channels[kind]
    const conversation = conversationKey(event)
    const target = endpoint ? endpoints.target(delivery.endpointId) : null
    const ctx: FormatContext = {
      test: stored.isTest,
      options: endpoint?.options ?? {},
      settings: target && channel.publicSettings ? channel.publicSettings(target) : {},
      delivery: { id: delivery.id, eventId: stored.eventId, endpointId: delivery.endpointId, createdAt: delivery.createdAt },
      conversation,
      // Test sends never join (or open) a real report's thread.
      threadId: conversation && !stored.isTest ? this.o.threads.get(delivery.endpointId, conversation) : null,
    }
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
      prepared = channel.format(event, ctx)
      const failedCheck = trigger === 'test' && channel.verify ? await channel.verify(target, sendCtx) : null
      result = failedCheck ?? (await channel.send(target, prepared, sendCtx))
      outcome = channel.classify(result, clock.now())
    } catch (error) {
      // A bug of ours (formatter crash), not the destination's: fail loudly, don't retry forever.
      const message = `Knocker could not build or send this message: ${redactText(String((error as Error)?.message ?? error))}`
      result = { ok: false, errorClass: 'network', message, durationMs: clock.now() - startedAt }
      outcome = { result: 'permanent', errorClass: 'rejected', message, flagEndpoint: false }
    }
    if (this.released.delete(delivery.id)) {
      return { delivery, outcome, statusCode: null, durationMs: result.durationMs, status: 'retrying' }
    }
    this.applyRateLimit(delivery.endpointId, kind, outcome)
    // A destination may echo what we sent (auth headers, tokens): nothing secret is stored.
    const scrub = secretScrubber(target && channel.secretValues ? channel.secretValues(target) : [])
    if (outcome.result !== 'delivered') outcome = { ...outcome, message: scrub(outcome.message) }
    else if (outcome.note) outcome = { ...outcome, note: scrub(outcome.note) }
    const response = result.ok ? result.response : null
    const update = { ...this.nextState(delivery, outcome, trigger, ctx), lastStatusCode: response?.status ?? null }
    const now = clock.now()
    this.o.queue.finish(
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
        note: outcome.result === 'delivered' && outcome.note ? redactText(outcome.note) : null,
        requestBody: prepared ? JSON.stringify(prepared.body) : null,
        responseHeaders: response ? scrub(JSON.stringify(response.headers)) : null,
        responseBody: response ? scrub(redactText(response.body.slice(0, RESPONSE_BODY_LIMIT))) : null,
      },
      update,
      now,
    )
    if (outcome.result === 'delivered' && outcome.threadId && ctx.options.forum === true && conversation && !ctx.threadId && !stored.isTest) {
      this.o.threads.save(delivery.endpointId, conversation, outcome.threadId, now)
    }
    if (outcome.result === 'retry' && outcome.threadGone && conversation && ctx.threadId) {
      this.o.threads.forget(delivery.endpointId, conversation)
    }
    if (outcome.result === 'permanent' && outcome.disableEndpoint) {
      endpoints.update(delivery.endpointId, { enabled: false }, now)
    }
    if (outcome.result === 'permanent' && (outcome.flagEndpoint || outcome.disableEndpoint)) {
      endpoints.flag(delivery.endpointId, outcome.message, now)
      this.o.logger.warn({ endpointId: delivery.endpointId, reason: outcome.message }, 'endpoint needs attention')
      if (endpoint && !endpoint.needsAttention) {
        this.o.onAttention?.({ id: endpoint.id, name: endpoint.name, reason: redactText(outcome.message) })
      }
    }
    if (outcome.result === 'delivered' && trigger !== 'scheduled' && endpoints.get(delivery.endpointId)?.needsAttention) {
      // A person tested or retried and it worked: the destination is fixed, resume its queue.
      endpoints.clearFlag(delivery.endpointId)
    }
    this.o.logger.info(
      {
        deliveryId: delivery.id,
        endpointId: delivery.endpointId,
        attempt: delivery.attemptCount,
        result: outcome.result,
        status: response?.status,
        errorClass: outcome.result === 'delivered' ? undefined : outcome.errorClass,
        ms: Math.round(result.durationMs),
      },
      'delivery attempt',
    )
    return {
      delivery,
      outcome,
      statusCode: response?.status ?? null,
      durationMs: Math.round(result.durationMs),
      status: update.status!,
    }
  }

  private nextState(delivery: DeliveryRow, outcome: Outcome, trigger: Trigger, ctx: FormatContext): DeliveryUpdate {
    const now = this.o.clock.now()
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
        ageMs: now - delivery.createdAt,
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
    }
  }
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
