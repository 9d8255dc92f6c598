// Claim: the head delivery of an endpoint, or (after an outage, or a burst faster than the
// service takes) the run of due deliveries behind it as one digest, formatted once here to
// learn how many fit. Also prepares a delivery claimed elsewhere (a test send).
import { ATTENTION_ALERT_TYPE } from '../../../shared/attentionAlert'
import { MORNING_REPORT_TYPE } from '../../../shared/morningReport'
import { isRelayEventType } from '../../../shared/relay'
import type { ChannelRegistry } from '../channels/registry'
import type { PreparedRequest } from '../channels/types'
import type { EndpointsRepo } from '../db/endpointsRepo'
import { PERSON_HOLD_PREFIX } from '../routing/personDigest'
import { messageItem } from './formatContext'
import type { ClaimedRun, DeliveryRow, MessageItem, QueueHead, Trigger } from './handoffs'
import type { Outbox } from './outbox'
import type { QueueView } from './queueView'
import { reportUpdatesOf } from './reportEdits'
import type { ThreadStore } from './threads'

/** A backlog: this many messages due for one endpoint, the oldest waiting at least this long,
 * or held up by an outage (Knocker was offline since it came in), however short. It goes as
 * digests where the service allows one; a fresh burst within the service's pace still goes
 * one by one. */
const DIGEST_MIN_BACKLOG = 3
/** Released together after being held (quiet hours, a person's digest): two already go as one message. */
const DIGEST_MIN_RELEASED = 2
const DIGEST_AFTER_WAIT_MS = 10_000
/** A claim's lease outlives the send's timeout by this much. */
const LEASE_MARGIN_MS = 30_000

type EndpointPart = Pick<ClaimedRun, 'endpointId' | 'kind' | 'endpoint' | 'target'>

export interface ClaimOptions {
  outbox: Outbox
  queue: QueueView
  threads: ThreadStore
  endpoints: EndpointsRepo
  channels: ChannelRegistry
  /** Who holds the lease (this process). */
  owner: string
  timeoutMs: number
  /** Knocker is offline: only single probes go out, never digests. */
  offline: () => boolean
  /** Whether Knocker was offline at some point since then (for late notices). */
  wasOfflineSince: (since: number) => boolean
  /** The message id of a report's post, for a delivery that edits it. */
  messageOf?: (postDeliveryId: number) => string | null
}

export class Claim {
  constructor(private readonly o: ClaimOptions) {}

  /** Claims the endpoint's head (and the digest run behind it); null when someone else did. */
  next(head: QueueHead, now: number): ClaimedRun | null {
    const lease = now + this.o.timeoutMs + LEASE_MARGIN_MS
    const part = this.endpointPart(head.endpointId)
    const digest = this.digestRun(head, part, now)
    if (digest) {
      const claimed = this.o.outbox.claim(digest.items.map((item) => item.delivery.id), this.o.owner, lease, now)
      if (claimed.length > 0) {
        // The claimed rows (attempt count and all), with the contexts the digest was built from
        // (in the digest's order, which a person's digest groups by machine).
        const byId = new Map(claimed.map((row) => [row.id, row]))
        const items = digest.items.map((item) => ({ ...item, delivery: byId.get(item.delivery.id)! }))
        return { ...part, trigger: digest.trigger, items, digest: digest.prepared }
      }
    }
    const [single] = this.o.outbox.claim([head.id], this.o.owner, lease, now)
    if (!single) return null
    const trigger: Trigger = single.nextTrigger === 'manual' ? 'manual' : 'scheduled'
    return { ...part, trigger, items: this.items([single], part, trigger, now), digest: null }
  }

  /** Claimed deliveries of one endpoint as a run, each with its format context. */
  prepare(batch: DeliveryRow[], trigger: Trigger, now: number, digest: PreparedRequest | null = null): ClaimedRun {
    const part = this.endpointPart(batch[0].endpointId)
    return { ...part, trigger, items: this.items(batch, part, trigger, now), digest }
  }

  /** The due run behind the head, when it is a backlog and fits a digest of two or more. */
  private digestRun(head: QueueHead, part: EndpointPart, now: number): { items: MessageItem[]; prepared: PreparedRequest; trigger: Trigger } | null {
    const { digest } = this.o.channels[head.kind]
    const endpoint = part.endpoint
    if (!digest || !endpoint || endpoint.options.forum === true || endpoint.options.digests === false || this.o.offline()) return null
    // The run starts at the head, the oldest: while it is younger than the wait there is no
    // backlog to look for (this saves a query per message on a busy endpoint).
    if (!this.isBacklog(head.createdAt, now)) return null
    const run = this.o.queue.dueRun(head.endpointId, head.id, now, digest.maxItems)
    // Knocker's own alerts and morning reports, relayed messages (which keep their sender's own shape), edits and
    // (where reports' posts are edited later) the posts always go alone: the run stops before
    // the first one.
    const editsPosts = reportUpdatesOf(endpoint) !== 'post'
    const alone = run.findIndex(
      (d) =>
        d.eventType === ATTENTION_ALERT_TYPE ||
        d.eventType === MORNING_REPORT_TYPE ||
        isRelayEventType(d.eventType) ||
        d.editOf !== null ||
        (editsPosts && d.eventType === 'problem_report.created'),
    )
    const due = alone === -1 ? run : run.slice(0, alone)
    const min = due[0]?.holdReason ? DIGEST_MIN_RELEASED : DIGEST_MIN_BACKLOG
    if (due.length < min || !this.isBacklog(due[0].createdAt, now)) return null
    const trigger: Trigger = due[0].nextTrigger === 'manual' ? 'manual' : 'scheduled'
    const built = this.items(due, part, trigger, now)
    // A person's digest reads grouped by machine (each machine's events keep their order).
    const items = due[0].holdReason?.startsWith(PERSON_HOLD_PREFIX) ? groupByMachine(built) : built
    try {
      const { included, ...prepared } = digest.format(items.map((item) => ({ event: item.event!, ctx: item.ctx })))
      return included >= 2 ? { items: items.slice(0, included), prepared, trigger } : null
    } catch {
      // The single attempt formats it again and records what went wrong.
      return null
    }
  }

  /** Whether deliveries waiting since `createdAt` are a backlog: waiting long, or held up by an outage. */
  private isBacklog(createdAt: number, now: number): boolean {
    return now - createdAt >= DIGEST_AFTER_WAIT_MS || this.o.wasOfflineSince(createdAt)
  }

  private endpointPart(endpointId: string): EndpointPart {
    const endpoint = this.o.endpoints.get(endpointId) ?? null
    const kind = endpoint?.kind ?? this.o.endpoints.nameOf(endpointId)!.kind
    return { endpointId, kind, endpoint, target: endpoint ? this.o.endpoints.target(endpointId) : null }
  }

  private items(batch: DeliveryRow[], part: EndpointPart, trigger: Trigger, now: number): MessageItem[] {
    const channel = this.o.channels[part.kind]
    const settings = part.target !== null && channel.publicSettings ? channel.publicSettings(part.target) : {}
    return batch.map((delivery) =>
      messageItem({
        delivery,
        stored: this.o.queue.event(delivery.eventSeq),
        trigger,
        endpoint: { kind: part.kind, options: part.endpoint?.options ?? {} },
        settings,
        threadOf: (conversation) => this.o.threads.get(part.endpointId, conversation),
        wasOffline: this.o.wasOfflineSince,
        messageOf: this.o.messageOf,
        now,
      }),
    )
  }
}

/** The items with each machine's events together, machines in order of first appearance;
 * stable, so each machine's (and each report's) events keep their order. */
export function groupByMachine(items: MessageItem[]): MessageItem[] {
  const order = new Map<string, number>()
  for (const item of items) {
    const machine = item.event?.machine.asset_id ?? ''
    if (!order.has(machine)) order.set(machine, order.size)
  }
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => order.get(a.item.event?.machine.asset_id ?? '')! - order.get(b.item.event?.machine.asset_id ?? '')! || a.i - b.i)
    .map(({ item }) => item)
}
