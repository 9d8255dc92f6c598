// Every webhook body Knocker sends: a JSON envelope {"type", "timestamp", "data", …} and the
// stable webhook-id header; the signature is added at send time. No human rendering:
// receivers get the event contract itself. No digest: every event is a request of its own.
// - An event (formatWebhook): {"type", "timestamp", "test"?, "late"?, "data": <the event as
//   accepted>, "truncated"?}.
// - An attention alert (formatWebhookAlert): the same envelope with type
//   "knocker.endpoint_attention" and the alert's payload as data. Receivers that only know
//   the host app's types can ignore it by its type.
// - A relayed Discord message (formatWebhookRelay): the source, its label and the original
//   payload.
// - A morning report: morningMessage.ts.
import { ATTENTION_ALERT_TYPE, type AttentionAlert } from '../../../../shared/attentionAlert'
import type { KnockerEvent } from '../../../../shared/events'
import { relayEventType, type RelayedBody, type RelayedMessage, type RelayEventType, type RelayLabel } from '../../../../shared/relay'
import { alertSummary } from '../alertText'
import { describeRelay } from '../relayView'
import { describeEvent, viewSummary, type MessageSyntax } from '../eventView'
import type { FormatContext, PreparedRequest } from '../types'
import { fitPayload } from './payloadLimit'
import { webhookId } from './signing'

// ───────────────────────────────────────── event ─────────────────────────────────────────

interface WebhookEnvelope {
  type: KnockerEvent['event']
  /** ISO time Knocker first sent this delivery (the same on every retry). */
  timestamp: string
  /** Only on test sends, whose data is a sample event. */
  test?: true
  /** Only when sent long after Knocker accepted the event: by how much and why. */
  late?: { ms: number; reason: string }
  data: KnockerEvent
  /** Fields of data shortened to keep the body under 20 KB ("problem_report.description"). */
  truncated?: string[]
  [key: string]: unknown
}

/** Plain text: only the history-list summary is rendered. */
const plainSyntax: MessageSyntax = {
  escape: (text) => text,
  link: (label, url) => `${label} (${url})`,
  date: (iso) => iso.slice(0, 10),
  maxFieldChars: 1000,
}

export function formatWebhook(event: KnockerEvent, ctx: FormatContext): PreparedRequest {
  const envelope: WebhookEnvelope = {
    type: event.event,
    // When Knocker accepted the event: the same on every retry, so a retried body is byte
    // for byte the first one (webhook-timestamp carries the time of each attempt).
    timestamp: new Date(ctx.delivery.createdAt).toISOString(),
    ...(ctx.test ? { test: true as const } : {}),
    // As the engine measured it: a retry keeps its bytes only if the engine passes the same
    // notice again (webhook-id stays the receiver's dedup key either way).
    ...(ctx.late ? { late: { ms: Math.max(0, Math.round(ctx.late.ms)), reason: ctx.late.reason } } : {}),
    data: event,
  }
  return {
    body: fitPayload(envelope),
    summary: viewSummary(describeEvent(event, plainSyntax, ctx.options), ctx.test),
    headers: { 'webhook-id': webhookId(ctx.delivery) },
  }
}

// ──────────────────────────────────── attention alert ────────────────────────────────────

interface AlertEnvelope {
  type: typeof ATTENTION_ALERT_TYPE
  /** ISO time Knocker queued this alert (the same on every retry). */
  timestamp: string
  data: AttentionAlert
}

export function formatWebhookAlert(alert: AttentionAlert, ctx: FormatContext): PreparedRequest {
  const envelope: AlertEnvelope = {
    type: ATTENTION_ALERT_TYPE,
    timestamp: new Date(ctx.delivery.createdAt).toISOString(),
    data: alert,
  }
  return { body: envelope, summary: alertSummary(alert), headers: { 'webhook-id': webhookId(ctx.delivery) } }
}

/** The body of a relayed message: the source, its label, what was ignored, and the original
 * Discord payload as Knocker accepted it (shortened like an event's texts past ~20 KB). */
export interface RelayWebhookEnvelope {
  type: RelayEventType
  timestamp: string
  late?: { ms: number; reason: string }
  data: {
    source: { id: string; name: string }
    label: RelayLabel
    message_id: string
    received_at: string
    notes: string[]
    payload: RelayedBody
  }
  truncated?: string[]
  [key: string]: unknown
}

export function formatWebhookRelay(message: RelayedMessage, ctx: FormatContext): PreparedRequest {
  const envelope: RelayWebhookEnvelope = {
    type: relayEventType(message.label),
    timestamp: new Date(ctx.delivery.createdAt).toISOString(),
    ...(ctx.late ? { late: { ms: Math.max(0, Math.round(ctx.late.ms)), reason: ctx.late.reason } } : {}),
    data: {
      source: { id: message.source_id, name: message.source_name },
      label: message.label,
      message_id: message.message_id,
      received_at: message.received_at,
      notes: message.notes,
      payload: message.body,
    },
  }
  return {
    body: fitPayload(envelope),
    summary: describeRelay(message, plainSyntax, { description: 4096, fieldValue: 1024, line: 256 }).summary,
    headers: { 'webhook-id': webhookId(ctx.delivery) },
  }
}
