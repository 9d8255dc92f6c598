// Scheduler: when to look at the queue and what to launch. Each endpoint's queue goes in
// order, one request in flight per endpoint, endpoints in parallel, starting the moment intake
// commits. Offline, only one probe at a time goes out. It also fails overdue deliveries and,
// at start and stop, puts interrupted ones back in the queue.
import type { Pacing } from '../channels/types'
import type { Clock } from '../clock'
import { CoalescedPump } from '../coalescedPump'
import type { Logger } from '../log/logger'
import type { Backoff } from './backoff'
import type { Connectivity } from './connectivity'
import type { ClaimedRun, QueueHead } from './handoffs'
import type { Outbox } from './outbox'
import type { QueueSweeps } from './queueSweeps'
import type { QueueView } from './queueView'

/** Re-check the queue at least this often (lease expiries, clock jumps after sleep). */
const SAFETY_PUMP_MS = 30_000
/** How often deliveries past their time to live are failed. */
const EXPIRY_SWEEP_MS = 60_000
const DEFAULT_STOP_GRACE_MS = 5000

export interface SchedulerOptions {
  outbox: Outbox
  queue: QueueView
  /** Fails overdue deliveries. */
  sweeps: Pick<QueueSweeps, 'expire'>
  connectivity: Connectivity
  backoff: Backoff
  pacingOf: (kind: QueueHead['kind']) => Pacing | undefined
  clock: Clock
  logger: Logger
  claim: (head: QueueHead, now: number) => ClaimedRun | null
  deliver: (run: ClaimedRun) => Promise<unknown>
  /** Offline: whether the head's destination answers at all, without sending it; null when
   * its channel can't tell (then the probe is a real attempt of the head). */
  probe: (head: QueueHead) => Promise<boolean> | null
  /** Time to live per event type. */
  ttlHours: () => Record<string, number>
  /** How long to wait for in-flight sends on stop before releasing them. */
  stopGraceMs?: number
  onDeliveriesChanged?: () => void
}

export class Scheduler {
  private readonly pump: CoalescedPump
  private readonly inFlight = new Map<string, Promise<void>>()
  /** Deliveries released at stop while their send was still out: their late result is dropped. */
  private readonly released = new Set<number>()
  /** Round-robin position of offline probes, so one dead host can't hide that others work. */
  private probeTurn = 0
  private nextExpirySweepAt = 0

  constructor(private readonly o: SchedulerOptions) {
    this.pump = new CoalescedPump(() => this.pass(), o.clock)
  }

  start(): void {
    this.recoverOrphans('Knocker stopped before the destination answered; sending again')
    this.pump.start()
  }

  /** Stop taking work, give in-flight sends a grace period, then release what is left so it
   * is sent again after restart. */
  async stop(): Promise<void> {
    this.pump.stop()
    const all = Promise.allSettled([...this.inFlight.values()])
    const grace = new Promise<boolean>((resolve) => setTimeout(() => resolve(true), this.o.stopGraceMs ?? DEFAULT_STOP_GRACE_MS))
    const timedOut = await Promise.race([all.then(() => false), grace])
    if (timedOut) this.recoverOrphans('Knocker was shutting down before the destination answered; it will be sent again')
  }

  /** Look at the queue as soon as possible (coalesced). */
  kick(): void {
    this.pump.kick()
  }

  get busy(): boolean {
    return this.inFlight.size > 0
  }

  /** Whether this delivery was released at stop (its result must not be recorded). */
  takeReleased(deliveryId: number): boolean {
    return this.released.delete(deliveryId)
  }

  /** Launches what may go now; returns when to look again. */
  private pass(): number {
    const now = this.o.clock.now()
    if (now >= this.nextExpirySweepAt) {
      this.nextExpirySweepAt = now + EXPIRY_SWEEP_MS
      this.expireOverdue(now)
    }
    let wakeAt = Math.min(now + SAFETY_PUMP_MS, this.nextExpirySweepAt)
    const { connectivity, backoff } = this.o
    const offline = connectivity.state
    const heads = this.o.queue.heads(now)
    // Held deliveries (quiet hours) are no heads until their time: look again then.
    const release = this.o.queue.nextRelease(now)
    if (release !== null) wakeAt = Math.min(wakeAt, release)
    const readyAt = (head: QueueHead) => backoff.readyAt(head.endpointId, head.kind, this.o.pacingOf(head.kind), now)
    if (offline) {
      // Offline, only a probe goes out: the next endpoint in turn that isn't waiting on a rate
      // limit, whatever its own backoff says. Its answer tells whether the network is back.
      const ready = heads.filter((head) => !this.inFlight.has(head.endpointId) && readyAt(head) <= now)
      if (this.inFlight.size === 0 && ready.length > 0 && connectivity.mayProbe(now)) {
        const head = ready[this.probeTurn++ % ready.length]
        connectivity.probing(now)
        const probing = this.o.probe(head)
        if (probing) this.watchProbe(head, probing)
        else this.launch(head, now)
      } else if (offline.nextProbeAt > now) {
        wakeAt = Math.min(wakeAt, offline.nextProbeAt)
      }
    } else {
      for (const head of heads) {
        if (this.inFlight.has(head.endpointId)) continue
        const notBefore = Math.max(head.nextAttemptAt, readyAt(head))
        if (notBefore > now) {
          wakeAt = Math.min(wakeAt, notBefore)
          continue
        }
        this.launch(head, now)
      }
    }
    return wakeAt
  }

  private launch(head: QueueHead, now: number): void {
    const run = this.o.claim(head, now)
    if (!run) return
    this.o.backoff.took(head.endpointId, this.o.pacingOf(head.kind), now)
    const sending = this.o
      .deliver(run)
      .then(() => undefined)
      .catch((error) => this.o.logger.error({ err: error, deliveryId: run.items[0].delivery.id }, 'delivery attempt crashed'))
      .finally(() => {
        this.inFlight.delete(head.endpointId)
        this.kick()
      })
    this.inFlight.set(head.endpointId, sending)
  }

  private watchProbe(head: QueueHead, probing: Promise<boolean>): void {
    const { connectivity, clock, logger } = this.o
    const watched = probing
      .then((answered) => {
        logger.debug({ endpointId: head.endpointId, answered }, 'offline probe')
        if (answered) connectivity.answered(clock.now())
        else connectivity.probeFailed(clock.now())
      })
      .catch((error) => {
        logger.error({ err: error, endpointId: head.endpointId }, 'offline probe crashed')
        connectivity.probeFailed(clock.now())
      })
      .finally(() => {
        this.inFlight.delete(head.endpointId)
        this.kick()
      })
    this.inFlight.set(head.endpointId, watched)
  }

  /** Deliveries past their event type's time to live fail, with the reason. */
  private expireOverdue(now: number): void {
    const expired = this.o.sweeps.expire(now, this.o.ttlHours())
    if (expired === 0) return
    this.o.logger.warn({ expired }, 'deliveries expired (not delivered within their time to live)')
    this.o.onDeliveriesChanged?.()
  }

  /** Deliveries left in "sending" (by a crash, or by this process at stop) go back in the
   * queue with an attempt that says what happened. Test sends are not retried. */
  private recoverOrphans(reason: string): void {
    const now = this.o.clock.now()
    for (const orphan of this.o.outbox.orphaned()) {
      if (this.inFlight.size > 0) this.released.add(orphan.id)
      this.o.outbox.finish(
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
