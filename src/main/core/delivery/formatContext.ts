// The only builder of a FormatContext (what a channel's formatter knows besides the event) and
// of its late notice. The engine's claim stage and the admin's message preview both use it.
import { ATTENTION_ALERT_TYPE, type AttentionAlert } from '../../../shared/attentionAlert'
import { conversationKey } from '../../../shared/conversation'
import { KIND_LABELS, type EndpointKind } from '../../../shared/endpointKinds'
import type { KnockerEvent } from '../../../shared/events'
import { MORNING_REPORT_TYPE, type MorningReport } from '../../../shared/morningReport'
import { isRelayEventType, type RelayedMessage } from '../../../shared/relay'
import type { FormatContext, LateNotice } from '../channels/types'
import { PERSON_HOLD_PREFIX } from '../routing/personDigest'
import { postsSilently } from '../routing/quietHours'
import type { DeliveryRow, MessageItem, StoredEvent, Trigger } from './handoffs'

/** A message going out later than this after Knocker received its event says so. */
const LATE_AFTER_MS = 5 * 60_000
const QUEUE_REASON = 'it waited in the queue'

export interface ContextInput {
  event: KnockerEvent | null
  test: boolean
  options: Record<string, unknown>
  settings: Record<string, unknown>
  delivery: FormatContext['delivery']
  /** The destination's thread of a conversation, if an earlier delivery opened one. */
  threadOf?: (conversation: string) => string | null
  late?: LateNotice | null
  /** Posted during quiet hours without a notification (Discord's silent mode). */
  silent?: boolean
}

export function formatContext(input: ContextInput): FormatContext {
  const conversation = input.event ? conversationKey(input.event) : null
  return {
    test: input.test,
    options: input.options,
    settings: input.settings,
    delivery: input.delivery,
    conversation,
    // Test sends never join (or open) a real report's thread.
    threadId: conversation && !input.test && input.threadOf ? input.threadOf(conversation) : null,
    ...(input.late !== undefined && { late: input.late }),
    ...(input.silent && { silent: true }),
  }
}

export interface LateInput {
  delivery: Pick<DeliveryRow, 'createdAt' | 'lastErrorClass'> & Partial<Pick<DeliveryRow, 'holdReason'>>
  trigger: Trigger
  kind: EndpointKind | undefined
  /** Knocker was offline at some point since the delivery was created. */
  wasOffline: boolean
  now: number
}

/** "2 h 11 min late — the museum was offline", when a message goes out well after arrival. */
export function lateNotice({ delivery, trigger, kind, wasOffline, now }: LateInput): LateNotice | null {
  const ms = now - delivery.createdAt
  if (trigger === 'test' || ms < LATE_AFTER_MS) return null
  // Waiting for a person to finish is the point of a per-person digest, not lateness.
  if (delivery.holdReason?.startsWith(PERSON_HOLD_PREFIX)) return null
  const service = kind ? KIND_LABELS[kind] : 'the service'
  const error = delivery.lastErrorClass
  const reason =
    trigger === 'manual'
      ? 'sent again by hand'
      : wasOffline || error === 'network' || error === 'timeout'
        ? 'the museum was offline'
        : error === 'rate_limited'
          ? `${service} was busy`
          : error === null
            ? delivery.holdReason
              ? 'held for quiet hours'
              : QUEUE_REASON
            : `${service} was not accepting messages`
  return { ms, reason }
}

export interface ItemInput {
  delivery: DeliveryRow
  stored: StoredEvent
  trigger: Trigger
  endpoint: { kind: EndpointKind; options: Record<string, unknown> } | undefined
  settings: Record<string, unknown>
  threadOf: (conversation: string) => string | null
  wasOffline: (since: number) => boolean
  /** The message id of a post (for a delivery that edits one). */
  messageOf?: (postDeliveryId: number) => string | null
  now: number
}

/** A claimed delivery with its event (or Knocker's own alert) and its format context. */
export function messageItem(input: ItemInput): MessageItem {
  const { delivery, stored, trigger, endpoint, now } = input
  const alert = stored.eventType === ATTENTION_ALERT_TYPE ? (JSON.parse(stored.payload) as AttentionAlert) : null
  const relay = isRelayEventType(stored.eventType) ? (JSON.parse(stored.payload) as RelayedMessage) : null
  const morning = stored.eventType === MORNING_REPORT_TYPE ? (JSON.parse(stored.payload) as MorningReport) : null
  const event = alert || relay || morning ? null : (JSON.parse(stored.payload) as KnockerEvent)
  const late = lateNotice({ delivery, trigger, kind: endpoint?.kind, wasOffline: input.wasOffline(delivery.createdAt), now })
  const ctx = formatContext({
    event,
    test: stored.isTest,
    options: endpoint?.options ?? {},
    settings: input.settings,
    delivery: { id: delivery.id, eventId: stored.eventId, endpointId: delivery.endpointId, createdAt: delivery.createdAt },
    threadOf: input.threadOf,
    late: morning ? morningLate(morning, delivery.createdAt, late) : late,
    silent: postsSilently(endpoint?.options ?? {}, event, now),
  })
  const edit = delivery.editOf !== null ? { messageId: input.messageOf?.(delivery.editOf) ?? null } : null
  return { delivery, eventType: stored.eventType, isTest: stored.isTest, event, alert, relay, morning, ctx, edit }
}

/** A morning report built well after its time: Knocker was not running then, and built it when
 * it started again. It says so (the queue's own reasons, an outage or a busy service, come first). */
function morningLate(report: MorningReport, dueAt: number, late: LateNotice | null): LateNotice | null {
  if (!late || late.reason !== QUEUE_REASON || Date.parse(report.generated_at) - dueAt < LATE_AFTER_MS) return late
  return { ...late, reason: 'Knocker was not running at its time' }
}
